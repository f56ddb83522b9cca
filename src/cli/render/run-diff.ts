/**
 * `report A B` — two runs side by side ("did my prompt change make it cheaper in
 * production?") — and `report --list`. The figures are computed once (`diffRuns`) and dressed
 * per format, like the compare table. Δ is B relative to A, in percent; for tokens, cost and
 * latency a fall is good (green) and a rise bad (red).
 */
import type { ChalkInstance } from 'chalk';
import type { RunRow } from '../../ledger/index.js';
import { pctDelta } from '../../report/stats.js';
import type { ModelTotals, RunReport } from '../../report/types.js';
import { formatDuration, formatInt, formatPct, formatUsd, makeChalk, type RenderOptions } from './format.js';
import { escapeHtml as esc, mdCell, mdTable, toCsv } from './markup.js';
import { textTable } from './table.js';
import type { RunReportFormat } from './run-report.js';

type Kind = 'count' | 'tokens' | 'usd' | 'ms';

export interface DiffMetric {
  name: string;
  a: number | null;
  b: number | null;
  delta_pct: number | null;
  /** true when a smaller B is an improvement (tokens, cost, latency). */
  lower_is_better: boolean;
  kind: Kind;
}

type ModelSide = Omit<ModelTotals, 'model'> | null;

export interface RunDiff {
  a: { run_id: string; command: string; started_at: string };
  b: { run_id: string; command: string; started_at: string };
  metrics: DiffMetric[];
  models: { model: string; a: ModelSide; b: ModelSide; delta_cost_pct: number | null }[];
}

const per1k = (r: RunReport) => (r.cost_usd == null || r.documents.done === 0 ? null : (r.cost_usd / r.documents.done) * 1000);

const METRICS: [string, Kind, boolean, (r: RunReport) => number | null][] = [
  ['documents done', 'count', false, (r) => r.documents.done],
  ['documents failed', 'count', true, (r) => r.documents.failed],
  ['documents cached', 'count', false, (r) => r.documents.cached],
  ['input tokens', 'tokens', true, (r) => r.tokens.input],
  ['output tokens', 'tokens', true, (r) => r.tokens.output],
  ['cost', 'usd', true, (r) => r.cost_usd],
  ['cost per 1k docs', 'usd', true, per1k],
  ['saved by cache', 'usd', false, (r) => r.saved_usd],
  ['latency p50', 'ms', true, (r) => r.latency_ms.p50],
  ['latency p95', 'ms', true, (r) => r.latency_ms.p95],
  ['latency max', 'ms', true, (r) => r.latency_ms.max],
  ['duration', 'ms', true, (r) => r.duration_ms],
];

export function diffRuns(a: RunReport, b: RunReport): RunDiff {
  const side = (r: RunReport) => ({ run_id: r.run_id, command: r.command, started_at: r.started_at });
  const names = [...new Set([...a.models, ...b.models].map((m) => m.model))];
  const find = (r: RunReport, name: string): ModelSide => {
    const m = r.models.find((x) => x.model === name);
    return m ? { documents: m.documents, input_tokens: m.input_tokens, output_tokens: m.output_tokens, cost_usd: m.cost_usd } : null;
  };
  return {
    a: side(a),
    b: side(b),
    metrics: METRICS.map(([name, kind, lower, get]) => ({ name, a: get(a), b: get(b), delta_pct: pctDelta(get(b), get(a)), lower_is_better: lower, kind })),
    models: names.map((model) => {
      const ma = find(a, model);
      const mb = find(b, model);
      return { model, a: ma, b: mb, delta_cost_pct: pctDelta(mb?.cost_usd, ma?.cost_usd) };
    }),
  };
}

const fmt = (kind: Kind, v: number | null): string =>
  v == null ? '?' : kind === 'usd' ? formatUsd(v) : kind === 'ms' ? formatDuration(v) : formatInt(v);

type Tone = 'good' | 'bad' | undefined;
const tone = (m: DiffMetric): Tone =>
  m.delta_pct == null || Math.abs(m.delta_pct) < 0.05 || !m.lower_is_better ? undefined : m.delta_pct < 0 ? 'good' : 'bad';

function tables(d: RunDiff) {
  const head = ['', `A ${d.a.run_id}`, `B ${d.b.run_id}`, 'Δ'];
  const metrics = d.metrics.map((m) => ({ cells: [m.name, fmt(m.kind, m.a), fmt(m.kind, m.b), formatPct(m.delta_pct)], tone: tone(m) }));
  const modelHead = ['model', 'docs A', 'docs B', 'input A', 'input B', 'output A', 'output B', 'cost A', 'cost B', 'Δ cost'];
  const s = (x: ModelSide, k: keyof NonNullable<ModelSide>) => (x ? (k === 'cost_usd' ? formatUsd(x[k]) : formatInt(x[k])) : '–');
  const models = d.models.map((m) => [m.model, s(m.a, 'documents'), s(m.b, 'documents'), s(m.a, 'input_tokens'), s(m.b, 'input_tokens'),
    s(m.a, 'output_tokens'), s(m.b, 'output_tokens'), s(m.a, 'cost_usd'), s(m.b, 'cost_usd'), formatPct(m.delta_cost_pct)]);
  return { head, metrics, modelHead, models };
}

export function renderRunDiff(a: RunReport, b: RunReport, format: RunReportFormat, opts: RenderOptions): string {
  const d = diffRuns(a, b);
  const t = tables(d);
  const title = `llmbatch report: run ${d.a.run_id} (A) vs ${d.b.run_id} (B)`;
  const commands = [`A: ${d.a.command} (${d.a.started_at})`, `B: ${d.b.command} (${d.b.started_at})`];
  switch (format) {
    case 'json': return JSON.stringify(d, null, 2) + '\n';
    case 'csv': return toCsv(['metric', 'a', 'b', 'delta_pct'], [
      ...d.metrics.map((m) => [m.name, m.a, m.b, m.delta_pct]),
      ...d.models.flatMap((m) => [[`${m.model} cost`, m.a?.cost_usd, m.b?.cost_usd, m.delta_cost_pct]]),
    ]);
    case 'md': return [`### ${title}`, '', ...commands.map((c) => `- ${mdCell(c)}`), '',
      mdTable(t.head, t.metrics.map((r) => r.cells), [false, true, true, true]), '',
      mdTable(t.modelHead, t.models, t.modelHead.map((_, i) => i > 0)), ''].join('\n');
    case 'html': return diffHtml(title, commands, t);
    case 'text': return diffText(title, commands, t, makeChalk(opts));
  }
}

function diffText(title: string, commands: string[], t: ReturnType<typeof tables>, c: ChalkInstance): string {
  const paint = (s: string, x: Tone) => (x === 'good' ? c.green(s) : x === 'bad' ? c.red(s) : s);
  const cols = t.head.map((h, i) => ({ header: h, align: i === 0 ? 'left' as const : 'right' as const }));
  const rows = t.metrics.map((r) => [...r.cells.slice(0, 3), paint(r.cells[3], r.tone)]);
  const models = textTable(t.modelHead.map((h, i) => ({ header: h, align: i === 0 ? 'left' as const : 'right' as const })), t.models, { indent: '  ', header: c.bold });
  return [c.bold(title), ...commands.map((l) => c.dim(`  ${l}`)), '', textTable(cols, rows, { indent: '  ', header: c.bold }), '', models, ''].join('\n');
}

function diffHtml(title: string, commands: string[], t: ReturnType<typeof tables>): string {
  const table = (head: string[], rows: { cells: string[]; tone?: Tone }[]) => `<table><thead><tr>${head.map((h, i) => `<th${i ? ' class="num"' : ''}>${esc(h)}</th>`).join('')}</tr></thead><tbody>\n${
    rows.map((r) => `<tr>${r.cells.map((x, i) => {
      const cls = [i ? 'num' : '', i === 3 && r.tone ? r.tone : ''].filter(Boolean).join(' ');
      return `<td${cls ? ` class="${cls}"` : ''}>${esc(x)}</td>`;
    }).join('')}</tr>`).join('\n')}\n</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(title)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:24px}table{border-collapse:collapse;margin:12px 0}th,td{border-bottom:1px solid #d0d7de;padding:4px 10px;text-align:left}.num{text-align:right}.good{color:#1a7f37}.bad{color:#cf222e}.meta{color:#656d76}</style>
</head><body><main>
<h1>${esc(title)}</h1>
${commands.map((l) => `<p class="meta">${esc(l)}</p>`).join('\n')}
${table(t.head, t.metrics)}
${table(t.modelHead, t.models.map((cells) => ({ cells })))}
</main></body></html>
`;
}

export type RunListFormat = 'text' | 'json' | 'md' | 'csv';

const MAX_COMMAND = 80;

/** `report --list`: recent runs, newest first. */
export function renderRunList(runs: RunRow[], format: RunListFormat, opts: RenderOptions): string {
  if (format === 'json') return JSON.stringify(runs, null, 2) + '\n';
  const head = ['when', 'run', 'status', 'docs', 'cost', 'command'];
  const when = (r: RunRow) => r.started_at.replace('T', ' ').replace(/\.\d+Z$|Z$/, 'Z');
  const rows = runs.map((r) => [when(r), r.id, r.status, formatInt(r.documents), formatUsd(r.cost_usd), r.command]);
  if (format === 'csv') return toCsv(['started_at', 'run_id', 'status', 'documents', 'cost_usd', 'command'], runs.map((r) => [r.started_at, r.id, r.status, r.documents, r.cost_usd, r.command]));
  if (format === 'md') return mdTable(head, rows, [false, false, false, true, true, false]) + '\n';
  if (runs.length === 0) return 'No runs recorded yet.\n';
  const c = makeChalk(opts);
  // The full command is in --json; a terminal row stays on one line.
  const short = rows.map((r) => [...r.slice(0, 5), r[5].length > MAX_COMMAND ? `${r[5].slice(0, MAX_COMMAND - 1)}…` : r[5]]);
  return textTable(head.map((h) => ({ header: h, align: h === 'docs' || h === 'cost' ? 'right' as const : 'left' as const })), short, { header: c.bold }) + '\n';
}
