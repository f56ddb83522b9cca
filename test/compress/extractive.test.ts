import { afterAll, describe, expect, it } from 'vitest';
import { get_encoding } from 'tiktoken';
import { extractive, retention } from '../../src/compress/index.js';
import { assemble, atoms, splitSentences } from '../../src/compress/sentences.js';
import { allSamples } from './samples.js';

const words = (t: string): number => t.split(/\s+/).filter(Boolean).length;
const enc = get_encoding('o200k_base');
const o200k = (t: string): number => enc.encode(t, [], []).length;
afterAll(() => enc.free());

describe('splitSentences', () => {
  it.each([
    ['plain', 'One here. Two there! Three? Four.', ['One here.', 'Two there!', 'Three?', 'Four.']],
    ['abbreviations', 'See e.g. Python and i.e. Ruby. Ask Dr. Smith at Acme Inc. Today.', ['See e.g. Python and i.e. Ruby.', 'Ask Dr. Smith at Acme Inc. Today.']],
    ['numbers and versions', 'Pi is 3.14 and v2.0.1 shipped. Next is 2.1.', ['Pi is 3.14 and v2.0.1 shipped.', 'Next is 2.1.']],
    ['URLs', 'Visit https://x.io/a.b?c=1. Then leave.', ['Visit https://x.io/a.b?c=1.', 'Then leave.']],
    ['initials', 'Written by J. R. R. Tolkien. Read it.', ['Written by J. R. R. Tolkien.', 'Read it.']],
    ['lowercase after a period', 'It costs approx. five. Or the 3. and so on.', ['It costs approx. five.', 'Or the 3. and so on.']],
    ['quotes and brackets', 'He said "stop." Then (quietly) left.', ['He said "stop."', 'Then (quietly) left.']],
    ['wrapped lines', 'First sentence runs\nacross lines. Second one.', ['First sentence runs\nacross lines.', 'Second one.']],
    ['CJK', '今日は晴れ。明日は雨！', ['今日は晴れ。', '明日は雨！']],
  ])('%s', (_name, input, expected) => {
    expect(splitSentences(input)).toEqual(expected);
  });
});

describe('atoms', () => {
  it('makes list items, headings, table rows and code blocks units of their own', () => {
    const text = '# Title\n\nIntro one. Intro two.\n- item a\n  continues. Still a.\n- item b\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n```\ncode. More code.\n```';
    expect(atoms(text).map((a) => [a.kind, a.breakBefore, a.text])).toEqual([
      ['heading', 0, '# Title'],
      ['text', 2, 'Intro one.'],
      ['text', 0, 'Intro two.'],
      ['text', 1, '- item a\n  continues.'],
      ['text', 0, 'Still a.'],
      ['text', 1, '- item b'],
      ['text', 2, '| A | B |\n|---|---|'],
      ['text', 1, '| 1 | 2 |'],
      ['code', 2, '```\ncode. More code.\n```'],
    ]);
  });

  it('splits a long run of unpunctuated lines into lines', () => {
    const list = Array.from({ length: 80 }, (_, i) => `ENTRY${i}`).join('\n');
    expect(atoms(list)).toHaveLength(80);
  });

  it('puts kept units back with the widest break between them', () => {
    const all = atoms('A one. A two.\n\nB one.\nB two.');
    expect(assemble(all, [1, 0, 0, 1])).toBe('A one.\n\nB two.');
    expect(assemble(all, [1, 1, 0, 0])).toBe('A one. A two.');
  });
});

const DOC = `# Harbor agent 2.0

Harbor agent ships logs from 1,200 hosts to the central store in Frankfurt.
The agent is small. It is written in Go. It has few dependencies.
Version 2.0 adds compression with Zstandard, cutting bandwidth by 63 percent.
Nothing else changed in the configuration file. The defaults are sensible.
Support for Windows Server 2019 arrives in March 2025, says Priya Raman.

## Upgrading

Stop the agent, replace the binary and start it again. It is simple.
The state file from 1.x is read and converted on first start.

\`\`\`sh
systemctl stop harbor-agent && cp harbor-agent /usr/local/bin/ && systemctl start harbor-agent
\`\`\`

That is all. There is nothing more to say here. Really nothing more.`;

describe('extractive', () => {
  it.each([0.3, 0.5, 0.7])('keeps at most ratio %f of the tokens', (r) => {
    for (const count of [words, o200k]) {
      const out = extractive(DOC, r, { countTokens: count });
      expect(count(out)).toBeLessThanOrEqual(Math.floor(r * count(DOC)));
      expect(count(out)).toBeGreaterThan(0.5 * r * count(DOC));
    }
  });

  it.each([40, 80, 150])('keeps at most %i tokens when R > 1', (budget) => {
    const out = extractive(DOC, budget, { countTokens: o200k });
    expect(o200k(out)).toBeLessThanOrEqual(budget);
    expect(o200k(out)).toBeGreaterThan(budget / 2);
  });

  it('returns the text unchanged when it already fits', () => {
    expect(extractive(DOC, 1, { countTokens: words })).toBe(DOC);
    expect(extractive(DOC, 100_000, { countTokens: words })).toBe(DOC);
  });

  it('keeps units in their original order, verbatim', () => {
    const out = extractive(DOC, 0.5, { countTokens: o200k });
    const units = atoms(DOC).map((a) => a.text);
    let at = -1;
    for (const piece of atoms(out).map((a) => a.text)) {
      const i = units.indexOf(piece, at + 1);
      expect(i, piece).toBeGreaterThan(at);
      at = i;
    }
  });

  it('keeps the headings and the first sentence, and prefers facts to filler', () => {
    const out = extractive(DOC, 0.5, { countTokens: o200k });
    expect(out).toMatch(/^# Harbor agent 2\.0\n\nHarbor agent ships logs from 1,200 hosts/);
    expect(out).toContain('## Upgrading');
    expect(out).toContain('Windows Server 2019 arrives in March 2025');
    expect(out).not.toContain('The agent is small.');
    expect(out).not.toContain('That is all.');
    expect(retention(DOC, out).terms).toBeGreaterThanOrEqual(0.7);
  });

  it('keeps or drops a code block whole', () => {
    for (const r of [0.3, 0.5, 0.8, 0.9]) {
      const out = extractive(DOC, r, { countTokens: o200k });
      const fence = (out.match(/```/g) ?? []).length;
      expect(fence === 0 || out.includes('```sh\nsystemctl stop harbor-agent && cp harbor-agent /usr/local/bin/ && systemctl start harbor-agent\n```')).toBe(true);
      expect(fence % 2).toBe(0);
    }
  });

  it('is deterministic', () => {
    const a = extractive(DOC, 0.4, { countTokens: o200k });
    for (let i = 0; i < 3; i++) expect(extractive(DOC, 0.4, { countTokens: o200k })).toBe(a);
  });

  it('cuts the best unit at a word boundary when no unit fits', () => {
    const one = 'A single very long sentence without any break that goes on and on for many words';
    const out = extractive(one, 5, { countTokens: words });
    expect(out).toBe('A single very long sentence');
  });

  it.each(allSamples())('keeps most terms of %s at half the tokens', (_name, text) => {
    const out = extractive(text, 0.5, { countTokens: o200k });
    expect(o200k(out)).toBeLessThanOrEqual(Math.floor(0.5 * o200k(text)));
    expect(retention(text, out).terms).toBeGreaterThanOrEqual(0.6);
  });

  it('scales to a large document', () => {
    const big = Array.from({ length: 4000 }, (_, i) =>
      `Section ${i} covers Host${i % 97} in Region${i % 13}. It lists ${i * 7} records from 20${i % 25} onwards.\n\n`).join('');
    const calls: number[] = [];
    const counting = (t: string): number => {
      calls.push(t.length);
      return words(t);
    };
    const out = extractive(big, 0.5, { countTokens: counting });
    expect(words(out)).toBeLessThanOrEqual(Math.floor(words(big) / 2));
    // One count per unit plus a few whole-text counts: linear, not quadratic, in the text.
    expect(calls.reduce((a, b) => a + b, 0)).toBeLessThan(5 * big.length);
  });
});

describe('long code blocks', () => {
  const counter = { countTokens: (t: string) => t.split(/\s+/).filter(Boolean).length };
  const block = ['```json', '{', ...Array.from({ length: 40 }, (_, i) => `  "field${i}": "value ${i}",`), '  "Owner": "Orion Billing 2024"', '}', '```'];
  const doc = `# Output\n\nThe describe-instances call returns the data below.\n\n${block.join('\n')}\n`;

  it('a block over MAX_WHOLE_CODE_LINES is split into line units; a short one stays whole', () => {
    expect(atoms(doc).filter((a) => a.kind === 'code').length).toBe(block.length);
    const short = '```sh\nnpm ci\nnpm test\n```';
    expect(atoms(`Run:\n\n${short}\n`).filter((a) => a.kind === 'code').map((a) => a.text)).toEqual([short]);
  });

  it('keeps part of a long block instead of all or nothing, lines in their original order', () => {
    const out = extractive(doc, 0.5, counter);
    const kept = block.filter((l) => out.split('\n').includes(l));
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(block.length);
    expect(counter.countTokens(out)).toBeLessThanOrEqual(Math.ceil(counter.countTokens(doc) * 0.5));
    const positions = kept.map((l) => out.indexOf(l));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });
});
