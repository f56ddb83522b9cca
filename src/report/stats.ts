/**
 * Small numeric reductions shared by the run report and `compare`.
 *
 * Percentiles use the nearest-rank method (the value at rank ⌈p/100 · n⌉ of the sorted
 * sample): every reported percentile is a latency that was actually observed, which is
 * what people expect when they read "p95 = 2.1 s", and it needs no interpolation policy.
 */

/** Nearest-rank percentile of an ascending-sorted sample; `p` in [0, 100]. 0 for an empty sample. */
export function percentile(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const clamped = Math.min(100, Math.max(0, p));
  const rank = Math.ceil((clamped / 100) * n);
  return sorted[Math.min(n - 1, Math.max(0, rank - 1))];
}

export interface LatencySummary {
  p50: number;
  p95: number;
  max: number;
}

/** p50 / p95 / max of an unsorted sample (zeros when empty). The input is not modified. */
export function latencySummary(values: Iterable<number>): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const arr = Array.from(sorted);
  if (arr.length === 0) return { p50: 0, p95: 0, max: 0 };
  return { p50: percentile(arr, 50), p95: percentile(arr, 95), max: arr[arr.length - 1] };
}

/**
 * Signed change of `value` relative to `base`, in percent (`+12.5` means 12.5 % more).
 * null when either side is unknown, or when the base is 0 (a relative change from nothing
 * has no meaningful size).
 */
export function pctDelta(value: number | null | undefined, base: number | null | undefined): number | null {
  if (value == null || base == null || base === 0) return null;
  if (!Number.isFinite(value) || !Number.isFinite(base)) return null;
  return ((value - base) / Math.abs(base)) * 100;
}

/** Sum where one unknown (null) makes the whole sum unknown; 0 for no values. */
export function sumNullable(values: Iterable<number | null | undefined>): number | null {
  let total = 0;
  for (const v of values) {
    if (v == null) return null;
    total += v;
  }
  return total;
}
