/**
 * Splitting a document that no model's context window holds (SPEC §6 map-reduce). Split at
 * paragraph boundaries, then sentence boundaries, then — for a single sentence longer than a
 * chunk — at token boundaries. Chunks are packed greedily up to `maxTokens` and keep the
 * original order; joining them with blank lines gives back the document's content.
 */
const SENTENCE = /(?<=[.!?])\s+(?=[A-Z0-9"'(\[])/;

export interface Tokenizer {
  count(text: string): number;
  /** Split one over-long piece into pieces of at most `maxTokens` tokens. */
  hardSplit(text: string, maxTokens: number): string[];
}

/** The pieces to pack, with their token counts (counted once: counting is the cost of chunking). */
function pieces(text: string, maxTokens: number, tok: Tokenizer): { text: string; tokens: number }[] {
  const out: { text: string; tokens: number }[] = [];
  for (const para of text.split(/\n{2,}/)) {
    if (!para.trim()) continue;
    const n = tok.count(para);
    if (n <= maxTokens) { out.push({ text: para, tokens: n }); continue; }
    for (const sentence of para.split(SENTENCE)) {
      const m = tok.count(sentence);
      if (m <= maxTokens) out.push({ text: sentence, tokens: m });
      else for (const part of tok.hardSplit(sentence, maxTokens)) out.push({ text: part, tokens: tok.count(part) });
    }
  }
  return out;
}

export function splitIntoChunks(text: string, maxTokens: number, tok: Tokenizer): string[] {
  if (maxTokens < 1) throw new RangeError('chunk size must be at least one token');
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 0;
  const SEP = 1; // a blank line is about one token
  for (const { text: p, tokens: n } of pieces(text, maxTokens, tok)) {
    if (current.length && size + SEP + n > maxTokens) {
      chunks.push(current.join('\n\n'));
      current = [];
      size = 0;
    }
    current.push(p);
    size += (current.length > 1 ? SEP : 0) + n;
  }
  if (current.length) chunks.push(current.join('\n\n'));
  return chunks;
}
