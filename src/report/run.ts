/**
 * The run report: one pure pass over the usage records of a run (SPEC §9, §15).
 *
 * Accounting rules, and why:
 * - tokens count every ok record, cache hits included: they are the real size of the
 *   answers the run produced, whether or not they were paid for this time; a failed record
 *   adds the tokens it was billed for (chunks answered before the failure, a filtered reply),
 *   beside the cost they add;
 * - `cost_usd` counts only what was sent (non-cached records), `saved_usd` what cache hits
 *   would have cost — every record's, also a document only partly answered from the cache
 *   (its condense step, the chunks of a resumed map-reduce). Failed records add their cost when they carry one (a retried
 *   request may have been billed); a failed record with an unknown price only makes the
 *   total unknown when it used tokens — a request refused up front bills nothing;
 * - a document the run stopped before it finished (Ctrl-C, --budget, a fatal stop) is neither
 *   done nor failed, but what it was billed for (chunks answered, a first answer before an
 *   escalation) counts in tokens and cost;
 * - any unknown price makes the affected total null, shown as `?`, never as $0;
 * - latency is measured on requests that went out: cache hits take microseconds and would
 *   drag p50 to zero. Only when everything was cached do their latencies stand in.
 */
import { latencySummary, sumNullable } from './stats.js';
import type { ModelTotals, RunReport, UsageRecord } from './types.js';

export interface RunMeta {
  run_id: string;
  command: string;
  started_at: string;
  finished_at: string;
  interrupted: boolean;
  skipped: { path: string; reason: string }[];
  /** Documents the run set out to process (done + failed + skipped + not reached). */
  total: number;
  warnings: string[];
}

export const MAX_FAILURES = 20;

interface ModelAcc {
  model: string;
  documents: number;
  input_tokens: number;
  output_tokens: number;
  costs: (number | null)[];
}

/** What a record adds to the spent total (see the rules above). */
function spent(r: UsageRecord): number | null {
  if (r.cached) return 0;
  if (r.status === 'ok') return r.cost_usd;
  if (r.cost_usd != null) return r.cost_usd;
  return r.input_tokens + r.output_tokens > 0 ? null : 0;
}

function failureText(r: UsageRecord): string {
  // An input error's message starts with where it is (`notes.jsonl:6: malformed JSON`), which is
  // also the record's id: the report lists it under that id once, not twice.
  const error = r.error?.startsWith(`${r.id}: `) ? r.error.slice(r.id.length + 2) : r.error;
  if (r.error_code && error) return `${r.error_code}: ${error}`;
  return error ?? r.error_code ?? 'failed';
}

export function summarizeRun(records: Iterable<UsageRecord>, meta: RunMeta): RunReport {
  let done = 0;
  let failed = 0;
  let cached = 0;
  const tokens: RunReport['tokens'] = { input: 0, output: 0, cached_input: 0, before_compression: null, after_compression: null };
  // The documents' own tokens, before and after compression: only compression counts them.
  let docTokensCounted = false;
  let before = 0;
  let after = 0;
  const costs: (number | null)[] = [];
  const saved: (number | null)[] = [];
  const liveLatencies: number[] = [];
  const cachedLatencies: number[] = [];
  const failures: RunReport['failures'] = [];
  const models = new Map<string, ModelAcc>();

  const accFor = (model: string): ModelAcc => {
    let acc = models.get(model);
    if (!acc) models.set(model, (acc = { model, documents: 0, input_tokens: 0, output_tokens: 0, costs: [] }));
    return acc;
  };
  for (const r of records) {
    const acc = accFor(r.model); // the model that answered: the document is counted under it
    const cost = spent(r);
    costs.push(cost);
    // Tokens and cost under the model each call went to (by_model), else all under r.model.
    if (r.by_model) {
      for (const m of r.by_model) {
        const part = accFor(m.model);
        part.input_tokens += m.input_tokens;
        part.output_tokens += m.output_tokens;
        part.costs.push(spent({ ...r, cost_usd: m.cost_usd, input_tokens: m.input_tokens, output_tokens: m.output_tokens }));
      }
    } else {
      acc.costs.push(cost);
      acc.input_tokens += r.input_tokens;
      acc.output_tokens += r.output_tokens;
    }
    tokens.input += r.input_tokens;
    tokens.output += r.output_tokens;
    tokens.cached_input += r.cached_input_tokens;
    // What the cache hits behind a record saved (0 without any; null, unknown, makes the total
    // unknown — except on a failure, whose row may carry none).
    if (r.status !== 'error' || r.saved_usd !== null) saved.push(r.saved_usd);
    if (r.status === 'aborted') continue; // unfinished: its spend counts, the document is neither done nor failed
    if (r.status === 'error') {
      failed++;
      if (failures.length < MAX_FAILURES) failures.push({ id: r.id, error: failureText(r) });
      continue;
    }
    done++;
    acc.documents++;
    if (r.doc_tokens_before != null || r.doc_tokens_after != null) docTokensCounted = true;
    before += r.doc_tokens_before ?? r.doc_tokens_after ?? 0;
    after += r.doc_tokens_after ?? r.doc_tokens_before ?? 0;
    if (r.cached) {
      cached++;
      cachedLatencies.push(r.latency_ms);
    } else {
      liveLatencies.push(r.latency_ms);
    }
  }

  if (docTokensCounted) Object.assign(tokens, { before_compression: before, after_compression: after }); // else unknown (null), not 0
  const started = Date.parse(meta.started_at);
  const finished = Date.parse(meta.finished_at);
  const duration_ms = Number.isFinite(started) && Number.isFinite(finished) ? Math.max(0, finished - started) : 0;
  const seconds = duration_ms / 1000;

  const modelTotals: ModelTotals[] = [...models.values()].map((m) => ({
    model: m.model,
    documents: m.documents,
    input_tokens: m.input_tokens,
    output_tokens: m.output_tokens,
    cost_usd: sumNullable(m.costs),
  }));

  return {
    run_id: meta.run_id,
    command: meta.command,
    started_at: meta.started_at,
    finished_at: meta.finished_at,
    duration_ms,
    interrupted: meta.interrupted,
    documents: { total: meta.total, done, failed, skipped: meta.skipped.length, cached },
    tokens,
    cost_usd: sumNullable(costs),
    saved_usd: sumNullable(saved),
    latency_ms: liveLatencies.length + cachedLatencies.length > 0
      ? latencySummary(liveLatencies.length > 0 ? liveLatencies : cachedLatencies)
      : { p50: null, p95: null, max: null },
    throughput: {
      documents_per_s: seconds > 0 ? done / seconds : 0,
      tokens_per_s: seconds > 0 ? (tokens.input + tokens.output) / seconds : 0,
    },
    models: modelTotals,
    skipped: [...meta.skipped],
    failures,
    warnings: [...meta.warnings],
  };
}
