/**
 * `estimate`: exact input tokens and a cost range per model, offline. Documents stream
 * through; each distinct (rendered text, encoding) is counted once, on worker threads once the
 * corpus is large. Memory holds a bounded window of documents, the top-N list and, only with
 * --by-file, one row per document.
 *
 * A document over a model's window is priced the way the run processes it: map-reduced on that
 * model (map-reduce-plan.ts, the dry run's own planning), its chunk requests and reduce rounds
 * in the tokens and cost. Only such documents pay for cutting; a cheap bound on the text's
 * length picks the few that might be over, and only those keep their text until counted.
 */
import type { Document, InputItem } from '../documents/types.js';
import { readNotes } from '../documents/notes.js';
import { DocumentFailure } from '../engine/build.js';
import type { ModelRegistry, RegisteredModel } from '../models/index.js';
import { costOf } from '../models/index.js';
import type { PromptTemplate } from '../prompt/index.js';
import type { EstimateModel, EstimateResult } from '../report/types.js';
import { TokenCounter, type CounterOptions } from '../tokens/index.js';
import type { Encoding } from '../models/types.js';
import { maxOutputFor, messagesFor } from './variant.js';
import { CountMemo, planMapReduce, tokenBound, type MapReducePlan } from './map-reduce-plan.js';
import type { TextTransform } from './text.js';
import type { OutputHistory } from './compare-estimate.js';

export interface EstimateOptions {
  items: AsyncIterable<InputItem>;
  prompt: PromptTemplate | null;
  models: string[];
  registry: ModelRegistry;
  maxOutputTokens?: number;
  fillRatio: number;
  top: number;
  byFile: boolean;
  /** Past mean output tokens for (prompt text, model), from the ledger (not consulted without a prompt). */
  outputHistory?: OutputHistory;
  counter?: CounterOptions;
  /** Compression (offline strategies only). */
  transform?: TextTransform;
  compressLabel?: string;
}

interface Pending {
  id: string;
  /** Document tokens removed by compression (primary encoding). */
  saved: number;
  docTokens: Promise<number>;
  counts: Map<Encoding, Promise<number>>;
  /** Kept only when the document might be over a window: what map-reduce planning cuts. */
  source?: { doc: Document; text: string };
}

/**
 * Without a prompt there is no run to mirror: a document over a window is priced as a prompt of
 * `{{document}}` alone would run it (its chunks, then the reduce rounds over their answers).
 */

/** Documents awaiting their counts; large enough that one huge file does not stall the pool. */
const WINDOW = 4096;

export async function estimate(opts: EstimateOptions): Promise<EstimateResult> {
  const models = opts.models.map((m) => opts.registry.get(m));
  const warnings: string[] = [];
  for (const m of models) {
    if (!m.known) warnings.push(`Model "${m.requested}" is not in the registry: its cost is unknown (?). Add it under "models:" in the config to price it.`);
    else if (m.info.input === null || m.info.output === null) warnings.push(`Model "${m.requested}" has no known price: its cost is shown as ?.`);
    if (!m.info.exact) warnings.push(`Token counts for ${m.requested} are estimates (${m.info.encoding}); its own tokenizer is not public.`);
  }
  const encodings = [...new Set(models.map((m) => m.info.encoding))];
  const primary = models[0].info.encoding;
  const counter = new TokenCounter(opts.counter);
  const promptName = opts.prompt?.name ?? null;

  // input/calls: the estimate (answer calls: one per document, more when map-reduced);
  // inputHigh/callsHigh: the upper bound, every answer at its max output tokens.
  const totals = models.map(() => ({ documents: 0, input: 0, inputHigh: 0, calls: 0, callsHigh: 0, saved: 0, over: 0, overIds: [] as string[], chunks: 0 }));
  const maxOut = models.map((m) => maxOutputFor(opts.prompt, opts.maxOutputTokens, m.info));
  /** The smallest room a request has in any of the windows. */
  const room = Math.min(...models.map((m, i) => m.info.context - maxOut[i]));

  const result: EstimateResult = {
    documents: 0, skipped: [], errors: [], prompt: promptName, compress: opts.compressLabel ?? 'none', models: [], largest: [],
    by_file: opts.byFile ? [] : undefined, output_estimate: { method: 'fill-ratio', fill_ratio: opts.fillRatio }, warnings,
  };
  const window: Pending[] = [];
  const notes = readNotes();

  let overUnplanned = false;
  const settle = async (p: Pending) => {
    let memo: CountMemo | undefined; // a long document's pieces and chunks, counted once for all models
    const docTokens = await p.docTokens;
    const perEncoding = new Map<Encoding, number>();
    for (const [enc, c] of p.counts) perEncoding.set(enc, await c);
    const row = opts.byFile ? { id: p.id, tokens: perEncoding.get(primary)!, cost_usd: {} as Record<string, number | null> } : null;
    /** The document's requests for model i: the estimate, and the upper bound (every answer at max tokens). */
    const addRow = (i: number, est: { input: number; calls: number }, worst: { input: number; calls: number } | null) => {
      const t = totals[i];
      const m = models[i];
      t.input += est.input;
      t.calls += est.calls;
      t.inputHigh += (worst ?? est).input;
      t.callsHigh += (worst ?? est).calls;
      t.saved += p.saved;
      if (row) row.cost_usd[m.requested] = costOf(m.info, { input_tokens: est.input, output_tokens: est.calls * outputMean(i) });
    };
    models.forEach((m, i) => {
      const counted = perEncoding.get(m.info.encoding)!;
      const t = totals[i];
      t.documents++;
      let mr: MapReducePlan | null = null;
      if (counted + maxOut[i] > m.info.context) {
        t.over++;
        if (t.overIds.length < 20) t.overIds.push(p.id);
        // Without a prompt there is no run to mirror: the document is counted as it is (one
        // request), and a note says so. Planning a run's chunks costs two more passes over it.
        if (!opts.prompt) {
          overUnplanned = true;
          return addRow(i, { input: counted, calls: 1 }, null);
        }
        try {
          mr = planMapReduce(p.source!.doc, p.source!.text, m.requested, { prompt: opts.prompt, maxOutputTokens: opts.maxOutputTokens, registry: opts.registry }, () => Math.round(outputMean(i)), (memo ??= new CountMemo()));
        } catch (e) {
          if (!(e instanceof DocumentFailure)) throw e;
          // The run fails this document with an error record, sending nothing: it costs nothing.
          result.errors.push({ id: p.id, message: `${p.id}: fails on ${m.requested}, sending nothing: ${e.message}` });
          if (row) row.cost_usd[m.requested] = 0;
          return;
        }
        t.chunks += mr.chunks;
      }
      addRow(i, mr?.estimate ?? { input: counted, calls: 1 }, mr?.worst ?? null);
    });
    if (row) result.by_file!.push(row);
    pushTop(result.largest, { id: p.id, tokens: docTokens }, opts.top);
  };

  // Looked up once per model (the lookup hashes the prompt), not per document.
  const histories = models.map((m) => (opts.prompt ? opts.outputHistory?.(opts.prompt, m.info.name) ?? null : null));
  const outputMean = (i: number): number => {
    const h = histories[i];
    return h ? h.mean : maxOut[i] * opts.fillRatio;
  };

  try {
    for await (const item of opts.items) {
      if (item.kind === 'skipped') { result.skipped.push(item.skipped); continue; }
      if (item.kind === 'error') { result.errors.push({ id: item.error.id, message: item.error.message }); continue; }
      const doc = item.document;
      notes.add(doc);
      result.documents++;
      const prepared = opts.transform ? await opts.transform(doc) : null;
      const text = prepared?.text ?? doc.text;
      const messages = messagesFor(opts.prompt, doc, text);
      const counts = new Map<Encoding, Promise<number>>();
      for (const enc of encodings) counts.set(enc, counter.count(messages ?? text, enc));
      // The largest-documents list ranks by the request's tokens (the document plus a constant
      // template): counting the document alone again would double the work.
      const docTokens = prepared?.tokensAfter != null ? Promise.resolve(prepared.tokensAfter) : counts.get(primary)!;
      const saved = prepared?.tokensBefore != null && prepared.tokensAfter != null ? prepared.tokensBefore - prepared.tokensAfter : 0;
      const chars = messages ? messages.reduce((n, msg) => n + msg.content.length, 0) : text.length;
      // Kept until counted only when it may be over a window and a prompt gives a run to plan.
      const source = opts.prompt && tokenBound(chars, messages?.length ?? 0) > room ? { doc, text } : undefined;
      window.push({ id: doc.id, saved, docTokens, counts, source });
      if (window.length >= WINDOW) await settle(window.shift()!);
    }
    counter.flush();
    for (const p of window) await settle(p);
  } finally {
    await counter.close();
  }
  const noted = notes.warning();
  if (noted) warnings.push(noted);
  if (overUnplanned) {
    warnings.push('Documents over a window are counted as one request each: without a prompt there is no run to mirror. Give -p to price them the way run map-reduces them (chunk requests and reduce rounds).');
  }

  result.models = models.map((m, i): EstimateModel => {
    const t = totals[i];
    const history = histories[i];
    const outEst = Math.round(t.calls * outputMean(i));
    const low = costOf(m.info, { input_tokens: t.input, output_tokens: outEst });
    const high = costOf(m.info, { input_tokens: t.inputHigh, output_tokens: t.callsHigh * maxOut[i] });
    if (history) result.output_estimate = { method: 'ledger', samples: history.samples };
    return {
      model: m.requested, documents: t.documents, input_tokens: t.input, input_tokens_before_compression: t.input + t.saved,
      output_tokens_estimate: outEst, cost_usd: { low, high }, over_context: t.over, over_context_ids: t.overIds, over_context_chunks: t.chunks,
      exact: m.info.exact, price_known: m.known && m.info.input !== null && m.info.output !== null,
    };
  });
  return result;
}

/** Keep `list` as the n largest by tokens, largest first. */
export function pushTop(list: { id: string; tokens: number }[], item: { id: string; tokens: number }, n: number): void {
  if (n <= 0) return;
  if (list.length >= n && item.tokens <= list[list.length - 1].tokens) return;
  list.push(item);
  list.sort((a, b) => b.tokens - a.tokens);
  if (list.length > n) list.pop();
}

export type { RegisteredModel };
