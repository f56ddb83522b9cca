/**
 * One model call as the engine makes it: cache first, then the provider (identical requests
 * in flight share one call), then the cache is filled. Returns data for success and ordinary
 * failure; throws only FatalProviderError (401/403/404, or a server out of reach), which aborts
 * the run.
 */
import { cacheKey, type CompletionCache } from '../cache/index.js';
import { costOf, type ModelRegistry } from '../models/index.js';
import { ProviderError, REFUSED, type CompletionRequest, type CompletionResult, type CompletionUsage, type Provider } from '../providers/types.js';
import { countChat, countTokens } from '../tokens/index.js';
import { REPLY_PRIMING, TOKENS_PER_MESSAGE } from '../tokens/chat.js';
import { executeRequest, RequestFailure, type AttemptContext } from './request.js';

export class FatalProviderError extends Error {
  constructor(readonly error: ProviderError, readonly model: string) {
    super(error.message);
  }
}

export interface CallContext {
  provider: Provider;
  registry: ModelRegistry;
  cache: CompletionCache | null;
  attempt: Omit<AttemptContext, 'onRetry'>;
  onRetry: (id: string, info: Parameters<NonNullable<AttemptContext['onRetry']>>[0]) => void;
  /** Identical requests under way (cache lookup and send), shared by every document asking the same. */
  inflight: Map<string, Promise<Fetched>>;
  /**
   * What each request cost as its reply arrives (null: unknown price) — answers, and failures the
   * server still billed — so --budget is held per request, before its slot goes to the next one.
   */
  onSpend?: (cost: number | null) => void;
  /**
   * The server counted far fewer prompt tokens than were sent: it shortened the input without an
   * error (Ollama cuts a prompt to its context length). The answer is returned but not cached.
   */
  onTruncated?: (model: string, reported: number, counted: number) => void;
}

/** An answer, and whether it came from the cache rather than from a request. */
export interface Fetched {
  sent: Sent;
  fromCache: boolean;
}

export interface Sent {
  content: string;
  finish_reason: string | null;
  usage: CompletionUsage;
  attempts: number;
  latencyMs: number;
  /** The server answered a shortened prompt (see CallContext.onTruncated). */
  truncated?: boolean;
}

export type CallResult =
  | { ok: true; model: string; content: string; usage: CompletionUsage; cached: boolean; attempts: number; latencyMs: number;
      /** What was paid (0 for a cache hit); null when the price is unknown. */
      cost: number | null;
      /** What the answer would cost if sent (a cache hit's saving). */
      listCost: number | null }
  | { ok: false; model: string; error: ProviderError; attempts: number;
      /** What a reply that was not an answer still used (a filtered completion bills its prompt), and its cost. */
      billed?: { usage: CompletionUsage; cost: number | null } };

/**
 * Prompt tokens + max output tokens against the model's window. Counting is the engine's main
 * CPU cost, so it is skipped when the bytes already prove the fit: a BPE token always covers
 * at least one byte, so a request has at most (UTF-8 bytes + framing) prompt tokens.
 */
export function fits(req: CompletionRequest, registry: ModelRegistry): boolean {
  const { info } = registry.get(req.model);
  let bound = REPLY_PRIMING;
  for (const m of req.messages) bound += TOKENS_PER_MESSAGE + Buffer.byteLength(m.role) + Buffer.byteLength(m.content);
  if (bound + req.max_tokens <= info.context) return true;
  return countChat(req.messages, info.encoding) + req.max_tokens <= info.context;
}

/**
 * The answer to a request, paid for once: the first document asking (the owner) looks in the
 * cache and, on a miss, sends; identical requests from other documents meanwhile share that
 * lookup and that request. Only the owner of a sent request is charged for it (cost, attempts,
 * what a failure billed); the others got the answer without paying, as from the cache.
 */
export async function callModel(req: CompletionRequest, id: string, ctx: CallContext): Promise<CallResult> {
  const { info } = ctx.registry.get(req.model);
  const key = cacheKey(ctx.provider.id, req);
  const started = performance.now();
  let shared = ctx.inflight.get(key);
  const owner = shared === undefined;
  if (!shared) {
    shared = fetchAnswer(key, req, id, ctx).finally(() => ctx.inflight.delete(key));
    ctx.inflight.set(key, shared);
  }
  try {
    const { sent, fromCache } = await shared;
    if (fromCache || !owner) {
      return { ok: true, model: req.model, content: sent.content, usage: sent.usage, cached: true, attempts: 0, latencyMs: performance.now() - started, cost: 0, listCost: costOf(info, sent.usage) };
    }
    const cost = costOf(info, sent.usage);
    return { ok: true, model: req.model, content: sent.content, usage: sent.usage, cached: false, attempts: sent.attempts, latencyMs: sent.latencyMs, cost, listCost: cost };
  } catch (e) {
    if (e instanceof FatalProviderError) throw e;
    const f = e as RequestFailure;
    if (!(f instanceof RequestFailure)) throw e;
    if (!owner) return { ok: false, model: req.model, error: f.error, attempts: 0 };
    const billed = f.error.usage ? { usage: f.error.usage, cost: costOf(info, f.error.usage) } : undefined;
    return { ok: false, model: req.model, error: f.error, attempts: f.attempts, billed };
  }
}

/** Is the answer to this request in the cache (no request is made)? */
export async function inCache(req: CompletionRequest, ctx: CallContext): Promise<boolean> {
  return Boolean(ctx.cache && (await ctx.cache.get(cacheKey(ctx.provider.id, req))));
}

async function fetchAnswer(key: string, req: CompletionRequest, id: string, ctx: CallContext): Promise<Fetched> {
  const hit = await ctx.cache?.get(key);
  if (hit) return { sent: { content: hit.content, finish_reason: hit.finish_reason, usage: hit.usage, attempts: 0, latencyMs: 0 }, fromCache: true };
  const sent = await send(req, id, ctx);
  // An answer to a shortened prompt is not kept: once the server's window is raised, the same
  // request must be asked again, not answered from the cache.
  if (!sent.truncated) ctx.cache?.put(key, { content: sent.content, finish_reason: sent.finish_reason, usage: sent.usage, model: req.model, created_at: Date.now(), latency_ms: Math.round(sent.latencyMs) });
  return { sent, fromCache: false };
}

async function send(req: CompletionRequest, id: string, ctx: CallContext): Promise<Sent> {
  const { info } = ctx.registry.get(req.model);
  // Only a --tpm limit needs the prompt's tokens before sending.
  const rateTokens = ctx.attempt.limiter.countsTokens ? countChat(req.messages, info.encoding) + req.max_tokens : 0;
  const usageOf = (result: CompletionResult): CompletionUsage => result.usage ?? {
    // Some local servers send no usage: count what was sent and received.
    input_tokens: countChat(req.messages, info.encoding),
    output_tokens: countTokens(result.content, info.encoding),
    cached_input_tokens: 0,
  };
  let usage: CompletionUsage | undefined;
  const onBilled: AttemptContext['onBilled'] = (reply) => {
    const billed = 'result' in reply ? (usage = usageOf(reply.result)) : reply.usage;
    ctx.onSpend?.(costOf(info, billed));
  };
  try {
    const out = await executeRequest(req, rateTokens, { ...ctx.attempt, onRetry: (i) => ctx.onRetry(id, i), onBilled });
    usage ??= usageOf(out.result);
    const truncated = out.result.usage !== null && shortened(req, out.result.usage.input_tokens, info.encoding, ctx);
    return { content: out.result.content, finish_reason: out.result.finish_reason, usage, attempts: out.attempts, latencyMs: out.latencyMs, truncated };
  } catch (e) {
    if (e instanceof RequestFailure && (REFUSED.has(e.error.kind) || e.serverDown)) throw new FatalProviderError(e.error, req.model);
    throw e;
  }
}

/**
 * Did the server answer a shortened prompt? Its usage says how many prompt tokens it read; far
 * fewer than llmbatch counts means it cut the input without an error (Ollama cuts a prompt to
 * its context length, 2,048–4,096 tokens by default). Cheap on the usual path: the exact count
 * is made only when the server reports under one token per 6 bytes sent (tokenizers read prose
 * at ~1 per 4–5 bytes); the verdict allows the server's tokenizer to count 30% fewer, and asks
 * for at least MIN_CUT tokens missing.
 */
function shortened(req: CompletionRequest, reported: number, encoding: ModelInfoEncoding, ctx: CallContext): boolean {
  if (reported <= 0) return false;
  let bytes = 0;
  for (const m of req.messages) bytes += Buffer.byteLength(m.content);
  if (reported * 6 >= bytes) return false;
  const counted = countChat(req.messages, encoding);
  // Both a share and an amount: older Ollama versions also leave out of their count the prompt
  // prefix they had cached (a shared system prompt: a few hundred tokens), which is not a cut.
  if (reported >= counted * 0.7 || counted - reported < MIN_CUT) return false;
  ctx.onTruncated?.(req.model, reported, counted);
  return true;
}

type ModelInfoEncoding = Parameters<typeof countChat>[1];

/** Fewer missing tokens than this are not called a cut (see shortened). */
const MIN_CUT = 1024;
