/**
 * The offline half of `compare` (SPEC §10): exact input tokens, estimated output tokens and
 * cost for every variant, without sending anything. compareOffline returns it as is;
 * compareLive puts it beside the measured figures.
 *
 * The corpus is read once for counting, however many variants there are: each document is
 * compressed once per compression setting, and each distinct text is tokenized once per
 * encoding (compare-count.ts: further prompts only add their first and last lines) — two
 * models with the same tokenizer, or a compression that changes nothing, share one count.
 * Counting runs on the TokenCounter's worker threads behind a bounded window of documents,
 * as in `estimate`.
 *
 * A document over its model's window is priced the way the run processes it (SPEC §6), as in
 * `estimate` and `--dry-run`: a routed variant's fallback that holds it, else map-reduced
 * (map-reduce-plan.ts), its chunk requests and reduce rounds in the tokens and cost. Only such
 * documents pay for cutting: a bound on the rendered request's length picks the few that might
 * be over, and only those keep their (compressed) text until counted.
 */
import type { InputItem } from '../documents/types.js';
import { readNotes } from '../documents/notes.js';
import { costOf, type ModelRegistry } from '../models/index.js';
import type { GateOptions } from '../report/compare.js';
import type { CompareVariant } from '../report/types.js';
import { TokenCounter, type CounterOptions } from '../tokens/index.js';
import { DocumentCounts, overheadTable, type Counter } from './compare-count.js';
import { CountMemo, planOverWindow, tokenBound } from './map-reduce-plan.js';
import { buildRequest, condenseRequest } from '../engine/build.js';
import { condenseModelsOf } from './compression.js';
import {
  buildVariants, compressOffline, dependsOnEncoding, offlineNote, prepareBoilerplate, resolveBaseline, ROUTED,
  type VariantInput, type VariantSpec,
} from './compare-variants.js';
import type { Document } from '../documents/types.js';
import type { Encoding } from '../models/types.js';
import type { PromptTemplate } from '../prompt/index.js';
import { chooseRoute, routesCountTokens } from '../route/index.js';
import { countTokens } from '../tokens/index.js';
import { maxOutputFor } from './variant.js';

export type { Counter } from './compare-count.js';

/** Past answers' mean output tokens for this prompt (by its text: see prompt/hash.ts) and model, or null. */
export type OutputHistory = (prompt: PromptTemplate, model: string) => { mean: number; samples: number } | null;

export interface CompareOptions extends VariantInput {
  /** A fresh pass over the inputs per call: counting reads them once (dedupe adds a pre-pass). */
  items: () => AsyncIterable<InputItem>;
  registry: ModelRegistry;
  baseline?: string;
  /** Where `baseline` came from, for its error: `--baseline` (default) or `FILE: baseline`. */
  baselineLabel?: string;
  maxOutputTokens?: number;
  fillRatio: number;
  /** Mean output tokens of past answers for (prompt text, model), from the ledger. */
  outputHistory?: OutputHistory;
  gates?: GateOptions;
  counter?: Counter | CounterOptions;
}

export interface PreparedCompare {
  variants: VariantSpec[];
  baseline: string;
}

/** Variants, baseline and dedupe's boilerplate index: everything decided before counting. */
export async function prepareCompare(opts: CompareOptions): Promise<PreparedCompare> {
  const variants = buildVariants(opts);
  const baseline = resolveBaseline(variants, opts.baseline, opts.baselineLabel);
  const settings = [...new Set(variants.map((v) => v.compress))];
  await prepareBoilerplate(settings, opts.items(), opts.registry.get(variants[0].model).info.encoding);
  return { variants, baseline };
}

/**
 * A call a variant makes beside a document's answer: a condense call of `llm` compression
 * (certain) or an escalation (possible: only the upper bound counts it), as run-plan prices them.
 */
interface ExtraCall { model: string; input: Promise<number>; maxOut: number; certain: boolean }

interface Pending {
  id: string;
  /** Per variant: its condense and escalation calls for this document. */
  extras: ExtraCall[][];
  inputs: Promise<number>[];
  befores: Promise<number>[];
  /** The model each variant's request goes to (differs per document for routed variants). */
  models: string[];
  /** Per variant, kept only when the request might be over the model's window: what planning cuts. */
  sources: (OverSource | undefined)[];
}

interface OverSource {
  doc: Document;
  text: string;
  /** The route's model and its fallbacks (the variant's model alone when not routed). */
  candidates: string[];
}

/** Per model a variant's documents went to: estimated input and answer calls, and the same at every answer's max tokens. */
interface ModelTotals { docs: number; input: number; calls: number; inputHigh: number; callsHigh: number }

/** Documents awaiting their counts; large enough that one huge file does not stall the pool. */
const WINDOW = 4096;

export interface VariantEstimates {
  documents: number;
  skipped: { path: string; reason: string }[];
  variants: CompareVariant[];
  notes: string[];
}

/** One streaming pass: per-variant exact input tokens, estimated output tokens and cost. */
export async function estimateVariants(opts: CompareOptions, specs: VariantSpec[]): Promise<VariantEstimates> {
  // Prompts with the same template render the same requests: one id, shared counts.
  const promptIds = new Map<string, number>();
  for (const v of specs) {
    const key = JSON.stringify([v.prompt.system ?? null, v.prompt.user]);
    if (!promptIds.has(key)) promptIds.set(key, promptIds.size);
  }
  const overhead = overheadTable();
  const plan = specs.map((v) => {
    const lookup = opts.registry.get(v.defaultModel ?? v.model);
    const enc = lookup.info.encoding;
    return {
      v, lookup, enc,
      maxOut: maxOutputFor(v.prompt, opts.maxOutputTokens, lookup.info),
      textKey: dependsOnEncoding(v.compress) ? `${v.compress.label}\0${enc}` : v.compress.label,
      promptId: promptIds.get(JSON.stringify([v.prompt.system ?? null, v.prompt.user]))!,
      /** Its llm steps' models: a condense call each per document. */
      condense: condenseModelsOf(v.compress.specs),
    };
  });
  const counter: Counter = opts.counter && 'count' in opts.counter ? opts.counter : new TokenCounter(opts.counter);
  const totals = plan.map(() => ({
    input: 0, before: 0, over: 0, chunks: 0, fails: [] as string[], byModel: new Map<string, ModelTotals>(),
    /** Condense and escalation calls: their cost (null: a price unknown) and how many. */
    extraLow: 0 as number | null, extraHigh: 0 as number | null, condense: 0, escalate: 0,
  }));
  const maxOutOf = (i: number, model: string) => maxOutputFor(plan[i].v.prompt, opts.maxOutputTokens, opts.registry.get(model).info);
  // Mean answer tokens per (variant, model): the ledger's history, else max tokens × fill ratio.
  const histories = new Map<string, ReturnType<OutputHistory> | null>();
  const pastAnswers = (i: number, model: string) => {
    const key = `${i}\0${model}`;
    if (!histories.has(key)) {
      const prompt = plan[i].v.prompt;
      histories.set(key, opts.outputHistory?.(prompt, model) ?? opts.outputHistory?.(prompt, opts.registry.get(model).info.name) ?? null);
    }
    return histories.get(key)!;
  };
  // Variants are compared on one footing: the ledger's answers only when every variant has them
  // on its model. An edited prompt has none yet (history follows the prompt's text), and its
  // fill-ratio guess beside the old prompt's measured answers read as +100 % and failed
  // --max-increase on a one-word edit.
  const lacking = plan.filter((p, i) => pastAnswers(i, p.v.defaultModel ?? p.v.model) === null).map((p) => p.v.name);
  const useLedger = lacking.length === 0;
  const ledgerNote = !useLedger && lacking.length < plan.length
    ? `Output tokens for every variant from the fill ratio: ${lacking.join(', ')} ha${lacking.length === 1 ? 's' : 've'} no past answers in the ledger (a new or edited prompt), and estimates from two sources would not compare`
    : null;
  const history = (i: number, model: string) => (useLedger ? pastAnswers(i, model) : null);
  const meanOutput = (i: number, model: string, maxOut: number) => {
    const h = history(i, model);
    return h ? Math.min(h.mean, maxOut) : maxOut * opts.fillRatio;
  };
  const skipped: { path: string; reason: string }[] = [];
  let documents = 0;
  const window: Pending[] = [];
  const read = readNotes();

  const settle = async (p: Pending) => {
    let memo: CountMemo | undefined; // a long document's pieces and chunks, counted once for all variants
    for (let i = 0; i < plan.length; i++) {
      const counted = await p.inputs[i];
      const before = await p.befores[i];
      const t = totals[i];
      let model = p.models[i];
      let est = { input: counted, calls: 1 };
      let worst = est;
      if (counted + maxOutOf(i, model) > opts.registry.get(model).info.context) {
        const src = p.sources[i]!;
        const settings = { prompt: plan[i].v.prompt, maxOutputTokens: opts.maxOutputTokens, registry: opts.registry };
        const over = planOverWindow(src.doc, src.text, src.candidates, settings, (maxOut, to) => Math.round(meanOutput(i, to, maxOut)), (memo ??= new CountMemo()));
        if (over.kind === 'fails') {
          // The run fails this document with an error record, sending nothing: it costs nothing.
          t.fails.push(p.id);
          continue;
        }
        model = over.model;
        if (over.kind === 'fallback') est = worst = { input: over.input, calls: 1 };
        else {
          t.over++;
          t.chunks += over.plan.chunks;
          est = over.plan.estimate;
          worst = over.plan.worst;
        }
      }
      for (const x of p.extras[i]) {
        const info = opts.registry.get(x.model).info;
        const input = await x.input;
        const low = x.certain ? costOf(info, { input_tokens: input, output_tokens: Math.round(x.maxOut * opts.fillRatio) }) : 0;
        const high = costOf(info, { input_tokens: input, output_tokens: x.maxOut });
        t.extraLow = t.extraLow === null || low === null ? null : t.extraLow + low;
        t.extraHigh = t.extraHigh === null || high === null ? null : t.extraHigh + high;
        if (x.certain) t.condense++;
        else t.escalate++;
      }
      t.input += est.input;
      t.before += est.input + before - counted;
      const m = t.byModel.get(model) ?? { docs: 0, input: 0, calls: 0, inputHigh: 0, callsHigh: 0 };
      t.byModel.set(model, { docs: m.docs + 1, input: m.input + est.input, calls: m.calls + est.calls, inputHigh: m.inputHigh + worst.input, callsHigh: m.callsHigh + worst.calls });
    }
  };

  try {
    for await (const item of opts.items()) {
      if (item.kind === 'skipped') { skipped.push(item.skipped); continue; }
      if (item.kind === 'error') {
        const { id, message } = item.error;
        skipped.push({ path: id, reason: message.startsWith(`${id}: `) ? message.slice(id.length + 2) : message });
        continue;
      }
      const doc = item.document;
      read.add(doc);
      documents++;
      // Per document: compressed texts by setting; DocumentCounts shares the counting.
      const compressed = new Map<string, string>();
      const counts = new DocumentCounts(doc, counter, overhead);
      const pending: Pending = { id: doc.id, extras: [], inputs: [], befores: [], models: [], sources: [] };
      for (const [i, k] of plan.entries()) {
        let text = compressed.get(k.textKey);
        if (text === undefined) compressed.set(k.textKey, (text = compressOffline(doc, k.v.compress, k.enc)));
        // A routed variant: this document's model is the one its rule picks (as run would send it).
        const route = k.v.routes ? routeOf(k.v, doc, text, k.enc) : undefined;
        const candidates = route ? [route.model, ...route.fallback] : [k.v.model];
        const model = candidates[0];
        const info = opts.registry.get(model).info;
        const extras: ExtraCall[] = k.condense.map((m) => {
          const to = opts.registry.get(m).info;
          const req = condenseRequest(text, m, to);
          return { model: m, input: counter.count(req.messages, to.encoding), maxOut: req.max_tokens, certain: true };
        });
        if (route?.escalate) {
          const to = opts.registry.get(route.escalate.to).info;
          const req = buildRequest(doc, text, { prompt: k.v.prompt, maxOutputTokens: opts.maxOutputTokens }, to, route.escalate.to);
          extras.push({ model: route.escalate.to, input: counter.count(req.messages, to.encoding), maxOut: req.max_tokens, certain: false });
        }
        pending.extras.push(extras);
        pending.models.push(model);
        pending.befores.push(counts.request(k.v.prompt, k.promptId, doc.text, info.encoding));
        pending.inputs.push(counts.request(k.v.prompt, k.promptId, text, info.encoding));
        const bound = counts.requestBound(k.v.prompt, text);
        pending.sources.push(tokenBound(bound.chars, bound.messages) + maxOutOf(i, model) > info.context ? { doc, text, candidates } : undefined);
      }
      window.push(pending);
      if (window.length >= WINDOW) await settle(window.shift()!);
    }
    counter.flush();
    for (const p of window) await settle(p);
  } finally {
    await counter.close();
  }

  const notes: string[] = ledgerNote ? [ledgerNote] : [];
  const noted = read.warning();
  if (noted) notes.push(noted);
  const variants = plan.map((k, i): CompareVariant => {
    const { info, known, requested } = k.lookup;
    if (!known) notes.push(`Model "${requested}" is not in the registry: its cost is unknown (?). Add it under "models:" in the config to price it.`);
    if (!info.exact) notes.push(`Token counts for ${requested} are estimates (${info.encoding}); its own tokenizer is not public.`);
    const t = totals[i];
    if (t.over > 0) {
      notes.push(`${k.v.name}: ${t.over} document(s) exceed the ${info.context}-token context window with ${k.maxOut} max output tokens: priced as the run map-reduces them (${t.chunks} chunk request${t.chunks === 1 ? '' : 's'} + reduce)`);
    }
    if (t.fails.length > 0) {
      notes.push(`${k.v.name}: ${t.fails.length} document(s) will fail, sending nothing: the prompt and max output tokens leave no room for chunks (${t.fails.slice(0, 3).join(', ')}${t.fails.length > 3 ? ', …' : ''}); priced at $0`);
    }
    // Per model the variant's documents went to (one model, or several for a routed variant).
    let output = 0;
    let cost: number | null = 0;
    let high: number | null = 0;
    let samples = 0;
    let fromLedger = true;
    for (const [model, m] of t.byModel) {
      const mi = opts.registry.get(model).info;
      const maxOut = maxOutOf(i, model);
      const h = history(i, model);
      // One answer per document; a map-reduced one has its chunks' and reduce rounds' answers.
      const out = Math.round(m.calls * meanOutput(i, model, maxOut));
      output += out;
      samples += h?.samples ?? 0;
      fromLedger &&= h !== null;
      const low = costOf(mi, { input_tokens: m.input, output_tokens: out });
      const top = costOf(mi, { input_tokens: m.inputHigh, output_tokens: m.callsHigh * maxOut });
      cost = cost === null || low === null ? null : cost + low;
      high = high === null || top === null ? null : high + top;
    }
    cost = cost === null || t.extraLow === null ? null : cost + t.extraLow;
    high = high === null || t.extraHigh === null ? null : high + t.extraHigh;
    if (t.condense > 0) notes.push(`${k.v.name}: the cost includes ${t.condense} condense call${t.condense === 1 ? '' : 's'} of llm compression (${[...new Set(k.condense)].join(', ')}), answers estimated at the fill ratio`);
    if (t.escalate > 0) notes.push(`${k.v.name}: the high end includes ${t.escalate} escalation${t.escalate === 1 ? '' : 's'} (as if every document escalated), as run's --budget bound does`);
    if (k.v.routes) notes.push(`${k.v.name}: each document priced on the model its route picks (${[...t.byModel].map(([m, x]) => `${m} ${x.docs}`).join(', ')})`);
    return {
      name: k.v.name, prompt: k.v.prompt.name, model: k.v.routes ? ROUTED : requested, compress: k.v.compress.label, documents,
      input_tokens: t.input, input_tokens_before_compression: t.before, output_tokens: output,
      output_source: fromLedger && t.byModel.size > 0 ? 'ledger' : 'fill-ratio', output_samples: samples,
      cost_usd: cost, cost_low: cost, cost_high: high,
      cost_per_1k_docs: cost == null || documents === 0 ? null : (cost / documents) * 1000,
      delta_tokens_pct: null, delta_cost_pct: null, latency_ms: null, similarity: null, similarity_worst: null,
      estimate_error_pct: null, failed: 0, over_context: t.over, over_context_chunks: t.chunks,
    };
  });
  const llm = offlineNote(specs);
  if (llm) notes.push(llm);
  return { documents, skipped, variants, notes: [...new Set(notes)] };
}

/** The model a routed variant sends this document to, then its fallbacks (token conditions count the compressed text). */
function routeOf(v: VariantSpec, doc: Document, text: string, enc: Encoding) {
  const tokens = routesCountTokens(v.routes!) ? countTokens(text, enc) : 0;
  return chooseRoute(v.routes!, { tokens, path: doc.path, text, prompt: v.prompt.name }, v.defaultModel!);
}
