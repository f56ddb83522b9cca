/**
 * The batch runner (SPEC §7). Design notes:
 * - Documents stream from an async iterator into a p-queue (max(-c, 256) documents in
 *   progress); the feeder waits while as many more wait (backpressure), so memory stays flat
 *   however many documents there are. Requests in flight are bounded by `concurrency` slots
 *   (Slots, held only while a request is on the wire; AIMD moves the bound), so cache hits and
 *   reading never wait behind slow requests. Results are written in input order (InOrder); the
 *   feeder also pauses while too many finished results wait behind a slow one.
 * - One AbortController (`stop`) aborts in-flight requests: at once on a fatal provider error
 *   (401/403/404 — one clear error, not thousands), after the grace period on Ctrl-C. Budget
 *   exhaustion only stops dispatching; in-flight requests finish and are paid for.
 * - Every outcome is data: recorded in the ledger, summarised into the report, written to the
 *   sink. Nothing here prints; the CLI renders `onEvent`.
 */
import PQueue from 'p-queue';
import { setMaxListeners } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { CompletionCache } from '../cache/index.js';
import type { InputItem } from '../documents/types.js';
import { readNotes } from '../documents/notes.js';
import { LlmbatchError } from '../errors.js';
import type { Ledger } from '../ledger/index.js';
import type { ModelRegistry } from '../models/index.js';
import { promptHash, type PromptTemplate } from '../prompt/index.js';
import { NOT_CHAT_HINT, type Provider } from '../providers/types.js';
import { summarizeRun } from '../report/run.js';
import { formatInt } from '../report/units.js';
import type { RunReport, UsageRecord } from '../report/types.js';
import { FatalProviderError, processDocument, type DocumentContext, type DocumentOutcome } from './document.js';
import type { CallResult } from './call.js';
import type { CallKind } from './tally.js';
import type { CompiledRule } from '../route/index.js';
import type { Document } from '../documents/types.js';
import type { Progress, RunEvent } from './events.js';
import type { TextTransform } from '../plan/text.js';
import { Aimd, RateLimiter, Slots, sleep } from './limits.js';
import { InOrder, type OutputRecord, type ResultSink } from './outputs.js';
import { ServerContact } from './request.js';

export interface RunOptions {
  items: AsyncIterable<InputItem>;
  prompt: PromptTemplate;
  model: string;
  temperature?: number;
  maxOutputTokens?: number;
  concurrency: number;
  rpm?: number;
  tpm?: number;
  retries: number;
  timeoutMs: number;
  graceMs: number;
  budget?: number;
  /** Ctrl-C / SIGTERM: stop dispatching, grace period, then abort in-flight requests. */
  signal?: AbortSignal;
  secrets: readonly string[];
  command: string;
  runId?: string;
  /** Compression: the text to send for each document (identity when absent). */
  transform?: TextTransform;
  /** Routing rules (first match wins; `model` is the rule of last resort). */
  routes?: CompiledRule[];
}

export interface RunDeps {
  provider: Provider;
  registry: ModelRegistry;
  cache: CompletionCache | null;
  ledger: Ledger | null;
  sink: ResultSink;
  onEvent?: (e: RunEvent) => void;
  random?: () => number;
}

export type RunStatus = 'done' | 'interrupted' | 'budget' | 'aborted';

export interface RunOutcome {
  report: RunReport;
  status: RunStatus;
  /** Set when the provider refused the key or the model (exit 4). */
  fatal?: LlmbatchError;
  /** Status 'budget': why the run stopped and what was left (also among the report's warnings). */
  budgetNote?: string;
  /**
   * What the server turned out to be (a smaller window than the registry's, prompts shortened
   * without an error) and damaged cache entries: also among the report's warnings; compare
   * --live, which shows no run report, passes these on.
   */
  serverNotes?: string[];
}

const MAX_HELD = 10_000;
/** Documents in progress at once, at least: reading, cache lookups, waiting for a slot. */
const DOCUMENTS_AHEAD = 256;
/**
 * The feeder reads documents and starts their pipelines synchronously (small files are read with
 * readSync; rendering and hashing are CPU). Left alone it runs until the queue is full — hundreds
 * of documents, tens of milliseconds — while replies wait unread and freed slots stay empty. It
 * lets pending I/O in (setImmediate runs after the poll phase) at least this often. Measured:
 * cold run of 5,000 documents at -c 200, latency 200 ms: 6.00 → 5.72 s (median of 10
 * alternating pairs, faster in all 10); yielding after every document instead was slower.
 */
const FEED_SLICE_MS = 1;
const afterPendingIO = () => new Promise<void>((resolve) => setImmediate(resolve));

export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${randomBytes(3).toString('hex')}`;
}


export async function runBatch(opts: RunOptions, deps: RunDeps): Promise<RunOutcome> {
  const runId = opts.runId ?? newRunId();
  const startedAt = new Date().toISOString();
  const emit = deps.onEvent ?? (() => {});
  const hash = promptHash(opts.prompt);
  await deps.ledger?.startRun(runId, opts.command, startedAt);

  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // every document backing off or waiting for the rate limiter listens for the stop
  let stopping: 'signal' | 'budget' | 'fatal' | null = null;
  let fatal: LlmbatchError | undefined;
  let runError: unknown;
  // -c bounds the requests in flight (slots). Documents run further ahead than that, so the ones
  // that come from the cache (looked up in batches) never wait behind requests on the wire.
  const slots = new Slots(opts.concurrency);
  const queue = new PQueue({ concurrency: Math.max(opts.concurrency, DOCUMENTS_AHEAD) });
  const aimd = new Aimd(opts.concurrency, (n) => {
    slots.limit = n;
    emit({ type: 'concurrency', value: n });
  });
  const order = new InOrder<OutputRecord>((r) => deps.sink.write(r));
  const records: UsageRecord[] = [];
  const skipped: { path: string; reason: string }[] = [];
  const warnings: string[] = [];
  /** Models whose window a server stated smaller than the registry's: the first statement and what was assumed. */
  const windows = new Map<string, { stated: number; was: number }>();
  /** Models whose server answered shortened prompts: how many, and the first one's counts. */
  const truncated = new Map<string, { requests: number; reported: number; counted: number }>();
  const notes = readNotes();
  const progress: Progress = { discovered: 0, inputDone: false, done: 0, failed: 0, cached: 0, skipped: 0, inputTokens: 0, outputTokens: 0, spent: 0, inFlight: 0, retries: 0, lastRetry: null };

  const reportProgress = () => emit({ type: 'progress', progress: { ...progress, inFlight: slots.active } });

  const halt = (why: 'signal' | 'budget' | 'fatal') => {
    if (stopping) return;
    stopping = why;
    queue.clear();
    slots.close();
    emit({ type: 'stopping', reason: why });
  };
  // A cache or ledger write that failed (the disk is full) stops dispatching; requests in
  // flight finish, and their answers still reach the output.
  const checkStores = () => {
    const failed = deps.cache?.writeError ?? deps.ledger?.writeError;
    if (failed && !fatal) {
      fatal = failed;
      halt('fatal');
    }
  };
  const contact = new ServerContact();
  // A document that failed after retries (and fallbacks) on errors that retrying is for (429,
  // 5xx, timeouts, dropped connections), while no request at all succeeded since it began: the
  // server is not working, and every other document would spend the same minutes failing. Stop
  // dispatching; requests in flight finish. (With --retries 0 a failure is too quick to tell.)
  // A reply that is not a chat completion at all (a web page) while nothing has succeeded: the
  // base URL points at something else (a web UI's port, a proxy's sign-in page), for every document.
  const checkServer = (outcome: DocumentOutcome, began: number) => {
    if (outcome.status !== 'error' || fatal || contact.succeededSince(began)) return;
    if (outcome.errorCode === 'not-chat') {
      fatal = new LlmbatchError('server-failing', `The server at ${deps.provider.id} does not answer with chat completions (${outcome.record.error?.replace(NOT_CHAT_HINT, '')})`,
        'Check --base-url (or OPENAI_BASE_URL): it must be an OpenAI-compatible API, usually ending in /v1 — not a web page or a proxy that wants a sign-in.');
    } else if (outcome.record.attempts >= 2 && outcome.retryable) {
      fatal = new LlmbatchError('server-failing', `The server is failing: no request succeeded while ${outcome.record.id} was tried, and it failed after its retries (${outcome.record.error})`,
        `The run stopped; finished documents are written${deps.cache ? ' and cached' : ''}. Run the same command again once the server answers (check its logs or status, or --base-url).`);
    } else return;
    halt('fatal');
  };
  let graceTimer: NodeJS.Timeout | undefined;
  const onSignal = () => {
    halt('signal');
    graceTimer = setTimeout(() => stop.abort(), opts.graceMs);
  };
  if (opts.signal?.aborted) onSignal();
  opts.signal?.addEventListener('abort', onSignal, { once: true });

  const ctx: DocumentContext = {
    provider: deps.provider,
    registry: deps.registry,
    cache: deps.cache,
    prompt: opts.prompt,
    model: opts.model,
    temperature: opts.temperature,
    maxOutputTokens: opts.maxOutputTokens,
    attempt: { provider: deps.provider, contact, limiter: new RateLimiter({ rpm: opts.rpm, tpm: opts.tpm }), slots, aimd, retries: opts.retries, timeoutMs: opts.timeoutMs, signal: stop.signal, secrets: opts.secrets, random: deps.random },
    onRetry: (id, info) => {
      progress.retries++;
      progress.lastRetry = `${info.error.kind}: ${info.error.message}`;
      emit({ type: 'retry', id, ...info });
      // A server that answers nothing settles no document: retries are the only sign of life.
      reportProgress();
    },
    transform: opts.transform,
    routes: opts.routes,
    inflight: new Map(),
    onCall: (doc, kind, call) => deps.ledger?.record(runId, subRecord(doc, opts.prompt.name, hash, kind, call), kind),
    onWindow: (model, stated, was) => {
      if (!windows.has(model)) windows.set(model, { stated, was });
    },
    onTruncated: (model, reported, counted) => {
      const t = truncated.get(model);
      if (t) t.requests++;
      else truncated.set(model, { requests: 1, reported, counted });
    },
    // Spend as each reply arrives — answers, and failures the server still billed (chunks of a
    // document that then failed, a filtered reply's prompt), as the report counts them — and
    // before the request's slot goes to the next one: the request that reaches the budget is the
    // last sent, and a long document's chunks stop at the budget too.
    onSpend: (cost) => {
      progress.spent = progress.spent === null || cost === null ? null : progress.spent + cost;
      if (opts.budget !== undefined && progress.spent !== null && progress.spent >= opts.budget) halt('budget');
    },
  };

  const settle = async (index: number, outcome: DocumentOutcome, began = -Infinity) => {
    const r = outcome.record;
    // Stopped before it finished: no output (a re-run does it), but what it was billed for
    // before the stop (chunks answered, a first answer before an escalation) is recorded.
    if (outcome.status === 'aborted' && r.attempts === 0 && r.usage.input_tokens + r.usage.output_tokens === 0) return order.put(index, null);
    const usage: UsageRecord = {
      id: r.id, model: r.model, prompt: r.prompt, prompt_hash: hash, status: outcome.status, cached: r.cached,
      input_tokens: r.usage.input_tokens, output_tokens: r.usage.output_tokens, cached_input_tokens: r.usage.cached_input_tokens,
      cost_usd: r.cost_usd, saved_usd: outcome.saved, latency_ms: r.latency_ms ?? 0, attempts: r.attempts, // the ledger's column is NOT NULL
      chunks: r.chunks, error_code: outcome.errorCode, error: r.error,
      doc_tokens_before: outcome.tokensBefore ?? undefined, doc_tokens_after: outcome.tokensAfter ?? undefined,
      ...(outcome.byModel ? { by_model: outcome.byModel } : {}),
    };
    records.push(usage);
    deps.ledger?.record(runId, usage);
    if (usage.status === 'aborted') return order.put(index, null);
    if (usage.status === 'ok') {
      progress.done++;
      if (r.cached) progress.cached++;
      progress.inputTokens += r.usage.input_tokens;
      progress.outputTokens += r.usage.output_tokens;
    } else progress.failed++;
    await order.put(index, r);
    checkStores();
    checkServer(outcome, began);
    reportProgress();
  };

  // The feeder stopped before the input's end: documents may follow that were never read.
  let inputLeft = false;
  try {
    let slice = performance.now();
    let reported = -Infinity;
    for await (const item of opts.items) {
      const now = performance.now();
      // What has been read so far, a few times a second: before anything settles (a server slow
      // to answer its first requests) this is all the progress display has.
      if (now - reported > 250) {
        reported = now;
        reportProgress();
      }
      if (now - slice > FEED_SLICE_MS) {
        await afterPendingIO();
        slice = performance.now();
      }
      if (stopping) {
        inputLeft = true;
        break;
      }
      if (item.kind === 'skipped') {
        skipped.push(item.skipped);
        progress.skipped++;
        continue;
      }
      progress.discovered++;
      if (item.kind === 'error') {
        const e = item.error;
        await settle(e.index, {
          record: { id: e.id, path: e.path, prompt: opts.prompt.name, model: opts.model, output: null, usage: { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0 }, cost_usd: 0, latency_ms: null, cached: false, attempts: 0, chunks: 0, error: e.message },
          saved: 0, status: 'error', errorCode: 'bad_input',
        });
        continue;
      }
      const doc = item.document;
      notes.add(doc);
      await queue.onSizeLessThan(Math.max(1, queue.concurrency));
      while (order.size > MAX_HELD && !stopping) await sleep(20);
      if (stopping) {
        inputLeft = true;
        break;
      }
      void queue.add(async () => {
        const began = performance.now();
        try {
          await settle(doc.index, await processDocument(doc, ctx), began);
        } catch (e) {
          if (!(e instanceof FatalProviderError)) {
            // Not a document's failure (those are records): a bug or a failing output/cache write.
            // Stop the run and report it once, instead of an unhandled rejection.
            runError ??= e;
            halt('fatal');
            stop.abort();
            return;
          }
          fatal ??= fatalError(e, deps.provider.id, deps.cache !== null);
          halt('fatal');
          stop.abort();
          await order.put(doc.index, null);
        }
      });
    }
    progress.inputDone = true;
    reportProgress();
    await queue.onIdle();
    if (runError) throw runError;
  } finally {
    clearTimeout(graceTimer);
    opts.signal?.removeEventListener('abort', onSignal);
    await order.drain();
    await deps.cache?.flush();
    await deps.ledger?.flush();
    checkStores();
  }

  const status: RunStatus = fatal ? 'aborted' : stopping === 'signal' ? 'interrupted' : stopping === 'budget' ? 'budget' : 'done';
  const noted = notes.warning();
  if (noted) warnings.push(noted);
  const serverNotes: string[] = [];
  for (const [model, { stated, was }] of windows) {
    const planned = deps.registry.get(model).info.context;
    serverNotes.push(`the server says ${model}'s context window is ${formatInt(stated)} tokens (llmbatch assumed ${formatInt(was)}): from then on, documents over it were split into chunks `
      + `(or sent to a fallback) planned for ${formatInt(planned)} tokens (less than stated: llmbatch counts with an OpenAI encoding, and a local model's own tokenizer may count more). `
      + `To plan so from the start (--dry-run and estimate too), add to the config: models: {${JSON.stringify(model)}: {context: ${planned}}}`);
  }
  for (const [model, t] of truncated) {
    serverNotes.push(`the server shortened ${t.requests === 1 ? 'a prompt' : `${formatInt(t.requests)} prompts`} for ${model} without an error (it read ${formatInt(t.reported)} prompt tokens where llmbatch counts ${formatInt(t.counted)}): `
      + `those answers are about part of the document, and are not cached. Ollama cuts prompts to its context length (2,048–4,096 tokens by default): raise it `
      + `(OLLAMA_CONTEXT_LENGTH, or num_ctx), or give llmbatch the window it has — models: {${JSON.stringify(model)}: {context: N}} in the config — to have long documents split.`);
  }
  const unreadable = deps.cache?.unreadable ?? 0;
  if (unreadable > 0) {
    serverNotes.push(`${unreadable} cache entr${unreadable === 1 ? 'y' : 'ies'} in ${deps.cache!.path} could not be read (damaged) and counted as missing: the request was sent again, and its answer replaces the entry.`);
  }
  warnings.push(...serverNotes);
  const budgetNote = status === 'budget' ? budgetWarning(opts.budget!, progress.discovered - progress.done - progress.failed, inputLeft, deps.cache !== null) : undefined;
  if (budgetNote) warnings.push(budgetNote);
  const report = summarizeRun(records, {
    run_id: runId, command: opts.command, started_at: startedAt, finished_at: new Date().toISOString(),
    interrupted: status === 'interrupted', skipped, total: progress.discovered + skipped.length, warnings,
  });
  try {
    await deps.ledger?.finishRun(report, status === 'done' ? 'done' : status === 'interrupted' ? 'interrupted' : status === 'aborted' ? 'aborted' : 'failed');
  } catch (e) {
    if (!(e instanceof LlmbatchError)) throw e;
    fatal ??= e;
    return { report, status: 'aborted', fatal };
  }
  return { report, status, fatal, budgetNote, serverNotes };
}

/**
 * Why a run that reached its budget exits 3. `unfinished`: documents read that got no output
 * (dropped from the queue, or stopped mid-way); `inputLeft`: the feeder stopped before the
 * input's end, so documents may follow that were never read (how many is not known).
 */
function budgetWarning(budget: number, unfinished: number, inputLeft: boolean, cached: boolean): string {
  if (unfinished === 0 && !inputLeft) return `Spend reached the budget of $${budget} with the last document; every document was processed.`;
  const what = unfinished === 0 ? 'Documents not yet read, if any, were'
    : `${unfinished} document${unfinished === 1 ? '' : 's'}${inputLeft ? ', and any not yet read, were' : unfinished === 1 ? ' was' : ' were'}`;
  return `Stopped dispatching: spend reached the budget of $${budget}. ${what} not processed; run again with a larger --budget to finish${cached ? ' (finished ones come from the cache)' : ''}.`;
}

/** The one run-level error of a FatalProviderError. `server` is the provider's id (origin and path, no credentials). */
function fatalError(e: FatalProviderError, server: string, cached: boolean): LlmbatchError {
  const err = e.error;
  if (err.kind === 'auth') {
    return new LlmbatchError('auth', `The server refused the credentials (${err.message})`, `Check the key in the variable the tool reads (OPENAI_API_KEY or --api-key-env), or pass --base-url for a local server that needs none.`);
  }
  if (err.kind === 'quota') {
    return new LlmbatchError('quota', `The provider refused the request: the account has no quota left (${err.message})`, `Check the plan and billing of the account the key belongs to${cached ? '; finished documents are in the cache for the re-run' : ''}.`);
  }
  if (err.kind === 'model' && err.status === 403) {
    return new LlmbatchError('model-not-found', `The server refused model "${e.model}" for this key (${err.message})`, 'The key has no access to that model (the account, project or region): pick another model with -m, or ask for access.');
  }
  if (err.kind === 'model') {
    return new LlmbatchError('model-not-found', `The server does not know model "${e.model}" (${err.message})`, 'Check the model name (llmbatch models lists known ones), or the base URL: OpenAI-compatible servers usually expect it to end in /v1 (--base-url).');
  }
  return new LlmbatchError('unreachable', `Cannot reach the server at ${server}: ${err.message.replace(/^cannot connect to the server: /, '')}`,
    `Is it running? Check --base-url (or OPENAI_BASE_URL). Once it answers, run the same command again${cached ? ': finished documents come from the cache' : ''}.`);
}

/** A ledger row for a call that is part of a document's answer (chunk, reduce, condense, …). */
function subRecord(doc: Document, prompt: string, promptHash: string, kind: CallKind, call: CallResult): UsageRecord {
  const ok = call.ok;
  const used = ok ? call : call.billed; // a failed call the server billed (a filtered reply) has usage too
  return {
    id: doc.id, model: call.model, prompt, prompt_hash: promptHash, status: ok ? 'ok' : 'error', cached: ok ? call.cached : false,
    input_tokens: used?.usage.input_tokens ?? 0, output_tokens: used?.usage.output_tokens ?? 0,
    cached_input_tokens: used?.usage.cached_input_tokens ?? 0, cost_usd: used ? used.cost : 0,
    saved_usd: ok && call.cached ? call.listCost : 0, latency_ms: ok ? Math.round(call.latencyMs) : 0,
    attempts: call.attempts, chunks: 1, error_code: ok ? null : call.error.kind, error: ok ? null : call.error.message,
  };
}
