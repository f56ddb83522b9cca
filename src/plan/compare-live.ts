/**
 * `compare --live` (SPEC §10): every variant runs through the engine (`runBatch`: cache,
 * concurrency, retries, rate limits, budget; one ledger run each), then the measured tokens,
 * cost, latency and ROUGE-L similarity to the baseline's answers sit beside the offline
 * estimate made just before, so the estimate's error is reported too.
 *
 * Design notes:
 * - The baseline runs first and its answers are kept (id → text); every other variant is
 *   scored against them as its results stream out, so only one variant's answers are held.
 * - Cost is the list price of the answers (what the variant costs to run): a cache hit is free
 *   this time, but a comparison that turned $0 on a cached re-run (CI caches the cache
 *   folder) would make the gates meaningless. What was actually spent goes in a note.
 * - Latency counts requests that went out; a fully cached variant has none (null, with a note).
 * - `--budget` is shared: each variant gets what the ones before it left.
 */
import type { RunOptions, RunDeps, RunStatus } from '../engine/runner.js';
import { newRunId, runBatch } from '../engine/runner.js';
import type { OutputRecord, ResultSink } from '../engine/outputs.js';
import { evaluateGates, applyBaseline } from '../report/compare.js';
import { rougeL } from '../report/rouge.js';
import { latencySummary, pctDelta, sumNullable } from '../report/stats.js';
import type { CompareResult, CompareVariant, RunReport } from '../report/types.js';
import { formatUsd } from '../report/units.js';
import { makeOfflineTransform, makeTransform, type VariantSpec } from './compare-variants.js';
import { condenseModelsOf } from './compression.js';
import { planRun } from './run-plan.js';
import { LlmbatchError } from '../errors.js';
import { estimateVariants, prepareCompare, type CompareOptions } from './compare-estimate.js';

export type LiveRunOptions = Pick<RunOptions, 'temperature' | 'concurrency' | 'rpm' | 'tpm' | 'retries' | 'timeoutMs' | 'graceMs' | 'budget' | 'signal' | 'secrets' | 'command'>;

export interface LiveDeps extends Omit<RunDeps, 'sink' | 'registry'> {
  /** A variant starts (index counts from 0, baseline first). */
  onVariant?: (v: { name: string; index: number; total: number }) => void;
}

export interface LiveCompareResult extends CompareResult {
  /** 'done' unless a variant was interrupted or hit the budget (later variants did not run). */
  status: RunStatus;
}

/** Collects what compare needs from a variant's results without holding them. */
class CaptureSink implements ResultSink {
  latencies: number[] = [];
  cached = 0;
  answered = 0;
  scores = { sum: 0, n: 0, worst: Infinity };

  constructor(private readonly keep: Map<string, string> | null, private readonly against: Map<string, string> | null) {}

  async write(r: OutputRecord): Promise<void> {
    if (r.error !== null || r.output === null) return;
    this.answered++;
    if (r.cached) this.cached++;
    else this.latencies.push(r.latency_ms ?? 0);
    this.keep?.set(r.id, r.output);
    const ref = this.against?.get(r.id);
    if (ref === undefined) return;
    const f1 = rougeL(r.output, ref).f1;
    this.scores.sum += f1;
    this.scores.n++;
    this.scores.worst = Math.min(this.scores.worst, f1);
  }

  async close(): Promise<void> {}
}

export async function compareLive(opts: CompareOptions & { run: LiveRunOptions }, deps: LiveDeps): Promise<LiveCompareResult> {
  const prepared = await prepareCompare(opts);
  const est = await estimateVariants(opts, prepared.variants);
  const estimates = new Map(est.variants.map((v) => [v.name, v]));
  const base = prepared.variants.find((v) => v.name === prepared.baseline)!;
  const order = [base, ...prepared.variants.filter((v) => v !== base)];
  const baseOutputs = new Map<string, string>();
  const measured = new Map<string, CompareVariant>();
  const notes = [...est.notes.filter((n) => !n.startsWith('llm compression'))];
  if (opts.run.budget !== undefined) await checkBudget(opts, deps, order, opts.run.budget);
  let spent: number | null = 0;
  let cachedAnswers = 0;
  let status: RunStatus = 'done';

  for (const [index, spec] of order.entries()) {
    const budget = opts.run.budget === undefined ? undefined : opts.run.budget - (spent ?? 0);
    if (budget !== undefined && budget <= 0) { status = 'budget'; break; }
    deps.onVariant?.({ name: spec.name, index, total: order.length });
    const isBase = spec === base;
    const sink = new CaptureSink(isBase ? baseOutputs : null, isBase ? null : baseOutputs);
    const model = spec.defaultModel ?? spec.model;
    const { info } = opts.registry.get(model);
    const outcome = await runBatch({
      ...opts.run, items: opts.items(), prompt: spec.prompt, model, routes: spec.routes, maxOutputTokens: opts.maxOutputTokens, budget,
      command: `${opts.run.command} [variant ${spec.name}]`, runId: newRunId(), transform: makeTransform(spec.compress, info.encoding),
    }, { ...deps, registry: opts.registry, sink });
    if (outcome.fatal) throw outcome.fatal;
    // The server's surprises (a smaller window, shortened prompts, damaged cache entries).
    for (const n of outcome.serverNotes ?? []) notes.push(`${spec.name}: ${n}`);
    const v = measure(estimates.get(spec.name)!, outcome.report, sink, isBase);
    measured.set(spec.name, v);
    spent = spent === null || outcome.report.cost_usd === null ? null : spent + outcome.report.cost_usd;
    cachedAnswers += sink.cached;
    if (sink.answered > 0 && v.latency_ms === null) notes.push(`${spec.name}: every answer came from the cache, so no latency was measured (run with --no-cache to measure it)`);
    if (outcome.status !== 'done') { status = outcome.status; break; }
  }

  if (status !== 'done') {
    const missing = order.filter((v) => !measured.has(v.name)).map((v) => v.name);
    notes.push(`Stopped (${status === 'budget' ? 'the budget was reached' : status}): ${missing.length ? `not run: ${missing.join(', ')}` : 'the last variant is incomplete'}`);
  }
  if (cachedAnswers > 0) notes.push(`Costs are list prices (what each variant costs to run); ${cachedAnswers} answer(s) came from the cache, so this run spent ${formatUsd(spent)}`);
  const ran = prepared.variants.filter((v) => measured.has(v.name)).map((v) => measured.get(v.name)!);
  const result: LiveCompareResult = {
    baseline: prepared.baseline, live: true, documents: est.documents, skipped: est.skipped,
    variants: applyBaseline(ran, prepared.baseline), gates: [], notes, status,
  };
  result.gates = evaluateGates(result, opts.gates ?? {});
  return result;
}

/**
 * `--budget` before anything is sent, as `run` checks it (SPEC §7): the variants' upper bounds
 * together (each runs over every document; cache hits are free), planned exactly as each
 * variant's run will build its requests. Over the budget, or a price unknown: exit 3, nothing sent.
 */
async function checkBudget(opts: CompareOptions & { run: LiveRunOptions }, deps: LiveDeps, variants: VariantSpec[], budget: number): Promise<void> {
  let upper = 0;
  for (const spec of variants) {
    const model = spec.defaultModel ?? spec.model;
    const { info } = opts.registry.get(model);
    const plan = await planRun({
      items: opts.items(), prompt: spec.prompt, model, temperature: opts.run.temperature, maxOutputTokens: opts.maxOutputTokens,
      fillRatio: opts.fillRatio, registry: opts.registry, cache: deps.cache, server: deps.provider.id, routes: spec.routes,
      transform: makeOfflineTransform(spec.compress, info.encoding), compressLabel: spec.compress.label, condenseModels: condenseModelsOf(spec.compress.specs),
    });
    if (plan.upper_bound_usd === null) {
      throw new LlmbatchError('budget', `Cannot check --budget: a price is unknown in variant ${spec.name}`, 'Add its prices under "models:" in the config, or drop --budget.');
    }
    upper += plan.upper_bound_usd;
  }
  if (upper > budget) {
    throw new LlmbatchError('budget', `Estimated cost of the ${variants.length} variants up to ${formatUsd(upper)} exceeds --budget ${formatUsd(budget)}; nothing was sent`,
      'Each variant runs over every document (cache hits are free). Raise --budget, compare fewer variants or documents, or lower --max-output-tokens.');
  }
}

function measure(est: CompareVariant, report: RunReport, sink: CaptureSink, isBase: boolean): CompareVariant {
  const done = report.documents.done;
  const input = report.tokens.input;
  const output = report.tokens.output;
  // Nothing answered: what the variant costs is unknown (not $0, and not 100% cheaper).
  const cost = done === 0 ? null : sumNullable([report.cost_usd, report.saved_usd]);
  // The estimate covered every document; compare it over the documents that were answered.
  const share = est.documents > 0 ? done / est.documents : 0;
  const scaled = (n: number | null) => (n === null ? null : n * share);
  const lat = sink.latencies.length > 0 ? latencySummary(sink.latencies) : null;
  const similar = isBase ? (sink.answered > 0 ? 1 : null) : sink.scores.n > 0 ? sink.scores.sum / sink.scores.n : null;
  return {
    ...est,
    documents: done + report.documents.failed,
    input_tokens: input,
    input_tokens_before_compression: input + Math.max(0, (report.tokens.before_compression ?? 0) - (report.tokens.after_compression ?? 0)),
    output_tokens: output,
    output_source: 'measured',
    output_samples: done,
    cost_usd: cost,
    cost_low: cost,
    cost_high: cost,
    cost_per_1k_docs: cost === null || done === 0 ? null : (cost / done) * 1000,
    latency_ms: lat ? { p50: lat.p50, p95: lat.p95 } : null,
    latencies: sink.latencies,
    similarity: similar,
    similarity_worst: isBase ? similar : sink.scores.n > 0 ? sink.scores.worst : null,
    estimate_error_pct: {
      input_tokens: pctDelta(scaled(est.input_tokens), input),
      output_tokens: pctDelta(scaled(est.output_tokens), output),
      cost: pctDelta(scaled(est.cost_usd), cost),
    },
    failed: report.documents.failed,
  };
}
