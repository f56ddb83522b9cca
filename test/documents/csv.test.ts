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
});
