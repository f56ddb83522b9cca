import { describe, expect, it } from 'vitest';
import { parseCsv, type CsvRow } from '../../src/documents/csv.js';

async function rows(...chunks: string[]): Promise<CsvRow[]> {
  const out: CsvRow[] = [];
  for await (const row of parseCsv(chunks)) out.push(row);
  return out;
}

describe('parseCsv', () => {
  it.each<[string, string[], CsvRow[]]>([
    ['plain rows', ['a,b\n1,2\n'], [{ fields: ['a', 'b'], line: 1 }, { fields: ['1', '2'], line: 2 }]],
    ['no final newline', ['a,b\n1,2'], [{ fields: ['a', 'b'], line: 1 }, { fields: ['1', '2'], line: 2 }]],
    ['CRLF', ['a,b\r\n1,2\r\n'], [{ fields: ['a', 'b'], line: 1 }, { fields: ['1', '2'], line: 2 }]],
    ['empty fields', [',x,\n'], [{ fields: ['', 'x', ''], line: 1 }]],
    ['quoted comma', ['"a,b",c\n'], [{ fields: ['a,b', 'c'], line: 1 }]],
    ['doubled quotes', ['"say ""hi""",x\n'], [{ fields: ['say "hi"', 'x'], line: 1 }]],
    ['an empty quoted field', ['"",x\n'], [{ fields: ['', 'x'], line: 1 }]],
    ['embedded newline', ['"a\nb",c\nd,e\n'], [{ fields: ['a\nb', 'c'], line: 1 }, { fields: ['d', 'e'], line: 3 }]],
    ['blank lines ignored', ['a\n\n\nb\n'], [{ fields: ['a'], line: 1 }, { fields: ['b'], line: 4 }]],
    ['a stray quote kept as text', ['ab"c,d\n'], [{ fields: ['ab"c', 'd'], line: 1 }]],
    ['a leading BOM dropped', ['\uFEFFid,text\n'], [{ fields: ['id', 'text'], line: 1 }]],
    ['unterminated quote', ['a\n"open\nstill'], [{ fields: ['a'], line: 1 }, { error: 'unterminated quoted field', line: 2 }]],
  ])('parses %s', async (_name, chunks, expected) => {
    expect(await rows(...chunks)).toEqual(expected);
  });

  it('gives the same rows however the input is split into chunks', async () => {
    const text = 'id,body\r\n1,"x, ""y""\r\nz"\r\n2,plain\r\n';
    const whole = await rows(text);
    for (let cut = 1; cut < text.length; cut++) {
      expect(await rows(text.slice(0, cut), text.slice(cut))).toEqual(whole);
    }
    expect(whole).toEqual([
      { fields: ['id', 'body'], line: 1 },
      { fields: ['1', 'x, "y"\r\nz'], line: 2 },
      { fields: ['2', 'plain'], line: 4 },
    ]);
  });

  it('decodes multi-byte characters split across byte chunks', async () => {
    const bytes = Buffer.from('t\nCafé ☕\n');
    const out: CsvRow[] = [];
    for await (const row of parseCsv([bytes.subarray(0, 6), bytes.subarray(6)])) out.push(row);
    expect(out).toEqual([{ fields: ['t'], line: 1 }, { fields: ['Café ☕'], line: 2 }]);
  });

  it('a row over the size limit is an error row; the rows after it are read, with their lines', async () => {
    const out: CsvRow[] = [];
    const text = 'id,text\n1,short\n2,"' + 'long line\n'.repeat(5) + '"\n3,' + 'x'.repeat(40) + '\n4,after\n';
    for await (const row of parseCsv([text.slice(0, 25), text.slice(25)], { maxRowChars: 30 })) out.push(row);
    expect(out).toEqual([
      { fields: ['id', 'text'], line: 1 },
      { fields: ['1', 'short'], line: 2 },
      { error: 'row too large: over 0 MiB (the limit per document)', line: 3 },
      { error: 'row too large: over 0 MiB (the limit per document)', line: 9 },
      { fields: ['4', 'after'], line: 10 },
    ]);
  });

  it('parses a 20 MB quoted field whole', async () => {
    const big = 'word, "quoted"\n'.repeat(1_400_000);
    const out: CsvRow[] = [];
    for await (const row of parseCsv(['id,text\n1,"' + big.replace(/"/g, '""') + '"\n2,next\n'])) out.push(row);
    expect(out.map((r) => ('fields' in r ? [r.fields[0], r.fields[1].length, r.line] : r))).toEqual([
      ['id', 4, 1], ['1', big.length, 2], ['2', 4, 3 + 1_400_000],
    ]);
  });
});
