/**
 * The price of a document no candidate model's window holds, as the run will process it
 * (SPEC §6): cut exactly as the engine cuts it (`chunkDocument` on the same model), so the
 * chunk requests and their prompt tokens are exact; the reduce rounds' input is the chunks'
 * answers, at `partial(maxOut)` tokens each for the estimate and at max output tokens each for the
 * upper bound. Shared by `run --dry-run` / `--budget` (run-plan), `estimate` and offline `compare`.
 */
import type { Document } from '../documents/types.js';
import { buildRequest, DocumentFailure, type RequestSettings } from '../engine/build.js';
import { chunkDocument, mapReduceModel, reduceShape, type ChunkedDocument } from '../engine/map-reduce.js';
import type { ModelRegistry } from '../models/index.js';
import type { CompletionRequest } from '../providers/types.js';
import { chatOverhead, countChat, countTokens } from '../tokens/index.js';
import type { PromptTemplate } from '../prompt/index.js';
import { promptShell } from './compare-count.js';
import type { Encoding } from '../models/types.js';

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

/**
 * Token counts of one document's texts (its pieces, its chunks) by encoding, shared by the plans
 * made for it: offline compare plans each variant's cut of the same long document, and its
 * prompts differ only around the text. Counting is what planning costs.
 */
export class CountMemo {
  private readonly counts = new Map<Encoding, Map<string, number>>();
  count(text: string, enc: Encoding): number {
    let byText = this.counts.get(enc);
    if (!byText) this.counts.set(enc, (byText = new Map()));
    let n = byText.get(text);
    if (n === undefined) byText.set(text, (n = countTokens(text, enc)));
    return n;
  }
}

/**
 * A text whose first pre-token starts at its first character when it follows a line break.
 * compare-count.ts proves this for a character that is neither whitespace nor `/`; spaces and
 * tabs qualify too: `\s*[\r\n]+`, the first alternative that takes a line break, must end on
 * one, so it stops before them, and the scan resumes where it would in the text alone.
 */
const STARTS_FRESH = /^[^\r\n/]/;
const ENDS_WORD = /[\p{L}\p{N}]$/u;
/** The pre-token a text ends with when that is a run of punctuation (with one space before it). */
const TRAILING_PUNCT = / ?[^\s\p{L}\p{N}]+$/u;
const BLANK_LINE = '\n\n';

/**
 * Tokens of `a + "\n\n" + b` minus those of `a` and `b`, or null when the split cannot be
 * told from the edges. o200k_base and cl100k_base pre-split text with a regex before BPE and
 * counts add up across pre-tokens (the argument is compare-count.ts's): after a letter or digit
 * the blank line is a pre-token of its own; after a run of punctuation it joins that run
 * (`.\n\n`); after a space it joins the spaces; before a `/` it takes the slash too. What
 * follows the blank line starts afresh (STARTS_FRESH).
 */
function joinDelta(a: string, b: string, enc: Encoding, memo: CountMemo): number | null {
  if (a === '' || !STARTS_FRESH.test(b)) return null;
  if (ENDS_WORD.test(a)) return memo.count(BLANK_LINE, enc);
  const punct = TRAILING_PUNCT.exec(a)?.[0];
  if (punct === undefined) return null;
  return memo.count(punct + BLANK_LINE, enc) - memo.count(punct, enc);
}

/**
 * A chunk's tokens from its pieces' counts (the cut counted them; chunkDocument joins them
 * with blank lines and no piece holds one), or by counting it when a join is not clear.
 */
function chunkTokens(chunk: string, enc: Encoding, memo: CountMemo): number {
  const pieces = chunk.split(BLANK_LINE);
  let n = 0;
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0) {
      const d = joinDelta(pieces[i - 1], pieces[i], enc, memo);
      if (d === null) return memo.count(chunk, enc);
      n += d;
    }
    n += memo.count(pieces[i], enc);
  }
  return n;
}

/**
 * The prompt tokens of one chunk's request, exactly as countChat counts the whole request, but
 * from counts the cut already made (its pieces) and the template's parts around the chunk.
 * Counts add up across a join where the tokenizer's pre-split breaks the same way in both texts:
 * a line break before a chunk that does not start with another or a `/`, and a chunk ending in
 * a letter or digit before a line break (or nothing); see joinDelta for the joins inside the
 * chunk. Otherwise the request is counted whole.
 */
function chunkCounter(cut: ChunkedDocument, doc: Document, prompt: PromptTemplate, memo: CountMemo): (chunk: string) => number {
  const enc = cut.info.encoding;
  const whole = (chunk: string) => countChat(cut.request(chunk).messages, enc);
  const shell = promptShell(prompt, doc);
  if (!shell) return whole;
  const { before: prefix, after: suffix } = shell;
  const framing = cut.request('').messages;
  const base = chatOverhead(framing, enc) + (shell.system === null ? 0 : memo.count(shell.system, enc)) + memo.count(prefix, enc) + memo.count(suffix, enc);
  const startSafe = prefix === '' || prefix.endsWith('\n');
  return (chunk) => {
    if ((prefix !== '' && !(startSafe && STARTS_FRESH.test(chunk))) || (suffix !== '' && !(suffix.startsWith('\n') && ENDS_WORD.test(chunk)))) return whole(chunk);
    return base + chunkTokens(chunk, enc, memo);
  };
}

/**
 * Throws the engine's DocumentFailure when the prompt alone leaves no room for a chunk (the run
 * fails the document, sending nothing). `memo`: counts shared with other plans of the document.
 */
export function planMapReduce(doc: Document, text: string, model: string, settings: PlanSettings, partial: (maxOut: number) => number, memo = new CountMemo()): MapReducePlan {
  const enc = settings.registry.get(model).info.encoding;
  const cut = chunkDocument(doc, text, model, settings, (t) => memo.count(t, enc));
  const chunks = cut.chunks.length;
  const countChunk = chunkCounter(cut, doc, settings.prompt, memo);
  const chunkInput = cut.chunks.reduce((n, c) => n + countChunk(c), 0);
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
  doc: Document, text: string, candidates: string[], settings: PlanSettings, partial: (maxOut: number, model: string) => number, memo?: CountMemo,
): OverWindow {
  for (const m of candidates.slice(1)) {
    const info = settings.registry.get(m).info;
    const request = buildRequest(doc, text, settings, info, m);
    const input = countChat(request.messages, info.encoding);
    if (input + request.max_tokens <= info.context) return { kind: 'fallback', model: m, request, input };
  }
  const model = mapReduceModel(candidates, settings.registry);
  try {
    return { kind: 'map-reduce', model, plan: planMapReduce(doc, text, model, settings, (maxOut) => partial(maxOut, model), memo) };
  } catch (e) {
    if (!(e instanceof DocumentFailure)) throw e;
    return { kind: 'fails', model, reason: e.message };
  }
}
