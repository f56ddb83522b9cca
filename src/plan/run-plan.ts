/**
 * The plan of a run before anything is sent: which documents the cache already answers, and
 * for the rest exact prompt tokens and a cost range. `--dry-run` prints it; `--budget`
 * refuses to start when its upper bound is over the budget (SPEC §7). It builds requests
 * exactly as the runner does, so its cache hits are the run's cache hits.
 */
import { cacheKey, type CompletionCache } from '../cache/index.js';
import type { Document, InputItem } from '../documents/types.js';
import { buildRequest } from '../engine/document.js';
import { costOf, type ModelRegistry } from '../models/index.js';
import type { PromptTemplate } from '../prompt/index.js';
import type { EstimateResult } from '../report/types.js';
import { countChat } from '../tokens/index.js';

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
}

export interface RunPlan extends EstimateResult {
  /** Documents the cache answers: free. */
  cached: number;
  /** Upper bound of what the run can spend (null when a price is unknown). */
  upper_bound_usd: number | null;
}

const BATCH = 256;

export async function planRun(opts: PlanOptions): Promise<RunPlan> {
  const { info, known, requested } = opts.registry.get(opts.model);
  const plan: RunPlan = {
    documents: 0, skipped: [], errors: [], prompt: opts.prompt.name, compress: 'none', models: [], largest: [],
    output_estimate: { method: 'fill-ratio', fill_ratio: opts.fillRatio }, warnings: [], cached: 0, upper_bound_usd: 0,
  };
  if (!known) plan.warnings.push(`Model "${requested}" is not in the registry: its cost is unknown (?).`);
  let input = 0;
  let maxOut = 0;
  let docs = 0;
  let over = 0;
  const overIds: string[] = [];
  let batch: { doc: Document; key: string; req: ReturnType<typeof buildRequest> }[] = [];

  const flush = async () => {
    const hits = opts.cache ? await opts.cache.getMany(batch.map((b) => b.key)) : [];
    batch.forEach((b, i) => {
      if (hits[i]) { plan.cached++; return; }
      const tokens = countChat(b.req.messages, info.encoding);
      docs++;
      input += tokens;
      maxOut += b.req.max_tokens;
      if (tokens + b.req.max_tokens > info.context) { over++; if (overIds.length < 20) overIds.push(b.doc.id); }
      if (plan.largest.length < 5 || tokens > plan.largest[plan.largest.length - 1].tokens) {
        plan.largest.push({ id: b.doc.id, tokens });
        plan.largest.sort((x, y) => y.tokens - x.tokens).splice(5);
      }
    });
    batch = [];
  };

  for await (const item of opts.items) {
    if (item.kind === 'skipped') { plan.skipped.push(item.skipped); continue; }
    if (item.kind === 'error') { plan.errors.push({ id: item.error.id, message: item.error.message }); continue; }
    plan.documents++;
    const req = buildRequest(item.document, item.document.text, opts, info, opts.model);
    batch.push({ doc: item.document, key: cacheKey(opts.server, req), req });
    if (batch.length >= BATCH) await flush();
  }
  await flush();

  const outEst = Math.round(maxOut * opts.fillRatio);
  const low = costOf(info, { input_tokens: input, output_tokens: outEst });
  const high = costOf(info, { input_tokens: input, output_tokens: maxOut });
  plan.upper_bound_usd = high;
  plan.models = [{
    model: requested, documents: docs, input_tokens: input, input_tokens_before_compression: input,
    output_tokens_estimate: outEst, cost_usd: { low, high }, over_context: over, over_context_ids: overIds,
    exact: info.exact, price_known: known && info.input !== null && info.output !== null,
  }];
  return plan;
}
