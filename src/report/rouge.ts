/**
 * ROUGE-L (Lin, 2004: https://aclanthology.org/W04-1013/) over word tokens: the longest
 * common subsequence of the two token lists gives precision (LCS / candidate length),
 * recall (LCS / reference length) and their harmonic mean F1.
 *
 * Tokens are lowercased runs of letters and digits (any script); punctuation and
 * whitespace only separate them. The LCS table is computed row by row, keeping two rows
 * as long as the shorter text: O(n·m) time, O(min(n, m)) memory.
 *
 * Each text is capped at its first MAX_TOKENS tokens: the quadratic time would otherwise
 * make two 50k-word outputs cost seconds, and `compare` only needs a similarity signal,
 * which the opening 2,000 words of a summary carry well.
 */

export const MAX_TOKENS = 2000;

export interface RougeScore {
  precision: number;
  recall: number;
  f1: number;
}

/** Lowercased word tokens of `text` (letters and digits; punctuation splits). */
export function tokenize(text: string, limit = MAX_TOKENS): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    out.push(m[0]);
    if (out.length >= limit) break;
  }
  return out;
}

/** Length of the longest common subsequence of two token-id lists. */
export function lcsLength(a: ArrayLike<number>, b: ArrayLike<number>): number {
  // Iterate over the longer list, keep rows as long as the shorter one.
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  const m = short.length;
  if (m === 0) return 0;
  let prev = new Uint32Array(m + 1);
  let cur = new Uint32Array(m + 1);
  for (let i = 0; i < long.length; i++) {
    const x = long[i];
    for (let j = 1; j <= m; j++) {
      cur[j] = x === short[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[m];
}

/** ROUGE-L of `candidate` against `reference`. Two empty texts are identical (1); one empty text scores 0. */
export function rougeL(candidate: string, reference: string): RougeScore {
  const a = tokenize(candidate);
  const b = tokenize(reference);
  if (a.length === 0 && b.length === 0) return { precision: 1, recall: 1, f1: 1 };
  if (a.length === 0 || b.length === 0) return { precision: 0, recall: 0, f1: 0 };
  // Integer ids make the inner loop compare numbers, not strings.
  const ids = new Map<string, number>();
  const toIds = (tokens: string[]) => Uint32Array.from(tokens, (t) => {
    let id = ids.get(t);
    if (id === undefined) ids.set(t, (id = ids.size));
    return id;
  });
  const lcs = lcsLength(toIds(a), toIds(b));
  const precision = lcs / a.length;
  const recall = lcs / b.length;
  const f1 = lcs === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}
