/**
 * The plan of a run before anything is sent: which documents the cache already answers, which
 * model each document is routed to and why, and for the rest exact prompt tokens and a cost
 * range. `--dry-run` prints it; `--budget` refuses to start when its upper bound is over the
 * budget (SPEC §7). Requests are built exactly as the runner builds them, so its cache hits
 * are the run's cache hits.
 */
import { cacheKey, type CompletionCache } from '../cache/index.js';
import type { InputItem } from '../documents/types.js';
import { readNotes } from '../documents/notes.js';
import { buildRequest, condenseRequest } from '../engine/build.js';
import { costOf, type ModelRegistry } from '../models/index.js';
import type { PromptTemplate } from '../prompt/index.js';
import type { EstimateModel, EstimateResult } from '../report/types.js';
import { chooseRoute, type CompiledRule } from '../route/index.js';
import { countChat, countTokens } from '../tokens/index.js';
import type { TextTransform } from './text.js';
import { pushTop } from './estimate.js';
import { planOverWindow } from './map-reduce-plan.js';

export interface PlanOptions {
  items: AsyncIterable<InputItem>;
  prompt: PromptTemplate;
  model: string;
  temperature?: number;
  maxOutputTokens?: number;
  fillRatio: number;
  registry: ModelRegistry;
  cache: CompletionCache | null;
  server: string;
  transform?: TextTransform;
  routes?: CompiledRule[];
  compressLabel?: string;
  /** The models of `llm` compression steps: each document costs a condense call per step. */
  condenseModels?: string[];
}

export interface RoutedDocument {
  id: string;
  model: string;
  reason: string;
  /** Document tokens after compression (what token conditions test). */
  tokens: number;
  cached: boolean;
  chunks: number;
  /** Map-reduce only: prompt tokens of the chunk requests (exact; the reduce step's are estimated). */
  chunk_input_tokens?: number;
}

export interface RunPlan extends EstimateResult {
  /** Documents the cache answers: free. */
  cached: number;
  /** Upper bound of what the run can spend (null when a price is unknown). */
  upper_bound_usd: number | null;
  /** Each document's model and why (first 1,000). */
  routing: RoutedDocument[];
}

interface Acc { docs: number; input: number; maxOut: number; inputHigh: number; maxOutHigh: number; before: number; over: number; overIds: string[]; chunks: number }
const MAX_ROUTING_ROWS = 1000;

export async function planRun(opts: PlanOptions): Promise<RunPlan> {
  const plan: RunPlan = {
    documents: 0, skipped: [], errors: [], prompt: opts.prompt.name, compress: opts.compressLabel ?? 'none', models: [], largest: [],
    output_estimate: { method: 'fill-ratio', fill_ratio: opts.fillRatio }, warnings: [], cached: 0, upper_bound_usd: 0, routing: [],
  };
  const byModel = new Map<string, Acc>();
  const defaultEnc = opts.registry.get(opts.model).info.encoding;
  /** Documents map-reduce cannot cut (the prompt alone fills the window): they fail, sending nothing. */
  const unfit: string[] = [];
  // Calls beside each document's answer that the upper bound must include: an escalation (as
  // if every document escalated) and the condense calls of llm compression.
  let extraUpper: number | null = 0;
  const addUpper = (model: string, input: number, output: number) => {
    const high = costOf(opts.registry.get(model).info, { input_tokens: input, output_tokens: output });
    extraUpper = extraUpper === null || high === null ? null : extraUpper + high;
  };

  const notes = readNotes();
  for await (const item of opts.items) {
    if (item.kind === 'skipped') { plan.skipped.push(item.skipped); continue; }
    if (item.kind === 'error') { plan.errors.push({ id: item.error.id, message: item.error.message }); continue; }
    const doc = item.document;
    notes.add(doc);
    plan.documents++;
    const prepared = opts.transform ? await opts.transform(doc) : null;
    const text = prepared?.text ?? doc.text;
    const docTokens = prepared?.tokensAfter ?? countTokens(text, defaultEnc);
    const route = opts.routes?.length
      ? chooseRoute(opts.routes, { tokens: docTokens, path: doc.path, text, prompt: opts.prompt.name }, opts.model)
      : { model: opts.model, reason: '--model', fallback: [] as string[], escalate: undefined };
    const candidates = [route.model, ...route.fallback];
    let chosen = candidates[0];
    let reason = route.reason;
    let req = buildRequest(doc, text, opts, opts.registry.get(chosen).info, chosen);
    let tokens = countChat(req.messages, opts.registry.get(chosen).info.encoding);
    let chunks = 1;
    let calls = 1;
    let chunkInput: number | undefined; // set for a map-reduced document only
    // Worst case of this document's answer calls, for the upper bound: input tokens and calls.
    let high: { input: number; calls: number } | null = null;
    if (tokens + req.max_tokens > opts.registry.get(chosen).info.context) {
      // A fallback that holds it, else map-reduce, cut exactly as the engine cuts it (see map-reduce-plan.ts).
      const over = planOverWindow(doc, text, candidates, opts, (maxOut) => Math.round(maxOut * opts.fillRatio));
      if (over.kind === 'fallback') {
        reason += `; too long for ${chosen}, fallback ${over.model}`;
        chosen = over.model;
        req = over.request;
        tokens = over.input;
      } else {
        if (over.model !== chosen) reason += `; too long for ${chosen}`;
        chosen = over.model;
        if (over.kind === 'fails') {
          unfit.push(doc.id);
          if (plan.routing.length < MAX_ROUTING_ROWS) plan.routing.push({ id: doc.id, model: chosen, reason: `${reason}; fails: ${over.reason}`, tokens: docTokens, cached: false, chunks: 0 });
          continue;
        }
        const mr = over.plan;
        req = buildRequest(doc, '', opts, opts.registry.get(chosen).info, chosen); // for its max_tokens: the chunk and reduce calls'
        chunks = mr.chunks;
        chunkInput = mr.chunkInput;
        tokens = mr.estimate.input;
        calls = mr.estimate.calls;
        high = mr.worst;
        reason += `; longer than every candidate's window: ${chunks} chunks + reduce`;
      }
    }
    high ??= { input: tokens, calls: 1 };
    const hit = opts.cache && chunkInput === undefined ? await opts.cache.get(cacheKey(opts.server, req)) : undefined;
    if (plan.routing.length < MAX_ROUTING_ROWS) plan.routing.push({ id: doc.id, model: chosen, reason, tokens: docTokens, cached: Boolean(hit), chunks, chunk_input_tokens: chunkInput });
    if (hit) { plan.cached++; continue; }
    for (const m of opts.condenseModels ?? []) {
      const info = opts.registry.get(m).info;
      const condense = condenseRequest(text, m, info);
      addUpper(m, countChat(condense.messages, info.encoding), condense.max_tokens);
    }
    if (route.escalate) {
      const to = route.escalate.to;
      const info = opts.registry.get(to).info;
      const escalated = buildRequest(doc, text, opts, info, to);
      addUpper(to, countChat(escalated.messages, info.encoding), escalated.max_tokens);
    }
    const acc = byModel.get(chosen) ?? { docs: 0, input: 0, maxOut: 0, inputHigh: 0, maxOutHigh: 0, before: 0, over: 0, overIds: [], chunks: 0 };
    byModel.set(chosen, acc);
    acc.docs++;
    acc.input += tokens;
    acc.maxOut += req.max_tokens * calls;
    acc.inputHigh += high.input;
    acc.maxOutHigh += req.max_tokens * high.calls;
    acc.before += prepared?.tokensBefore !== undefined && prepared?.tokensBefore !== null ? tokens - docTokens + prepared.tokensBefore : tokens;
    if (chunkInput !== undefined) { acc.over++; acc.chunks += chunks; if (acc.overIds.length < 20) acc.overIds.push(doc.id); }
    pushTop(plan.largest, { id: doc.id, tokens }, 5);
  }

  let upper: number | null = 0;
  for (const [model, acc] of byModel) {
    const { info, known } = opts.registry.get(model);
    if (!known) plan.warnings.push(`Model "${model}" is not in the registry: its cost is unknown (?).`);
    const outEst = Math.round(acc.maxOut * opts.fillRatio);
    const low = costOf(info, { input_tokens: acc.input, output_tokens: outEst });
    const high = costOf(info, { input_tokens: acc.inputHigh, output_tokens: acc.maxOutHigh });
    upper = upper === null || high === null ? null : upper + high;
    const row: EstimateModel = {
      model, documents: acc.docs, input_tokens: acc.input, input_tokens_before_compression: acc.before,
      output_tokens_estimate: outEst, cost_usd: { low, high }, over_context: acc.over, over_context_ids: acc.overIds, over_context_chunks: acc.chunks,
      exact: info.exact, price_known: known && info.input !== null && info.output !== null,
    };
    plan.models.push(row);
  }
  if (plan.models.length === 0) {
    plan.models.push({ model: opts.model, documents: 0, input_tokens: 0, input_tokens_before_compression: 0, output_tokens_estimate: 0, cost_usd: { low: 0, high: 0 }, over_context: 0, over_context_ids: [], over_context_chunks: 0, exact: true, price_known: true });
  }
  const noted = notes.warning();
  if (noted) plan.warnings.push(noted);
  if (unfit.length) plan.warnings.push(`${unfit.length} document(s) will fail, sending nothing: the prompt and max output tokens leave no room for chunks (${unfit.slice(0, 3).join(', ')}${unfit.length > 3 ? ', …' : ''}).`);
  plan.upper_bound_usd = upper === null || extraUpper === null ? null : upper + extraUpper;
  return plan;
}
