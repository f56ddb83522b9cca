import { describe, expect, it } from 'vitest';
import { MAX_TOKENS, lcsLength, rougeL, tokenize } from '../../src/report/rouge.js';

describe('tokenize', () => {
  it.each([
    { text: 'Hello, World!', want: ['hello', 'world'] },
    { text: "don't stop-me now", want: ['don', 't', 'stop', 'me', 'now'] },
    { text: 'Café  au lait 42x', want: ['café', 'au', 'lait', '42x'] },
    { text: '  ...  ', want: [] },
  ])('$text', ({ text, want }) => {
    expect(tokenize(text)).toEqual(want);
  });

  it(`caps at ${MAX_TOKENS} tokens`, () => {
    expect(tokenize('a '.repeat(MAX_TOKENS + 500))).toHaveLength(MAX_TOKENS);
  });
});

describe('lcsLength', () => {
  it.each([
    { a: [], b: [1, 2], want: 0 },
    { a: [1, 2, 3], b: [1, 2, 3], want: 3 },
    { a: [1, 2, 3, 4], b: [2, 4], want: 2 },
    { a: [2, 4], b: [1, 2, 3, 4], want: 2 },
    { a: [1, 3, 4, 1, 2, 1, 3], b: [3, 1, 2, 1, 4, 1, 3], want: 5 },
  ])('$a ~ $b → $want', ({ a, b, want }) => {
    expect(lcsLength(a, b)).toBe(want);
  });
});

describe('rougeL', () => {
  it.each([
    { name: 'identical', a: 'The cat sat on the mat.', b: 'the cat sat on the mat', p: 1, r: 1, f: 1 },
    { name: 'disjoint', a: 'alpha beta', b: 'gamma delta', p: 0, r: 0, f: 0 },
    // LCS(the cat sat on the mat, the cat lay on a mat) = the cat on mat = 4 of 6 and 6.
    { name: 'partial', a: 'the cat sat on the mat', b: 'the cat lay on a mat', p: 4 / 6, r: 4 / 6, f: 4 / 6 },
    // LCS = 2; precision 2/2, recall 2/3, F1 = 2·1·(2/3) / (1 + 2/3) = 0.8.
    { name: 'candidate shorter', a: 'the cat', b: 'the cat sat', p: 1, r: 2 / 3, f: 0.8 },
    { name: 'both empty', a: '', b: '!!', p: 1, r: 1, f: 1 },
    { name: 'one empty', a: '', b: 'text', p: 0, r: 0, f: 0 },
  ])('$name', ({ a, b, p, r, f }) => {
    const got = rougeL(a, b);
    expect(got.precision).toBeCloseTo(p, 10);
    expect(got.recall).toBeCloseTo(r, 10);
    expect(got.f1).toBeCloseTo(f, 10);
  });

  it('scores only the first MAX_TOKENS tokens of each text', () => {
    // Identical up to the cap, different after it: capped, the score is a perfect 1.
    const ref = 'x '.repeat(MAX_TOKENS);
    expect(rougeL(ref + 'y '.repeat(3000), ref).f1).toBe(1);
  });

  it('stays fast on long texts (capped)', () => {
    const words = Array.from({ length: 50_000 }, (_, i) => `w${i % 997}`).join(' ');
    const t0 = performance.now();
    expect(rougeL(words, words).f1).toBe(1);
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});
