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

function pieces(text: string, maxTokens: number, tok: Tokenizer): string[] {
  const out: string[] = [];
  for (const para of text.split(/\n{2,}/)) {
    if (!para.trim()) continue;
    if (tok.count(para) <= maxTokens) { out.push(para); continue; }
    for (const sentence of para.split(SENTENCE)) {
      if (tok.count(sentence) <= maxTokens) out.push(sentence);
      else out.push(...tok.hardSplit(sentence, maxTokens));
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
  for (const p of pieces(text, maxTokens, tok)) {
    const n = tok.count(p);
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
