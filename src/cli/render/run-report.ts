/**
 * The run report (SPEC §9): the short human summary printed on stderr at the end of a run,
 * and the `--report FILE` formats (json, md, csv, html).
 */
import type { ChalkInstance } from 'chalk';
import type { RunReport } from '../../report/types.js';
import { formatDuration, formatInt, formatRate, formatUsd, makeChalk, type RenderOptions } from './format.js';
import { renderRunReportHtml } from './html.js';
import { mdCell, mdTable, toCsv } from './markup.js';
import { textTable } from './table.js';

export type RunReportFormat = 'text' | 'json' | 'md' | 'csv' | 'html';

const MAX_LISTED = 10;

export function renderRunReport(report: RunReport, format: RunReportFormat, opts: RenderOptions): string {
  switch (format) {
    case 'json': return JSON.stringify(report, null, 2) + '\n';
    case 'csv': return runCsv(report);
    case 'md': return runMd(report);
    case 'html': return renderRunReportHtml(report);
    case 'text': return runText(report, makeChalk(opts));
  }
}

/** Up to MAX_LISTED items, then "… and N more" (N counted against `total` when more were dropped upstream). */
function capped(items: string[], total = items.length): string[] {
  const shown = items.slice(0, MAX_LISTED);
  return total > shown.length ? [...shown, `… and ${total - shown.length} more`] : shown;
}

/** The summary lines shared by text and md. */
function summaryLines(r: RunReport): { label: string; value: string }[] {
  const d = r.documents;
  const t = r.tokens;
  const unpriced = r.models.filter((m) => m.cost_usd == null).map((m) => m.model);
  const lines = [
    {
      label: 'documents',
      value: `${formatInt(d.done)} done, ${formatInt(d.failed)} failed, ${formatInt(d.skipped)} skipped, ${formatInt(d.cached)} cached (of ${formatInt(d.total)})`,
    },
    {
      label: 'tokens',
      value: `${formatInt(t.input)} in, ${formatInt(t.output)} out` +
        (t.before_compression !== t.after_compression
          ? ` (documents ${formatInt(t.before_compression)} → ${formatInt(t.after_compression)} after compression)`
          : ''),
    },
    {
      label: 'cost',
      value: `${formatUsd(r.cost_usd)}${unpriced.length > 0 ? ` (no price known for ${unpriced.join(', ')})` : ''}, saved by cache ${formatUsd(r.saved_usd)}`,
    },
    {
      label: 'latency',
      value: r.latency_ms.p50 === null ? 'none measured (no document was answered)' : `p50 ${formatDuration(r.latency_ms.p50)}, p95 ${formatDuration(r.latency_ms.p95)}, max ${formatDuration(r.latency_ms.max)}`,
    },
    {
      label: 'throughput',
      value: `${formatRate(r.throughput.documents_per_s, 'documents')}, ${formatRate(r.throughput.tokens_per_s, 'tokens')}, in ${formatDuration(r.duration_ms)}`,
    },
  ];
  return lines;
}

function modelRows(r: RunReport): string[][] {
  return r.models.map((m) => [m.model, formatInt(m.documents), formatInt(m.input_tokens), formatInt(m.output_tokens), formatUsd(m.cost_usd)]);
}

const MODEL_HEADER = ['model', 'docs', 'input tok', 'output tok', 'cost'];

function runText(r: RunReport, c: ChalkInstance): string {
  const status = r.interrupted ? c.yellow(' (interrupted)') : r.documents.failed > 0 ? c.red(' (with failures)') : '';
  const out = [c.bold(`llmbatch ${r.command}: run ${r.run_id}`) + status];
  const width = Math.max(...summaryLines(r).map((l) => l.label.length));
  for (const l of summaryLines(r)) out.push(`  ${c.dim(l.label.padEnd(width))}  ${l.value}`);
  if (r.models.length > 0) {
    out.push('', textTable(MODEL_HEADER.map((h, i) => ({ header: h, align: i === 0 ? 'left' : 'right' })), modelRows(r),
      { indent: '  ', header: c.bold }));
  }
  if (r.failures.length > 0) {
    out.push('', c.red(`failures (${formatInt(r.documents.failed)}):`));
    for (const l of capped(r.failures.map((f) => `${f.id}: ${f.error}`), r.documents.failed)) out.push(`  ${l}`);
  }
  if (r.skipped.length > 0) {
    out.push('', c.yellow(`skipped (${formatInt(r.skipped.length)}):`));
    for (const l of capped(r.skipped.map((s) => `${s.path}: ${s.reason}`))) out.push(`  ${l}`);
  }
  for (const w of r.warnings) out.push(c.yellow(`warning: ${w}`));
  return out.join('\n') + '\n';
}

function runMd(r: RunReport): string {
  const out = [
    `### llmbatch ${mdCell(r.command)}: run \`${r.run_id.replace(/`/g, '')}\`${r.interrupted ? ' (interrupted)' : ''}`,
    '',
    ...summaryLines(r).map((l) => `- **${l.label}**: ${mdCell(l.value)}`),
    '',
    mdTable(MODEL_HEADER, modelRows(r), [false, true, true, true, true]),
    '',
  ];
  if (r.failures.length > 0) {
    out.push(`**Failures (${formatInt(r.documents.failed)})**`, '',
      ...capped(r.failures.map((f) => `${f.id}: ${f.error}`), r.documents.failed).map((l) => `- ${mdCell(l)}`), '');
  }
  if (r.skipped.length > 0) {
    out.push(`**Skipped (${formatInt(r.skipped.length)})**`, '', ...r.skipped.map((s) => `- ${mdCell(`${s.path}: ${s.reason}`)}`), '');
  }
  if (r.warnings.length > 0) out.push('**Warnings**', '', ...r.warnings.map((w) => `- ${mdCell(w)}`), '');
  return out.join('\n');
}

/** One row per model, then a `(total)` row that also carries the run-wide figures. */
function runCsv(r: RunReport): string {
  const header = ['run_id', 'model', 'documents', 'failed', 'skipped', 'cached', 'input_tokens', 'output_tokens',
    'cost_usd', 'saved_usd', 'latency_p50_ms', 'latency_p95_ms', 'latency_max_ms', 'duration_ms',
    // SPEC §5: every report shows the documents' tokens before and after compression (empty without it).
    'tokens_before_compression', 'tokens_after_compression'];
  const rows = r.models.map((m) => [r.run_id, m.model, m.documents, null, null, null, m.input_tokens, m.output_tokens,
    m.cost_usd, null, null, null, null, null, null, null]);
  rows.push([r.run_id, '(total)', r.documents.done, r.documents.failed, r.documents.skipped, r.documents.cached,
    r.tokens.input, r.tokens.output, r.cost_usd, r.saved_usd, r.latency_ms.p50, r.latency_ms.p95, r.latency_ms.max, r.duration_ms,
    r.tokens.before_compression, r.tokens.after_compression]);
  return toCsv(header, rows);
}
