/**
 * One document through the pipeline: compress → route → fit the context window (fallback
 * models, else map-reduce over chunks) → call (fallback again after retries run out on
 * 429/5xx) → escalate when the cascade's condition holds. Every call goes through the cache
 * and is tallied; the outcome is data. Only FatalProviderError (401/403/404, server out of reach)
 * escapes.
 */
import { DEFAULT_CONDENSE_MODEL } from '../compress/index.js';
import type { Document } from '../documents/types.js';
import type { PreparedText, TextTransform } from '../plan/text.js';
import type { PromptTemplate } from '../prompt/index.js';
import type { CompletionRequest } from '../providers/types.js';
import { RETRYABLE } from '../providers/types.js';
import { chooseRoute, routesCountTokens, shouldEscalate, type CompiledRule } from '../route/index.js';
import { countTokens } from '../tokens/index.js';
import { callModel, fits, inCache, type CallContext, type CallResult } from './call.js';
import { mapReduce, mapReduceModel } from './map-reduce.js';
import { buildRequest, condenseRequest, DocumentFailure, failureOf } from './build.js';
import type { OutputRecord } from './outputs.js';
import { Tally, type CallKind } from './tally.js';
import type { ModelSpend } from '../report/types.js';

import { FatalProviderError } from './call.js';
export { FatalProviderError };
export { buildRequest } from './build.js';

export interface DocumentContext extends CallContext {
  prompt: PromptTemplate;
  /** The default model: the route of last resort. */
  model: string;
  temperature?: number;
  maxOutputTokens?: number;
  routes?: CompiledRule[];
  transform?: TextTransform;
  /**
   * Every call but the document's main answer (chunks, reduce, condense, fallbacks, escalate) —
   * and that one too when it was escalated (kind `escalated`): the main row then holds the totals.
   */
  onCall?: (doc: Document, kind: CallKind, call: CallResult) => void;
  /** A server stated a model's window smaller than the registry's (`was`); documents are planned for less from now on. */
  onWindow?: (model: string, stated: number, was: number) => void;
}

export interface DocumentOutcome {
  record: OutputRecord;
  /** What cache hits saved for this document (null when a price is unknown). */
  saved: number | null;
  status: 'ok' | 'error' | 'aborted';
  errorCode: string | null;
  /** The failure is of a kind retrying is for (RETRYABLE): the runner's "server is failing" check. */
  retryable?: boolean;
  tokensBefore?: number | null;
  tokensAfter?: number | null;
  /** Tokens and cost by model, when calls went to models other than the record's. */
  byModel?: ModelSpend[];
}

export async function processDocument(doc: Document, ctx: DocumentContext): Promise<DocumentOutcome> {
  const tally = new Tally();
  const base = { id: doc.id, path: doc.path, prompt: ctx.prompt.name };
  const call = async (req: CompletionRequest, kind: CallKind): Promise<Extract<CallResult, { ok: true }>> => {
    const r = await callModel(req, doc.id, ctx);
    if (kind !== 'main') ctx.onCall?.(doc, kind, r);
    if (!r.ok) {
      // A failed call's requests count too: a first choice that failed before the fallback
      // answered, an escalation that failed, the call the document failed on.
      tally.attempts += r.attempts;
      if (r.attempts > 0) tally.allCached = false; // requests were made: not an answer from the cache alone
      if (r.billed) tally.addSpend(r.billed, r.model); // its spend reached onSpend as the reply came (send)
      throw failureOf(r);
    }
    tally.add(r);
    return r;
  };
  const condense = async (text: string, model = DEFAULT_CONDENSE_MODEL) => {
    return (await call(condenseRequest(text, model, ctx.registry.get(model).info), 'condense')).content;
  };

  let prepared: PreparedText | null = null;
  try {
    try {
      prepared = ctx.transform ? await ctx.transform(doc, { condense }) : null;
    } catch (e) {
      // A strategy that fails on one document fails that document, not the batch.
      if (e instanceof DocumentFailure || e instanceof FatalProviderError) throw e;
      throw new DocumentFailure(null, `compression failed: ${(e as Error).message ?? e}`, 'compress');
    }
    const text = prepared?.text ?? doc.text;
    const encoding = ctx.registry.get(ctx.model).info.encoding;
    const tokens = () => prepared?.tokensAfter ?? (routesCountTokens(ctx.routes!) ? countTokens(text, encoding) : 0);
    const route = ctx.routes?.length
      ? chooseRoute(ctx.routes, { tokens: tokens(), path: doc.path, text, prompt: ctx.prompt.name }, ctx.model)
      : { model: ctx.model, fallback: [] as string[], escalate: undefined };
    let answer: Extract<CallResult, { ok: true }> | undefined;
    let answeredAsMain = false; // the answer's call has no ledger row of its own (chunks, reduce, fallbacks do)
    let chunks = 1;
    // Planned against the registry's windows; planned once more if the server says a window is
    // smaller (a local server started with a smaller context): fallbacks or chunks that fit it.
    for (let replans = 0; ; replans++) {
      const models = [route.model, ...route.fallback];
      const infos = models.map((m) => ctx.registry.get(m).info); // as planned: learnWindow compares with them
      const candidates = models.map((m, i) => buildRequest(doc, text, ctx, infos[i], m));
      const fitting = candidates.filter((r) => fits(r, ctx.registry));
      let mainFailed = false; // the document's main call (no ledger row of its own) is the one that failed
      try {
        if (fitting.length === 0) {
          const mr = await mapReduce(doc, text, mapReduceModel(candidates.map((r) => r.model), ctx.registry), ctx, call);
          answer = mr.answer;
          chunks = mr.chunks;
        } else {
          // A re-run takes a fallback's cached answer rather than asking the first choice again
          // (which failed last time, and would be paid twice if it answered now).
          const from = fitting.length > 1 ? await firstCached(fitting, ctx) : 0;
          for (const [i, req] of fitting.entries()) {
            if (i < from) continue;
            try {
              answer = await call(req, i === 0 ? 'main' : 'fallback');
              answeredAsMain = i === 0;
              break;
            } catch (e) {
              const retryable = e instanceof DocumentFailure && e.call && RETRYABLE.has(e.call.error.kind);
              if (!retryable || i === fitting.length - 1) {
                mainFailed = i === 0;
                throw e;
              }
              if (i === 0) ctx.onCall?.(doc, 'fallback', (e as DocumentFailure).call!); // the failed first choice, for the ledger
            }
          }
        }
        break;
      } catch (e) {
        if (replans >= MAX_REPLANS || !learnWindow(e, ctx, (m) => infos[models.indexOf(m)]?.context)) throw e;
        if (mainFailed) ctx.onCall?.(doc, 'fallback', (e as DocumentFailure).call!); // the failed first choice, for the ledger
      }
    }
    if (answer && route.escalate && shouldEscalate(route.escalate.if, answer.content)) {
      const to = route.escalate.to;
      // The first answer gets its row now, before the escalation is sent (or stopped by the budget).
      if (answeredAsMain) ctx.onCall?.(doc, 'escalated', answer);
      try {
        answer = await call(buildRequest(doc, text, ctx, ctx.registry.get(to).info, to), 'escalate');
      } catch (e) {
        if (!(e instanceof DocumentFailure) || e.code === 'aborted') throw e;
        // The cascade's stronger model failed: the first answer stands; the failure is in the ledger.
      }
    }
    const a = answer!;
    return {
      record: { ...base, model: a.model, output: a.content, usage: tally.usage, cost_usd: roundUsd(tally.cost), latency_ms: round(tally.latencyMs), cached: tally.allCached, attempts: tally.attempts, chunks, error: null },
      saved: tally.saved, status: 'ok', errorCode: null, tokensBefore: prepared?.tokensBefore, tokensAfter: prepared?.tokensAfter, byModel: tally.otherModels(a.model),
    };
  } catch (e) {
    if (!(e instanceof DocumentFailure)) throw e;
    return {
      record: { ...base, model: e.call?.model ?? ctx.model, output: null, usage: tally.usage, cost_usd: roundUsd(tally.cost), latency_ms: tally.latencyMs > 0 ? round(tally.latencyMs) : null, cached: false, attempts: tally.attempts, chunks: 0, error: e.message },
      saved: tally.saved, status: e.code === 'aborted' ? 'aborted' : 'error', errorCode: e.code,
      retryable: e.call ? RETRYABLE.has(e.call.error.kind) : false, tokensBefore: prepared?.tokensBefore, tokensAfter: prepared?.tokensAfter,
      byModel: tally.otherModels(e.call?.model ?? ctx.model),
    };
  }
}

/** How many times a document is planned again for a window a server stated. */
const MAX_REPLANS = 3;

/**
 * A context-length failure that states the server's window for the model: the registry learns a
 * window to plan for, and the document can be planned again. llmbatch counts a local model's
 * tokens with an OpenAI encoding, which may count fewer than the server's own tokenizer, so the
 * window planned for is 90% of the stated one, and 80% of the last one planned for when a request
 * planned for it was still over (up to MAX_REPLANS times). False when the failure is another kind
 * or states no window.
 */
function learnWindow(e: unknown, ctx: DocumentContext, plannedFor: (model: string) => number | undefined): boolean {
  if (!(e instanceof DocumentFailure) || e.code !== 'context_length' || !e.call?.error.window) return false;
  const { model, error } = e.call;
  const stated = error.window!;
  const planned = plannedFor(model) ?? ctx.registry.get(model).info.context;
  const learned = Math.min(Math.floor(stated * 0.9), Math.floor(planned * 0.8));
  const was = ctx.registry.get(model).info.context;
  // Another document may have learned as much meanwhile: this one is planned again all the same.
  if (ctx.registry.narrowContext(model, learned)) ctx.onWindow?.(model, stated, was);
  return true;
}

/**
 * The first candidate whose answer is in the cache (0 when none is, or the first one is). The
 * fallbacks are looked at first: the first choice only when one of them has an answer, since
 * callModel looks it up anyway.
 */
async function firstCached(candidates: CompletionRequest[], ctx: DocumentContext): Promise<number> {
  if (!ctx.cache) return 0;
  for (let i = 1; i < candidates.length; i++) {
    if (await inCache(candidates[i], ctx)) return (await inCache(candidates[0], ctx)) ? 0 : i;
  }
  return 0;
}

const round = (ms: number) => Math.round(ms * 10) / 10;
/** Float noise (0.000024149999999999997) helps nobody reading a record: 12 decimals is a pico-dollar. */
const roundUsd = (usd: number | null) => (usd === null ? null : Math.round(usd * 1e12) / 1e12);
