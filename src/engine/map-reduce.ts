/**
 * Documents no candidate model's window holds (SPEC §6): split into chunks that fit, answer
 * each with the same prompt, then answer the joined partial answers with the same prompt
 * again — recursively while the partials themselves are too long.
 */
import type { Document } from '../documents/types.js';
import { maxOutputFor } from '../plan/variant.js';
import { renderMessages } from '../prompt/index.js';
import type { CompletionRequest } from '../providers/types.js';
import { splitIntoChunks, type Tokenizer } from '../route/index.js';
import { countChat, countTokens, decodeTokens, encodeTokens } from '../tokens/index.js';
import type { CallResult } from './call.js';
import type { DocumentContext } from './document.js';
import { buildRequest, DocumentFailure } from './build.js';
import type { CallKind } from './tally.js';

type Ok = Extract<CallResult, { ok: true }>;
const MAX_DEPTH = 4;

export async function mapReduce(
  doc: Document, text: string, model: string, ctx: DocumentContext,
  call: (req: CompletionRequest, kind: CallKind) => Promise<Ok>,
): Promise<{ answer: Ok; chunks: number }> {
  const info = ctx.registry.get(model).info;
  const enc = info.encoding;
  const maxOut = maxOutputFor(ctx.prompt, ctx.maxOutputTokens, info);
  const overhead = countChat(renderMessages(ctx.prompt, doc, ''), enc);
  // 10% margin: chunk counts are summed per piece, and BPE merges across joins differ slightly.
  const budget = Math.floor((info.context - maxOut - overhead) * 0.9);
  if (budget < 32) {
    throw new DocumentFailure(null, `the prompt alone (${overhead} tokens) + ${maxOut} max output tokens leave no room in ${model}'s ${info.context}-token window`, 'context_length');
  }
  const tok: Tokenizer = {
    count: (t) => countTokens(t, enc),
    hardSplit: (t, n) => {
      const ids = encodeTokens(t, enc);
      const out: string[] = [];
      for (let i = 0; i < ids.length; i += n) out.push(decodeTokens(ids.slice(i, i + n), enc));
      return out;
    },
  };
  const request = (t: string) => buildRequest(doc, t, ctx, info, model);

  const chunks = splitIntoChunks(text, budget, tok);
  let partials: string[] = [];
  for (const c of chunks) partials.push((await call(request(c), 'chunk')).content);

  for (let depth = 0; ; depth++) {
    const joined = partials.join('\n\n');
    const req = request(joined);
    if (countChat(req.messages, enc) + req.max_tokens <= info.context) return { answer: await call(req, 'reduce'), chunks: chunks.length };
    if (depth >= MAX_DEPTH) throw new DocumentFailure(null, `partial answers still exceed ${model}'s window after ${MAX_DEPTH} reduce rounds`, 'context_length');
    const next: string[] = [];
    for (const c of splitIntoChunks(joined, budget, tok)) next.push((await call(request(c), 'reduce')).content);
    partials = next;
  }
}
