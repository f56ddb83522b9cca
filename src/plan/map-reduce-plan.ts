/**
 * The price of a document no candidate model's window holds, as the run will process it
 * (SPEC §6): cut exactly as the engine cuts it (`chunkDocument` on the same model), so the
 * chunk requests and their prompt tokens are exact; the reduce rounds' input is the chunks'
 * answers, at `partial(maxOut)` tokens each for the estimate and at max output tokens each for the
 * upper bound. Shared by `run --dry-run` / `--budget` (run-plan) and `estimate`.
 */
import type { Document } from '../documents/types.js';
import { type RequestSettings } from '../engine/build.js';
import { chunkDocument, reduceShape } from '../engine/map-reduce.js';
import type { ModelRegistry } from '../models/index.js';
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

/** Throws the engine's DocumentFailure when the prompt alone leaves no room for a chunk (the run fails the document, sending nothing). */
export function planMapReduce(
  doc: Document, text: string, model: string, settings: RequestSettings & { registry: ModelRegistry }, partial: (maxOut: number) => number,
): MapReducePlan {
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
