/**
 * Plain-text number formats that core messages (gate reasons) and the CLI renderers share,
 * so a reason and the table beside it never disagree. No colour, no locale surprises:
 * always en-US separators.
 */

/**
 * Thousands separators for a string of digits (`1234567` → `1,234,567`). Written out rather than
 * Intl.NumberFormat / toLocaleString: the first of those loads ICU's number data, ~15 ms of every
 * run's start-up, for commas.
 */
function group(digits: string): string {
  let i = digits.length % 3 || 3;
  let out = digits.slice(0, i);
  for (; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return out;
}

/**
 * `1,234.57` for 1234.567, rounded as Intl rounds: the number's shortest decimal form (`1.005`,
 * not the binary value's 1.00499…), halves away from zero.
 */
function dollarsAndCents(a: number): string {
  const [w, f = ''] = String(a).split('.');
  if (a >= 1e13 || !/^\d+$/.test(w)) {
    const [whole, cents] = a.toFixed(2).split('.');
    return `${group(whole)}.${cents}`;
  }
  const frac = `${f}000`;
  const total = Number(w) * 100 + Number(frac.slice(0, 2)) + (frac[2] >= '5' ? 1 : 0); // exact below 2^53
  return `${group(String(Math.floor(total / 100)))}.${String(total % 100).padStart(2, '0')}`;
}

/** Whole number with thousands separators, rounded: `1,234,567`, `-1,235`; `?` when unknown. */
export function formatInt(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return '?';
  const r = Math.round(Math.abs(n));
  // toFixed(0) writes every digit below 1e21; token counts are far below that.
  const s = group(r.toFixed(0));
  return n < 0 && r !== 0 ? `-${s}` : s;
}

/**
 * USD with adaptive precision: three significant digits below $1 (`$0.0123`, `$0.50`),
 * cents from $1 up (`$12.34`, `$1,234.56`). Unknown is `?`, never `$0`.
 */
export function formatUsd(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '?';
  if (v === 0) return '$0';
  const sign = v < 0 ? '-' : '';
  const a = Math.abs(v);
  if (a >= 1) return `${sign}$${dollarsAndCents(a)}`;
  if (a < 1e-8) return `${sign}<$0.00000001`;
  const decimals = Math.min(10, Math.max(2, 2 - Math.floor(Math.log10(a))));
  let s = a.toFixed(decimals);
  // Trailing zeros say nothing below a cent; keep at least two decimals.
  while (s.endsWith('0') && s.length - s.indexOf('.') - 1 > 2) s = s.slice(0, -1);
  return `${sign}$${s}`;
}

/** Signed percentage with one decimal: `+12.3%`, `-4.0%`, `0.0%`; `n/a` when unknown. */
export function formatPct(v: number | null | undefined, decimals = 1): string {
  if (v == null || !Number.isFinite(v)) return 'n/a';
  const rounded = Number(v.toFixed(decimals));
  if (rounded === 0) return `${(0).toFixed(decimals)}%`;
  return `${rounded > 0 ? '+' : '-'}${Math.abs(rounded).toFixed(decimals)}%`;
}
