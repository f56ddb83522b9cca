/**
 * Documents no candidate model's window holds (SPEC §6): split into chunks that fit, answer
 * each with the same prompt, then answer the joined partial answers with the same prompt
 * again — recursively while the partials themselves are too long. `chunkDocument` is also what
 * the dry-run plan cuts with, so the plan's chunks are the run's chunks.
 */
import type { Document } from '../documents/types.js';
import type { ModelRegistry, RegisteredModel } from '../models/index.js';
import { maxOutputFor } from '../plan/variant.js';
import { renderMessages } from '../prompt/index.js';
import type { CompletionRequest } from '../providers/types.js';
import { splitIntoChunks, type Tokenizer } from '../route/index.js';
import { countChat, countTokens, decodeTokens, encodeTokens } from '../tokens/index.js';
import type { CallResult } from './call.js';
import type { DocumentContext } from './document.js';
import { buildRequest, DocumentFailure, type RequestSettings } from './build.js';
import type { CallKind } from './tally.js';
import { formatInt } from '../report/units.js';

type Ok = Extract<CallResult, { ok: true }>;
const MAX_DEPTH = 4;

export interface ChunkedDocument {
  info: RegisteredModel;
  maxOut: number;
  /** Prompt tokens of the template alone (rendered over an empty text). */
  overhead: number;
  /** Tokens of document text per chunk. */
  budget: number;
  tok: Tokenizer;
  chunks: string[];
  /** The request for one chunk (or a joined set of partial answers). */
  request: (text: string) => CompletionRequest;
}

/** The model a document no candidate holds is map-reduced on: the widest window (first on ties). */
export function mapReduceModel(candidates: string[], registry: ModelRegistry): string {
  return candidates.reduce((a, b) => (registry.get(b).info.context > registry.get(a).info.context ? b : a));
}

/** Cuts a document into the chunks its map step sends (throws a DocumentFailure when none can fit). */
/**
 * `count` replaces the tokenizer's count of a piece (the planners pass one that remembers the
 * counts of a document's pieces: compare's variants cut the same text again); same results.
 */
export function chunkDocument(doc: Document, text: string, model: string, settings: RequestSettings & { registry: ModelRegistry }, count?: (text: string) => number): ChunkedDocument {
  const info = settings.registry.get(model).info;
  const enc = info.encoding;
  const maxOut = maxOutputFor(settings.prompt, settings.maxOutputTokens, info);
  const overhead = countChat(renderMessages(settings.prompt, doc, ''), enc);
  // 10% margin: chunk counts are summed per piece, and BPE merges across joins differ slightly.
  const budget = Math.floor((info.context - maxOut - overhead) * 0.9);
  if (budget < 32) {
    throw new DocumentFailure(null, `the prompt alone (${overhead} tokens) + ${maxOut} max output tokens leave no room in ${model}'s ${info.context}-token window`, 'context_length');
  }
  const tok: Tokenizer = {
    count: count ?? ((t) => countTokens(t, enc)),
    hardSplit: (t, n) => {
      const ids = encodeTokens(t, enc);
      const out: string[] = [];
      for (let i = 0; i < ids.length; i += n) out.push(decodeTokens(ids.slice(i, i + n), enc));
      return out;
    },
  };
  const request = (t: string) => buildRequest(doc, t, settings, info, model);
  return { info, maxOut, overhead, budget, tok, chunks: splitIntoChunks(text, budget, tok), request };
}

/**
 * The reduce calls after `n` chunks whose answers are `partial` tokens each, as mapReduce
 * makes them: their input tokens and how many there are. With `worst`, re-split chunks are as
 * empty as greedy packing allows, for an upper bound: a chunk closes only when the next piece
 * (at most one partial answer, or `budget`) does not fit, so it holds more than budget − piece − 1.
 */
export function reduceShape(c: Pick<ChunkedDocument, 'info' | 'maxOut' | 'overhead' | 'budget'>, n: number, partial: number, worst: boolean): { calls: number; input: number } {
  let calls = 0;
  let input = 0;
  for (let depth = 0; ; depth++) {
    const joined = n * partial + (n - 1); // a blank line between answers is about one token
    if (c.overhead + joined + c.maxOut <= c.info.context) return { calls: calls + 1, input: input + c.overhead + joined };
    if (depth >= MAX_DEPTH) return { calls, input }; // the document fails here
    n = worst ? worstChunkCount(joined, partial, c.budget) : Math.ceil(joined / c.budget);
    calls += n;
    input += joined + n * c.overhead;
  }
}

function worstChunkCount(tokens: number, piece: number, budget: number): number {
  // Any two neighbouring chunks hold more than budget − 1 together, whatever the pieces.
  const pairs = 2 * Math.ceil(tokens / (budget - 1)) + 1;
  return piece + 1 < budget ? Math.min(pairs, Math.ceil(tokens / (budget - piece - 1))) : pairs;
}

export async function mapReduce(
  doc: Document, text: string, model: string, ctx: DocumentContext,
  call: (req: CompletionRequest, kind: CallKind) => Promise<Ok>,
): Promise<{ answer: Ok; chunks: number }> {
  const { info, tok, budget, overhead, chunks, request } = chunkDocument(doc, text, model, ctx);
  let partials: string[] = [];
  for (const c of chunks) partials.push((await call(request(c), 'chunk')).content);

  // At most what the text the last round cut held: the chunks' capacity, then each round's answers.
  let before = chunks.length * budget;
  for (let depth = 0; ; depth++) {
    const joined = partials.join('\n\n');
    const req = request(joined);
    const input = countChat(req.messages, info.encoding);
    if (input + req.max_tokens <= info.context) return { answer: await call(req, 'reduce'), chunks: chunks.length };
    if (depth >= MAX_DEPTH) throw new DocumentFailure(null, `partial answers still exceed ${model}'s window after ${MAX_DEPTH} reduce rounds`, 'context_length');
    // Answers as long as what they answer would make every round bigger than the last (each
    // chunk of a round can answer with max output tokens): stop before paying for it. The
    // answers' tokens are the request's less its template (the count above, not a second one).
    const now = input - overhead;
    if (now >= before) {
      throw new DocumentFailure(null, `the partial answers (${formatInt(now)} tokens) are no shorter than what they answer (up to ${formatInt(before)}): `
        + `${model}'s window leaves ${formatInt(budget)} tokens a chunk beside ${formatInt(req.max_tokens)} output tokens. Lower --max-output-tokens, or route the document to a model with a larger window.`, 'context_length');
    }
    before = now;
    const next: string[] = [];
    for (const c of splitIntoChunks(joined, budget, tok)) next.push((await call(request(c), 'reduce')).content);
    partials = next;
  }
}
