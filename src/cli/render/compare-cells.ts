/**
 * The cells of the `compare` table, computed once and dressed by each format (terminal
 * colours, Markdown, HTML classes), so every format shows the same figures.
 */
import type { CompareResult, CompareVariant } from '../../report/types.js';
import { formatInt, formatPct, formatScore, formatTokens, formatUsd, formatUsdRange } from './format.js';

/** good = a saving, bad = an increase; the renderers map tones to colours. */
export type Tone = 'good' | 'bad' | 'baseline' | undefined;

export interface Cell {
  text: string;
  tone?: Tone;
}

export interface CompareColumn {
  header: string;
  align: 'left' | 'right';
}

export interface CompareTable {
  columns: CompareColumn[];
  rows: { variant: CompareVariant; cells: Cell[] }[];
}

const deltaTone = (v: number | null): Tone => (v == null || Math.abs(v) < 0.05 ? undefined : v < 0 ? 'good' : 'bad');
const isEstimate = (v: CompareVariant) => v.output_source !== 'measured';
const hasRange = (v: CompareVariant) => v.cost_low !== v.cost_high;
/** SPEC §5: every report shows the tokens before and after compression (as `estimate` does). */
const isCompressed = (v: CompareVariant) => v.compress !== 'none';

export function compareTable(result: CompareResult): CompareTable {
  const showRange = !result.live && result.variants.some(hasRange);
  const showFailed = result.variants.some((v) => v.failed > 0);
  const showBefore = result.variants.some(isCompressed);
  const columns: CompareColumn[] = [
    { header: 'variant', align: 'left' },
    { header: 'docs', align: 'right' },
    { header: 'input tok', align: 'right' },
    ...(showBefore ? [{ header: 'before compression', align: 'right' } as const] : []),
    { header: 'output tok', align: 'right' },
    { header: 'cost', align: 'right' },
    ...(showRange ? [{ header: 'cost range', align: 'right' } as const] : []),
    { header: 'cost/1k docs', align: 'right' },
    { header: 'Δ tokens', align: 'right' },
    { header: 'Δ cost', align: 'right' },
    ...(result.live
      ? ([
        { header: 'p50', align: 'right' },
        { header: 'p95', align: 'right' },
        { header: 'similarity', align: 'right' },
        { header: 'worst', align: 'right' },
      ] as const)
      : []),
    ...(showFailed ? [{ header: 'failed', align: 'right' } as const] : []),
  ];
  const rows = result.variants.map((v) => {
    const base = v.name === result.baseline;
    const cells: Cell[] = [
      { text: base ? `${v.name} (baseline)` : v.name, tone: base ? 'baseline' : undefined },
      { text: formatInt(v.documents) },
      { text: formatTokens(v.input_tokens) },
      ...(showBefore ? [{ text: formatTokens(v.input_tokens_before_compression) }] : []),
      { text: formatTokens(v.output_tokens, isEstimate(v)) },
      { text: formatUsd(v.cost_usd) },
      ...(showRange ? [{ text: formatUsdRange(v.cost_low, v.cost_high) }] : []),
      { text: formatUsd(v.cost_per_1k_docs) },
      { text: base ? 'baseline' : formatPct(v.delta_tokens_pct), tone: base ? undefined : deltaTone(v.delta_tokens_pct) },
      { text: base ? 'baseline' : formatPct(v.delta_cost_pct), tone: base ? undefined : deltaTone(v.delta_cost_pct) },
      ...(result.live
        ? [
          { text: v.latency_ms ? `${formatInt(v.latency_ms.p50)} ms` : 'n/a' },
          { text: v.latency_ms ? `${formatInt(v.latency_ms.p95)} ms` : 'n/a' },
          { text: formatScore(v.similarity) },
          { text: formatScore(v.similarity_worst) },
        ]
        : []),
      ...(showFailed ? [{ text: formatInt(v.failed), tone: v.failed > 0 ? ('bad' as const) : undefined }] : []),
    ];
    return { variant: v, cells };
  });
  return { columns, rows };
}

/** Footnotes explaining estimates, unknown prices and what "similarity" means. */
export function compareFootnotes(result: CompareResult): string[] {
  const notes: string[] = [];
  if (!result.live) {
    notes.push('Offline estimate: nothing was sent. Input tokens are counted exactly; output tokens (~) and cost are estimates.');
  }
  const ledger = result.variants.filter((v) => v.output_source === 'ledger');
  const fill = result.variants.filter((v) => v.output_source === 'fill-ratio');
  for (const v of ledger) {
    notes.push(`~ ${v.name}: output tokens estimated from ${formatInt(v.output_samples)} ledger sample${v.output_samples === 1 ? '' : 's'}`);
  }
  if (fill.length > 0) {
    const ratio = result.fill_ratio != null ? `fill ratio ${result.fill_ratio}` : 'a fill ratio';
    const which = fill.length === result.variants.length ? '' : ` (${fill.map((v) => v.name).join(', ')})`;
    notes.push(`~ output tokens estimated from max tokens × ${ratio}${which}`);
  }
  const unpriced = [...new Set(result.variants.filter((v) => v.cost_usd == null).map((v) => v.model))];
  if (unpriced.length > 0) notes.push(`? = no price known for ${unpriced.join(', ')} (add it under "models" in the config)`);
  if (result.live && result.variants.some((v) => v.similarity != null)) {
    notes.push('similarity: ROUGE-L F1 of each output against the baseline\'s for the same document (mean, and the worst document)');
  }
  return notes;
}

export interface EstimateErrorRow {
  name: string;
  input: string;
  output: string;
  cost: string;
}

/** Live only: how far the offline estimate was from what was measured, per variant. */
export function estimateVsActual(result: CompareResult): EstimateErrorRow[] {
  if (!result.live) return [];
  return result.variants
    .filter((v) => v.estimate_error_pct != null)
    .map((v) => ({
      name: v.name,
      input: formatPct(v.estimate_error_pct!.input_tokens),
      output: formatPct(v.estimate_error_pct!.output_tokens),
      cost: formatPct(v.estimate_error_pct!.cost),
    }));
}

export const ESTIMATE_VS_ACTUAL_TITLE = 'Estimate vs actual (offline estimate relative to the measured figure)';
