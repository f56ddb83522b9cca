/** `compare` output in every format of SPEC §10: table (terminal), md, csv, json, html. */
import type { ChalkInstance } from 'chalk';
import type { CompareResult } from '../../report/types.js';
import { compareFootnotes, compareTable, estimateVsActual, ESTIMATE_VS_ACTUAL_TITLE, type Tone } from './compare-cells.js';
import { formatInt, makeChalk, type RenderOptions } from './format.js';
import { renderCompareHtml } from './html.js';
import { mdCell, mdTable, toCsv } from './markup.js';
import { bar, textTable } from './table.js';

export type CompareFormat = 'table' | 'md' | 'csv' | 'json' | 'html';

const MAX_SKIPPED = 10;
const BAR_WIDTH = 16;

export function renderCompare(result: CompareResult, format: CompareFormat, opts: RenderOptions): string {
  switch (format) {
    case 'json': return compareJson(result);
    case 'csv': return compareCsv(result);
    case 'md': return compareMd(result);
    case 'html': return renderCompareHtml(result);
    case 'table': return compareText(result, makeChalk(opts));
  }
}

/** The result as is, minus the raw latency arrays (they only feed the HTML chart). */
export function compareJson(result: CompareResult): string {
  return JSON.stringify(result, (key, value) => (key === 'latencies' ? undefined : value), 2) + '\n';
}

function paint(c: ChalkInstance, tone: Tone, s: string): string {
  if (tone === 'good') return c.green(s);
  if (tone === 'bad') return c.red(s);
  if (tone === 'baseline') return c.bold(s);
  return s;
}

function skippedLines(result: CompareResult): string[] {
  if (result.skipped.length === 0) return [];
  const lines = [`skipped ${result.skipped.length} file${result.skipped.length === 1 ? '' : 's'}:`];
  for (const s of result.skipped.slice(0, MAX_SKIPPED)) lines.push(`  ${s.path}: ${s.reason}`);
  if (result.skipped.length > MAX_SKIPPED) lines.push(`  … and ${result.skipped.length - MAX_SKIPPED} more`);
  return lines;
}

function heading(result: CompareResult): string {
  const mode = result.live ? 'live run' : 'offline estimate, nothing sent';
  return `${result.variants.length} variant${result.variants.length === 1 ? '' : 's'} × ${formatInt(result.documents)} document${result.documents === 1 ? '' : 's'} (${mode}); baseline ${result.baseline}`;
}

function compareText(result: CompareResult, c: ChalkInstance): string {
  const { columns, rows } = compareTable(result);
  const maxCost = Math.max(0, ...result.variants.map((v) => v.cost_usd ?? 0));
  const table = textTable(
    [...columns, { header: '', align: 'left' }],
    rows.map((r) => [...r.cells.map((cell) => paint(c, cell.tone, cell.text)), c.cyan(bar(r.variant.cost_usd, maxCost, BAR_WIDTH))]),
    { header: c.bold },
  );
  const out = [c.bold(`compare: ${heading(result)}`), '', table, ''];
  for (const n of compareFootnotes(result)) out.push(c.dim(n));
  const errors = estimateVsActual(result);
  if (errors.length > 0) {
    out.push('', c.bold(ESTIMATE_VS_ACTUAL_TITLE));
    out.push(textTable(
      [{ header: 'variant' }, { header: 'input tok', align: 'right' }, { header: 'output tok', align: 'right' }, { header: 'cost', align: 'right' }],
      errors.map((e) => [e.name, e.input, e.output, e.cost]),
      { indent: '  ' },
    ));
  }
  if (result.gates.length > 0) {
    out.push('', c.bold('gates:'));
    for (const g of result.gates) {
      out.push(`  ${g.passed ? c.green('✓') : c.red('✗')} ${g.name}: ${g.reason}`);
    }
    const failed = result.gates.filter((g) => !g.passed).length;
    out.push(failed > 0 ? c.red(`${failed} gate${failed === 1 ? '' : 's'} failed`) : c.green('all gates passed'));
  }
  const skipped = skippedLines(result);
  if (skipped.length > 0) out.push('', ...skipped);
  if (result.notes.length > 0) out.push('', ...result.notes.map((n) => `note: ${n}`));
  return out.join('\n') + '\n';
}

function compareMd(result: CompareResult): string {
  const { columns, rows } = compareTable(result);
  const out = [
    `### llmbatch compare: ${result.live ? 'live run' : 'offline estimate'}`,
    '',
    mdCell(heading(result)),
    '',
    mdTable(columns.map((c) => c.header), rows.map((r) => r.cells.map((cell) =>
      cell.tone === 'baseline' ? `**${cell.text}**` : cell.text)), columns.map((c) => c.align === 'right')),
    '',
  ];
  for (const n of compareFootnotes(result)) out.push(`<sub>${mdCell(n)}</sub>`, '');
  const errors = estimateVsActual(result);
  if (errors.length > 0) {
    out.push(`**${ESTIMATE_VS_ACTUAL_TITLE}**`, '');
    out.push(mdTable(['variant', 'input tok', 'output tok', 'cost'], errors.map((e) => [e.name, e.input, e.output, e.cost]), [false, true, true, true]), '');
  }
  if (result.gates.length > 0) {
    out.push('**Gates**', '');
    for (const g of result.gates) out.push(`- ${g.passed ? '✅' : '❌'} \`${g.name}\`: ${mdCell(g.reason)}`);
    out.push('');
  }
  const skipped = skippedLines(result);
  if (skipped.length > 0) {
    out.push(`**${mdCell(skipped[0])}**`, '', ...skipped.slice(1).map((l) => `- ${mdCell(l.trim())}`), '');
  }
  if (result.notes.length > 0) out.push('**Notes**', '', ...result.notes.map((n) => `- ${mdCell(n)}`), '');
  return out.join('\n');
}

function compareCsv(result: CompareResult): string {
  const header = ['variant', 'prompt', 'model', 'compress', 'baseline', 'documents', 'input_tokens',
    'input_tokens_before_compression', 'output_tokens', 'output_source', 'cost_usd', 'cost_low', 'cost_high',
    'cost_per_1k_docs', 'delta_tokens_pct', 'delta_cost_pct', 'latency_p50_ms', 'latency_p95_ms',
    'similarity', 'similarity_worst', 'failed'];
  const rows = result.variants.map((v) => [
    v.name, v.prompt, v.model, v.compress, v.name === result.baseline, v.documents, v.input_tokens,
    v.input_tokens_before_compression, v.output_tokens, v.output_source, v.cost_usd, v.cost_low, v.cost_high,
    v.cost_per_1k_docs, v.delta_tokens_pct, v.delta_cost_pct, v.latency_ms?.p50, v.latency_ms?.p95,
    v.similarity, v.similarity_worst, v.failed,
  ]);
  return toCsv(header, rows);
}
