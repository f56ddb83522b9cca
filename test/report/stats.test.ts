import { describe, expect, it } from 'vitest';
import { latencySummary, pctDelta, percentile, sumNullable } from '../../src/report/stats.js';

describe('percentile (nearest rank)', () => {
  const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  it.each([
    { sorted: [], p: 50, want: 0 },
    { sorted: [7], p: 0, want: 7 },
    { sorted: [7], p: 100, want: 7 },
    { sorted: ten, p: 50, want: 5 },
    { sorted: ten, p: 95, want: 10 },
    { sorted: ten, p: 90, want: 9 },
    { sorted: ten, p: 91, want: 10 },
    { sorted: ten, p: 0, want: 1 },
    { sorted: ten, p: 100, want: 10 },
    { sorted: ten, p: 150, want: 10 },
    { sorted: [10, 20, 30, 40], p: 25, want: 10 },
    { sorted: [10, 20, 30, 40], p: 26, want: 20 },
  ])('p$p of $sorted → $want', ({ sorted, p, want }) => {
    expect(percentile(sorted, p)).toBe(want);
  });
});

describe('latencySummary', () => {
  it.each([
    { values: [], want: { p50: 0, p95: 0, max: 0 } },
    { values: [300], want: { p50: 300, p95: 300, max: 300 } },
    { values: [900, 100, 500, 300, 700], want: { p50: 500, p95: 900, max: 900 } },
    { values: Array.from({ length: 100 }, (_, i) => 100 - i), want: { p50: 50, p95: 95, max: 100 } },
  ])('$values → $want', ({ values, want }) => {
    const copy = [...values];
    expect(latencySummary(values)).toEqual(want);
    expect(values).toEqual(copy);
  });
});

describe('pctDelta', () => {
  it.each([
    { value: 110, base: 100, want: 10 },
    { value: 50, base: 100, want: -50 },
    { value: 100, base: 100, want: 0 },
    { value: 0, base: 100, want: -100 },
    { value: 5, base: 0, want: null },
    { value: 0, base: 0, want: null },
    { value: null, base: 100, want: null },
    { value: 100, base: null, want: null },
    { value: null, base: null, want: null },
  ])('$value vs $base → $want', ({ value, base, want }) => {
    const got = pctDelta(value, base);
    if (want === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(want, 10);
  });
});

describe('sumNullable', () => {
  it.each([
    { values: [], want: 0 },
    { values: [1, 2, 3.5], want: 6.5 },
    { values: [1, null, 3], want: null },
    { values: [null], want: null },
    { values: [0, 0], want: 0 },
  ])('$values → $want', ({ values, want }) => {
    expect(sumNullable(values)).toBe(want);
  });
});
