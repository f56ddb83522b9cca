/**
 * The price of a document no candidate model's window holds, as the run will process it
 * (SPEC §6): cut exactly as the engine cuts it (`chunkDocument` on the same model), so the
 * chunk requests and their prompt tokens are exact; the reduce rounds' input is the chunks'
 * answers, at `partial(maxOut)` tokens each for the estimate and at max output tokens each for the
 * upper bound. Shared by `run --dry-run` / `--budget` (run-plan), `estimate` and offline `compare`.
 */
import type { Document } from '../documents/types.js';
import { buildRequest, DocumentFailure, type RequestSettings } from '../engine/build.js';
import { chunkDocument, mapReduceModel, reduceShape } from '../engine/map-reduce.js';
import type { ModelRegistry } from '../models/index.js';
import type { CompletionRequest } from '../providers/types.js';
import { countChat } from '../tokens/index.js';

export interface MapReducePlan {
  /** Chunk requests of the map step (the run's `chunks: N`). */
  chunks: number;
  /** Prompt tokens of the chunk requests, exact. */
  chunkInput: number;
  /** Max output tokens of every chunk and reduce call. */
  maxOut: number;
  /** Input tokens (chunks + reduce) and answer calls, with answers of `partial(maxOut)` tokens. */
  estimate: { input: number; calls: number };
  /** The same when every answer uses its max output tokens: the upper bound. */
  worst: { input: number; calls: number };
}

type PlanSettings = RequestSettings & { registry: ModelRegistry };

/**
 * An upper bound on a request's tokens from its length alone, to find the few documents that
 * might be over a window without tokenizing twice: a token is at least one UTF-8 byte and a
 * UTF-16 unit at most three bytes; a message's framing is a few tokens (chat.ts).
 */
export const tokenBound = (chars: number, messages: number): number => 3 * chars + 8 * messages + 8;

/** Throws the engine's DocumentFailure when the prompt alone leaves no room for a chunk (the run fails the document, sending nothing). */
export function planMapReduce(doc: Document, text: string, model: string, settings: PlanSettings, partial: (maxOut: number) => number): MapReducePlan {
  const cut = chunkDocument(doc, text, model, settings);
  const chunks = cut.chunks.length;
  const chunkInput = cut.chunks.reduce((n, c) => n + countChat(cut.request(c).messages, cut.info.encoding), 0);
  const est = reduceShape(cut, chunks, partial(cut.maxOut), false);
  const worst = reduceShape(cut, chunks, cut.maxOut, true);
  return {
    chunks, chunkInput, maxOut: cut.maxOut,
    estimate: { input: chunkInput + est.input, calls: chunks + est.calls },
    worst: { input: chunkInput + worst.input, calls: chunks + worst.calls },
  };
}

/** Where a document goes that the first candidate's window does not hold (see `planOverWindow`). */
export type OverWindow =
  /** A fallback's window holds it: one request there. */
  | { kind: 'fallback'; model: string; request: CompletionRequest; input: number }
  /** No candidate holds it: map-reduced on the widest window. */
  | { kind: 'map-reduce'; model: string; plan: MapReducePlan }
  /** Not even a chunk fits beside the prompt: the run fails the document, sending nothing. */
  | { kind: 'fails'; model: string; reason: string };

/**
 * What the run does with a document the first of `candidates` (a route's model, then its
 * fallbacks) cannot hold, as engine/document.ts decides it: the first fallback that holds it,
 * else map-reduce on the widest candidate window.
 */
export function planOverWindow(
  doc: Document, text: string, candidates: string[], settings: PlanSettings, partial: (maxOut: number, model: string) => number,
): OverWindow {
  for (const m of candidates.slice(1)) {
    const info = settings.registry.get(m).info;
    const request = buildRequest(doc, text, settings, info, m);
    const input = countChat(request.messages, info.encoding);
    if (input + request.max_tokens <= info.context) return { kind: 'fallback', model: m, request, input };
  }
  const model = mapReduceModel(candidates, settings.registry);
  try {
    return { kind: 'map-reduce', model, plan: planMapReduce(doc, text, model, settings, (maxOut) => partial(maxOut, model)) };
  } catch (e) {
    if (!(e instanceof DocumentFailure)) throw e;
    return { kind: 'fails', model, reason: e.message };
  }
}
