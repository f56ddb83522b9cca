/**
 * Number formats for every renderer, and the one way a renderer gets colour: a chalk
 * instance built from `opts.color` (the CLI decides TTY / NO_COLOR / FORCE_COLOR once).
 */
import { Chalk, type ChalkInstance } from 'chalk';
import { formatInt, formatPct, formatUsd } from '../../report/units.js';

export { formatInt, formatPct, formatUsd };

export interface RenderOptions {
  color: boolean;
}

export function makeChalk(opts: RenderOptions): ChalkInstance {
  return new Chalk({ level: opts.color ? 1 : 0 });
}

/** Token count; `estimate` marks a figure that was not counted (`~1,234`). */
export function formatTokens(n: number | null | undefined, estimate = false): string {
  const s = formatInt(n);
  return estimate && s !== '?' ? `~${s}` : s;
}

/** A registry price in USD per 1M tokens: `$0.15`, `$2.50`, `$0.075`, `?` when unknown. */
export function formatPrice(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '?';
  if (v === 0) return '$0';
  return v >= 0.1 ? `$${v.toFixed(2)}` : formatUsd(v);
}

/** Cost range `$0.010–$0.015`, a single figure when both ends agree. */
export function formatUsdRange(low: number | null | undefined, high: number | null | undefined): string {
  if (low == null || high == null) return low == null && high == null ? '?' : `${formatUsd(low)}–${formatUsd(high)}`;
  const a = formatUsd(low);
  const b = formatUsd(high);
  return a === b ? a : `${a}–${b}`;
}

/** Duration: `850 ms`, `12.3 s`, `4m 05s`, `1h 02m`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms) || ms < 0) return '?';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const total = Math.round(s);
  if (total < 3600) return `${Math.floor(total / 60)}m ${String(total % 60).padStart(2, '0')}s`;
  return `${Math.floor(total / 3600)}h ${String(Math.floor((total % 3600) / 60)).padStart(2, '0')}m`;
}

/** Rate per second with sensible precision: `12.3 documents/s`, `0.42 documents/s`, `1,234 tokens/s`. */
export function formatRate(perSecond: number, unit: string): string {
  if (!Number.isFinite(perSecond)) return `? ${unit}/s`;
  if (perSecond >= 100) return `${formatInt(perSecond)} ${unit}/s`;
  if (perSecond >= 1) return `${perSecond.toFixed(1)} ${unit}/s`;
  return `${perSecond.toFixed(2)} ${unit}/s`;
}

/** A fraction 0..1 as a percentage without sign: `35%`, `50%`. */
export function formatShare(fraction: number | null | undefined): string {
  if (fraction == null || !Number.isFinite(fraction)) return '?';
  return `${Number((fraction * 100).toFixed(1))}%`;
}

/** A similarity score 0..1 with two decimals, `n/a` when unknown. */
export function formatScore(v: number | null | undefined): string {
  return v == null || !Number.isFinite(v) ? 'n/a' : v.toFixed(2);
}
