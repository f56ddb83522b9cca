/**
 * One document through the pipeline: prepare the request, answer it from the cache or the
 * provider, and turn the outcome (success or failure) into data. A failed document is a
 * record with an error, never an exception; only run-level failures (401/403/404) escape,
 * as a FatalProviderError, for the runner to abort the run.
 */
import type { CompletionCache } from '../cache/index.js';
import { cacheKey } from '../cache/index.js';
import type { Document } from '../documents/types.js';
import { costOf, type ModelRegistry, type RegisteredModel } from '../models/index.js';
import type { PromptTemplate } from '../prompt/index.js';
import { ProviderError, type CompletionRequest, type CompletionUsage, type Provider } from '../providers/types.js';
import { countChat, countTokens } from '../tokens/index.js';
import { renderMessages } from '../prompt/index.js';
import { maxOutputFor } from '../plan/variant.js';
import type { TextTransform } from '../plan/text.js';
import { executeRequest, RequestFailure, type AttemptContext } from './request.js';
import type { OutputRecord } from './outputs.js';

export class FatalProviderError extends Error {
  constructor(readonly error: ProviderError) {
    super(error.message);
  }
}

export interface DocumentContext {
  provider: Provider;
  registry: ModelRegistry;
  cache: CompletionCache | null;
  prompt: PromptTemplate;
  model: string;
  temperature?: number;
  maxOutputTokens?: number;
  attempt: Omit<AttemptContext, 'onRetry'>;
  onRetry: (id: string, info: Parameters<NonNullable<AttemptContext['onRetry']>>[0]) => void;
  /** Compression: the text to send for a document (identity when absent). */
  transform?: TextTransform;
  /** Identical requests in flight share one call. */
  inflight: Map<string, Promise<SentOutcome>>;
}

export interface DocumentOutcome {
  record: OutputRecord;
  /** Price of the answer had it been sent (cache hits: what the cache saved). */
  listCost: number | null;
  status: 'ok' | 'error' | 'aborted';
  errorCode: string | null;
  docTokens?: number;
  /** Document tokens before / after compression, when compression ran. */
  tokensBefore?: number | null;
  tokensAfter?: number | null;
}

interface SentOutcome {
  content: string;
  finish_reason: string | null;
  usage: CompletionUsage;
  attempts: number;
  latencyMs: number;
}

export function buildRequest(doc: Document, text: string, ctx: Pick<DocumentContext, 'prompt' | 'temperature' | 'maxOutputTokens'>, info: RegisteredModel, model: string): CompletionRequest {
  return {
    model,
    messages: renderMessages(ctx.prompt, doc, text),
    temperature: ctx.prompt.temperature ?? ctx.temperature,
    max_tokens: maxOutputFor(ctx.prompt, ctx.maxOutputTokens, info),
    response_format: ctx.prompt.response_format,
  };
}

export async function processDocument(doc: Document, ctx: DocumentContext): Promise<DocumentOutcome> {
  const prepared = ctx.transform ? await ctx.transform(doc) : null;
  const outcome = await answer(doc, prepared?.text ?? doc.text, ctx);
  return prepared ? { ...outcome, tokensBefore: prepared.tokensBefore, tokensAfter: prepared.tokensAfter } : outcome;
}

async function answer(doc: Document, text: string, ctx: DocumentContext): Promise<DocumentOutcome> {
  const { info } = ctx.registry.get(ctx.model);
  const req = buildRequest(doc, text, ctx, info, ctx.model);
  const key = cacheKey(ctx.provider.id, req);
  const base = { id: doc.id, path: doc.path, prompt: ctx.prompt.name, model: ctx.model };
  const started = performance.now();

  const hit = await ctx.cache?.get(key);
  if (hit) {
    const listCost = costOf(info, hit.usage);
    return {
      record: { ...base, output: hit.content, usage: hit.usage, cost_usd: 0, latency_ms: round(performance.now() - started), cached: true, attempts: 0, chunks: 1, error: null },
      listCost, status: 'ok', errorCode: null,
    };
  }

  const promptTokens = countChat(req.messages, info.encoding);
  if (promptTokens + req.max_tokens > info.context) {
    const msg = `document too long for ${ctx.model}: ${promptTokens} prompt tokens + ${req.max_tokens} max output tokens exceed its ${info.context}-token context window`;
    return failed(base, msg, 'context_length', 0);
  }

  let shared = ctx.inflight.get(key);
  if (!shared) {
    shared = send(req, promptTokens, doc.id, ctx).finally(() => ctx.inflight.delete(key));
    ctx.inflight.set(key, shared);
  }
  try {
    const sent = await shared;
    const cost = costOf(info, sent.usage);
    ctx.cache?.put(key, { content: sent.content, finish_reason: sent.finish_reason, usage: sent.usage, model: ctx.model, created_at: Date.now(), latency_ms: round(sent.latencyMs) });
    return {
      record: { ...base, output: sent.content, usage: sent.usage, cost_usd: cost, latency_ms: round(sent.latencyMs), cached: false, attempts: sent.attempts, chunks: 1, error: null },
      listCost: cost, status: 'ok', errorCode: null, docTokens: promptTokens,
    };
  } catch (e) {
    if (e instanceof FatalProviderError) throw e;
    const f = e as RequestFailure;
    if (f.error.kind === 'aborted') return { ...failed(base, 'interrupted before the reply arrived', 'aborted', f.attempts), status: 'aborted' };
    const code = f.error.kind === 'context' ? 'context_length' : f.error.status ? `http_${f.error.status}` : f.error.kind;
    return failed(base, `${f.error.message}${f.attempts > 1 ? ` (after ${f.attempts} attempts)` : ''}`, code, f.attempts);
  }
}

async function send(req: CompletionRequest, promptTokens: number, id: string, ctx: DocumentContext): Promise<SentOutcome> {
  try {
    const out = await executeRequest(req, promptTokens + req.max_tokens, { ...ctx.attempt, onRetry: (info) => ctx.onRetry(id, info) });
    const usage = out.result.usage ?? {
      // Some local servers send no usage: count what we sent and received ourselves.
      input_tokens: promptTokens,
      output_tokens: countTokens(out.result.content, ctx.registry.get(req.model).info.encoding),
      cached_input_tokens: 0,
    };
    return { content: out.result.content, finish_reason: out.result.finish_reason, usage, attempts: out.attempts, latencyMs: out.latencyMs };
  } catch (e) {
    if (e instanceof RequestFailure && (e.error.kind === 'auth' || e.error.kind === 'model')) throw new FatalProviderError(e.error);
    throw e;
  }
}

function failed(base: Pick<OutputRecord, 'id' | 'path' | 'prompt' | 'model'>, error: string, code: string, attempts: number): DocumentOutcome {
  return {
    record: { ...base, output: null, usage: { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0 }, cost_usd: 0, latency_ms: 0, cached: false, attempts, chunks: 0, error },
    listCost: 0, status: 'error', errorCode: code,
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;
