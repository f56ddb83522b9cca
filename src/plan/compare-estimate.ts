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
 */
import type { InputItem } from '../documents/types.js';
import { readNotes } from '../documents/notes.js';
import { costOf, type ModelRegistry } from '../models/index.js';
import type { GateOptions } from '../report/compare.js';
import type { CompareVariant } from '../report/types.js';
import { TokenCounter, type CounterOptions } from '../tokens/index.js';
import { DocumentCounts, overheadTable, type Counter } from './compare-count.js';
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
  const baseline = resolveBaseline(variants, opts.baseline);
  const settings = [...new Set(variants.map((v) => v.compress))];
  await prepareBoilerplate(settings, opts.items(), opts.registry.get(variants[0].model).info.encoding);
  return { variants, baseline };
}

interface Pending {
  inputs: Promise<number>[];
  befores: Promise<number>[];
  /** The model each variant's request goes to (differs per document for routed variants). */
  models: string[];
}

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
    };
  });
  const counter: Counter = opts.counter && 'count' in opts.counter ? opts.counter : new TokenCounter(opts.counter);
  const totals = plan.map(() => ({ input: 0, before: 0, over: 0, byModel: new Map<string, { docs: number; input: number }>() }));
  const skipped: { path: string; reason: string }[] = [];
  let documents = 0;
  const window: Pending[] = [];
  const read = readNotes();

  const settle = async (p: Pending) => {
    for (let i = 0; i < plan.length; i++) {
      const input = await p.inputs[i];
      const t = totals[i];
      t.input += input;
      t.before += await p.befores[i];
      const m = t.byModel.get(p.models[i]) ?? { docs: 0, input: 0 };
      t.byModel.set(p.models[i], { docs: m.docs + 1, input: m.input + input });
      if (input + plan[i].maxOut > opts.registry.get(p.models[i]).info.context) t.over++;
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
      const pending: Pending = { inputs: [], befores: [], models: [] };
      for (const k of plan) {
        let text = compressed.get(k.textKey);
        if (text === undefined) compressed.set(k.textKey, (text = compressOffline(doc, k.v.compress, k.enc)));
        // A routed variant: this document's model is the one its rule picks (as run would send it).
        const model = k.v.routes ? routeOf(k.v, doc, text, k.enc) : k.v.model;
        const enc = k.v.routes ? opts.registry.get(model).info.encoding : k.enc;
        pending.models.push(model);
        pending.befores.push(counts.request(k.v.prompt, k.promptId, doc.text, enc));
        pending.inputs.push(counts.request(k.v.prompt, k.promptId, text, enc));
      }
      window.push(pending);
      if (window.length >= WINDOW) await settle(window.shift()!);
    }
    counter.flush();
    for (const p of window) await settle(p);
  } finally {
    await counter.close();
  }

  const notes: string[] = [];
  const noted = read.warning();
  if (noted) notes.push(noted);
  const variants = plan.map((k, i): CompareVariant => {
    const { info, known, requested } = k.lookup;
    if (!known) notes.push(`Model "${requested}" is not in the registry: its cost is unknown (?). Add it under "models:" in the config to price it.`);
    if (!info.exact) notes.push(`Token counts for ${requested} are estimates (${info.encoding}); its own tokenizer is not public.`);
    if (totals[i].over > 0) notes.push(`${k.v.name}: ${totals[i].over} document(s) exceed the ${info.context}-token context window with ${k.maxOut} max output tokens`);
    // Per model the variant's documents went to (one model, or several for a routed variant).
    let output = 0;
    let cost: number | null = 0;
    let high: number | null = 0;
    let samples = 0;
    let fromLedger = true;
    for (const [model, m] of totals[i].byModel) {
      const mi = opts.registry.get(model).info;
      const maxOut = maxOutputFor(k.v.prompt, opts.maxOutputTokens, mi);
      const history = opts.outputHistory?.(k.v.prompt, model) ?? opts.outputHistory?.(k.v.prompt, mi.name) ?? null;
      const out = Math.round(m.docs * (history ? Math.min(history.mean, maxOut) : maxOut * opts.fillRatio));
      output += out;
      samples += history?.samples ?? 0;
      fromLedger &&= history !== null;
      const c = costOf(mi, { input_tokens: m.input, output_tokens: out });
      const h = costOf(mi, { input_tokens: m.input, output_tokens: m.docs * maxOut });
      cost = cost === null || c === null ? null : cost + c;
      high = high === null || h === null ? null : high + h;
    }
    if (k.v.routes) notes.push(`${k.v.name}: each document priced on the model its route picks (${[...totals[i].byModel].map(([m, x]) => `${m} ${x.docs}`).join(', ')})`);
    const input = totals[i].input;
    return {
      name: k.v.name, prompt: k.v.prompt.name, model: k.v.routes ? ROUTED : requested, compress: k.v.compress.label, documents,
      input_tokens: input, input_tokens_before_compression: totals[i].before, output_tokens: output,
      output_source: fromLedger && totals[i].byModel.size > 0 ? 'ledger' : 'fill-ratio', output_samples: samples,
      cost_usd: cost, cost_low: cost, cost_high: high,
      cost_per_1k_docs: cost == null || documents === 0 ? null : (cost / documents) * 1000,
      delta_tokens_pct: null, delta_cost_pct: null, latency_ms: null, similarity: null, similarity_worst: null,
      estimate_error_pct: null, failed: 0,
    };
  });
  const llm = offlineNote(specs);
  if (llm) notes.push(llm);
  return { documents, skipped, variants, notes: [...new Set(notes)] };
}

/** The model a routed variant sends this document to (token conditions count the compressed text). */
function routeOf(v: VariantSpec, doc: Document, text: string, enc: Encoding): string {
  const tokens = routesCountTokens(v.routes!) ? countTokens(text, enc) : 0;
  return chooseRoute(v.routes!, { tokens, path: doc.path, text, prompt: v.prompt.name }, v.defaultModel!).model;
}
