/** `estimate` output (SPEC §11): tokens and cost per model, largest documents, per file, skipped. */
import type { ChalkInstance } from 'chalk';
import type { EstimateModel, EstimateResult } from '../../report/types.js';
import { formatInt, formatTokens, formatUsd, formatUsdRange, makeChalk, type RenderOptions } from './format.js';
import { mdCell, mdTable, toCsv } from './markup.js';
import { textTable } from './table.js';

export type EstimateFormat = 'table' | 'json' | 'md' | 'csv';

const MAX_LISTED = 10;

export interface EstimateRenderOptions extends RenderOptions {
  /**
   * `run --dry-run`: the documents the cache answers. They are free and left out of the model
   * rows, so stdout must say how many there are (a fully cached run has rows of 0 documents).
   */
  cached?: number;
}

export function renderEstimate(result: EstimateResult, format: EstimateFormat, opts: EstimateRenderOptions): string {
  switch (format) {
    case 'json': return JSON.stringify(result, null, 2) + '\n';
    case 'csv': return estimateCsv(result, opts.cached);
    case 'md': return estimateMd(result, opts.cached);
    case 'table': return estimateText(result, makeChalk(opts), opts.cached);
  }
}

const cachedLine = (r: EstimateResult, cached: number) =>
  `dry run, nothing sent; cached (free): ${formatInt(cached)} of ${formatInt(r.documents)} document${r.documents === 1 ? '' : 's'}${cached > 0 ? ' (answered by the cache, not in the table)' : ''}`;

const showBefore = (r: EstimateResult) => r.models.some((m) => m.input_tokens_before_compression !== m.input_tokens);

function modelTable(r: EstimateResult): { header: string[]; right: boolean[]; rows: string[][] } {
  const before = showBefore(r);
  const header = ['model', 'docs', 'input tok', ...(before ? ['before compression'] : []), 'output tok (est.)', 'cost', 'over context'];
  const right = header.map((_, i) => i > 0);
  const inputText = (m: EstimateModel, n: number) => (m.exact ? formatInt(n) : `≈${formatInt(n)}`);
  const rows = r.models.map((m) => [
    m.model,
    formatInt(m.documents),
    inputText(m, m.input_tokens),
    ...(before ? [inputText(m, m.input_tokens_before_compression)] : []),
    formatTokens(m.output_tokens_estimate, true),
    formatUsdRange(m.cost_usd.low, m.cost_usd.high),
    formatInt(m.over_context),
  ]);
  return { header, right, rows };
}

function notes(r: EstimateResult): string[] {
  const out: string[] = [];
  const oe = r.output_estimate;
  out.push(oe.method === 'ledger'
    ? `~ output tokens estimated from ${formatInt(oe.samples ?? 0)} ledger sample${oe.samples === 1 ? '' : 's'}`
    : `~ output tokens estimated from max tokens × fill ratio ${oe.fill_ratio ?? '?'}`);
  if (r.models.some((m) => !m.exact)) out.push('≈ token counts approximated with an OpenAI encoding (the model\'s own tokenizer is not public)');
  const unpriced = r.models.filter((m) => !m.price_known).map((m) => m.model);
  if (unpriced.length > 0) out.push(`? = no price known for ${unpriced.join(', ')} (add it under "models" in the config)`);
  return out;
}

function overContextLines(r: EstimateResult): string[] {
  return r.models
    .filter((m) => m.over_context > 0)
    .map((m) => `${m.model}: ${m.over_context_ids.slice(0, MAX_LISTED).join(', ')}${m.over_context > MAX_LISTED ? ` … and ${m.over_context - MAX_LISTED} more` : ''}${mapReduced(m)}`);
}

/** Over-context documents are map-reduced by the run (SPEC §6) and priced that way. */
function mapReduced(m: EstimateModel): string {
  const n = m.over_context_chunks;
  return n > 0 ? ` (map-reduced: ${formatInt(n)} chunk request${n === 1 ? '' : 's'} + reduce, in the cost)` : '';
}

function listLines(items: string[]): string[] {
  const shown = items.slice(0, MAX_LISTED);
  return items.length > shown.length ? [...shown, `… and ${items.length - shown.length} more`] : shown;
}

function byFileTable(r: EstimateResult): { header: string[]; rows: string[][] } | null {
  if (!r.by_file || r.by_file.length === 0) return null;
  const models = r.models.map((m) => m.model);
  return {
    header: ['document', 'tokens', ...models.map((m) => `cost ${m}`)],
    rows: r.by_file.map((f) => [f.id, formatInt(f.tokens), ...models.map((m) => formatUsd(f.cost_usd[m] ?? null))]),
  };
}

function estimateText(r: EstimateResult, c: ChalkInstance, cached?: number): string {
  const t = modelTable(r);
  const out = [
    c.bold(`estimate: ${formatInt(r.documents)} document${r.documents === 1 ? '' : 's'}, prompt ${r.prompt ?? '(none: documents alone)'}, compress ${r.compress}`),
    ...(cached !== undefined ? [cachedLine(r, cached)] : []),
    '',
    textTable(t.header.map((h, i) => ({ header: h, align: t.right[i] ? 'right' : 'left' })), t.rows, { header: c.bold }),
    '',
    ...notes(r).map((n) => c.dim(n)),
  ];
  const over = overContextLines(r);
  if (over.length > 0) out.push('', c.yellow('over the context window:'), ...over.map((l) => `  ${l}`));
  if (r.largest.length > 0) {
    out.push('', c.bold('largest documents:'),
      textTable([{ header: 'document' }, { header: 'tokens', align: 'right' }], r.largest.map((d) => [d.id, formatInt(d.tokens)]), { indent: '  ', rule: false }));
  }
  const bf = byFileTable(r);
  if (bf) {
    out.push('', c.bold('by file:'), textTable(bf.header.map((h, i) => ({ header: h, align: i > 0 ? 'right' : 'left' })), bf.rows, { indent: '  ', header: c.bold }));
  }
  if (r.skipped.length > 0) {
    out.push('', c.yellow(`skipped (${formatInt(r.skipped.length)}):`), ...listLines(r.skipped.map((s) => `${s.path}: ${s.reason}`)).map((l) => `  ${l}`));
  }
  if (r.errors.length > 0) {
    out.push('', c.red(`errors (${formatInt(r.errors.length)}):`), ...listLines(r.errors.map(errorLine)).map((l) => `  ${l}`));
  }
  for (const w of r.warnings) out.push(c.yellow(`warning: ${w}`));
  return out.join('\n') + '\n';
}

function estimateMd(r: EstimateResult, cached?: number): string {
  const t = modelTable(r);
  const out = [
    `### llmbatch estimate: ${formatInt(r.documents)} documents`,
    '',
    ...(cached !== undefined ? [mdCell(cachedLine(r, cached)), ''] : []),
    mdTable(t.header, t.rows, t.right),
    '',
    ...notes(r).map((n) => `<sub>${mdCell(n)}</sub>\n`),
  ];
  const over = overContextLines(r);
  if (over.length > 0) out.push('**Over the context window**', '', ...over.map((l) => `- ${mdCell(l)}`), '');
  if (r.largest.length > 0) out.push('**Largest documents**', '', mdTable(['document', 'tokens'], r.largest.map((d) => [d.id, formatInt(d.tokens)]), [false, true]), '');
  const bf = byFileTable(r);
  if (bf) out.push('**By file**', '', mdTable(bf.header, bf.rows, bf.header.map((_, i) => i > 0)), '');
  if (r.skipped.length > 0) out.push(`**Skipped (${r.skipped.length})**`, '', ...r.skipped.map((s) => `- ${mdCell(`${s.path}: ${s.reason}`)}`), '');
  if (r.errors.length > 0) out.push(`**Errors (${r.errors.length})**`, '', ...r.errors.map((e) => `- ${mdCell(errorLine(e))}`), '');
  if (r.warnings.length > 0) out.push('**Warnings**', '', ...r.warnings.map((w) => `- ${mdCell(w)}`), '');
  return out.join('\n');
}

/**
 * Per-model rows; with `--by-file`, per-document rows instead (one cost column per model).
 * A dry run (never by file) adds a `cached` column: the run's cached documents (the JSON's
 * `cached`), on every row.
 */
function estimateCsv(r: EstimateResult, cached?: number): string {
  if (r.by_file && r.by_file.length > 0) {
    const models = r.models.map((m) => m.model);
    return toCsv(['id', 'tokens', ...models.map((m) => `cost_usd_${m}`)],
      r.by_file.map((f) => [f.id, f.tokens, ...models.map((m) => f.cost_usd[m] ?? null)]));
  }
  const withCached = cached !== undefined;
  return toCsv(
    ['model', 'documents', 'input_tokens', 'input_tokens_before_compression', 'exact', 'output_tokens_estimate',
      'cost_usd_low', 'cost_usd_high', 'over_context', ...(withCached ? ['cached'] : [])],
    r.models.map((m) => [m.model, m.documents, m.input_tokens, m.input_tokens_before_compression, m.exact,
      m.output_tokens_estimate, m.cost_usd.low, m.cost_usd.high, m.over_context, ...(withCached ? [cached] : [])]),
  );
}

/** Input errors usually name their place already (`file:line: …`). */
function errorLine(e: { id: string; message: string }): string {
  return e.message.startsWith(e.id) ? e.message : `${e.id}: ${e.message}`;
}
