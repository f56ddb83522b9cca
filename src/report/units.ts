/**
 * Plain-text number formats that core messages (gate reasons) and the CLI renderers share,
 * so a reason and the table beside it never disagree. No colour, no locale surprises:
 * always en-US separators.
 */

/**
 * USD with adaptive precision: three significant digits below $1 (`$0.0123`, `$0.50`),
 * cents from $1 up (`$12.34`, `$1,234.56`). Unknown is `?`, never `$0`.
 */
export function formatUsd(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '?';
  if (v === 0) return '$0';
  const sign = v < 0 ? '-' : '';
  const a = Math.abs(v);
  if (a >= 1) {
    return `${sign}$${a.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  }
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
