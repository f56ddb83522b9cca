/**
 * extractive[:R]: keep the most informative units (sentences, headings, table rows, whole code
 * blocks; see sentences.ts) in their original order, within a token budget: R × the original's
 * tokens when R ≤ 1, R tokens when R > 1.
 *
 * Scoring is TF-IDF with the document's own units as the collection. A term is a lowercased
 * content word, or a "key term": a number or a capitalised word, much as retention.ts counts them
 * (URLs removed first). weight(t) = (1 + ln tf) × ln(1 + N / df) for N units, × KEY_BONUS for key
 * terms. Units are chosen greedily by *new* weight per token: a term counts only in the first
 * kept unit that has it (coverage, as in Lin & Bilmes 2011), so the summary does not spend its
 * budget saying the same thing twice. Once every term is covered, the remaining budget goes to
 * the densest units by plain TF-IDF weight. Gains only shrink as terms get covered, so a lazy
 * max-heap gives the same choice as re-scoring everything: O(n log n) per document.
 *
 * Headings and the first sentence go first, in document order, while they fit in half the
 * budget. Ties break towards earlier units, so the result is deterministic. Unit token counts
 * add up to roughly the joined text's count; the joined text is measured exactly and the
 * latest-chosen units are dropped until it fits. If no unit fits at all, the most valuable one is
 * cut at a word boundary to the budget.
 */
import { Heap } from './heap.js';
import { assemble, atoms, type Atom } from './sentences.js';
import { NUMBER_RE, SENTENCE_STARTS } from './retention.js';
import type { CompressContext } from './types.js';

export const DEFAULT_RATIO = 0.5;
const KEY_BONUS = 3;
const PRIORITY_SHARE = 0.5;
const URLISH = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)[^\s<>"'`)\]]*|\]\([^)\s]*\)/gi;
const WORD = /[\p{L}\p{N}]+/gu;
const STOP = new Set([...SENTENCE_STARTS].map((w) => w.toLowerCase()).concat(
  'is are was were be to of and or in on at by for with as it its this that from not no can will'.split(' ')));

interface Scored {
  terms: Int32Array;
  tokens: number;
  staticDensity: number;
}

function score(units: readonly Atom[], countTokens: (t: string) => number): { scored: Scored[]; weights: Float64Array } {
  const ids = new Map<string, number>();
  const df: number[] = [];
  const tf: number[] = [];
  const key: boolean[] = [];
  const lastUnit: number[] = []; // the last unit each term was seen in, to count df without a Set
  const perUnit: Int32Array[] = [];
  let terms: number[] = [];
  const note = (term: string, isKey: boolean, unit: number): void => {
    let id = ids.get(term);
    if (id === undefined) {
      id = df.length;
      ids.set(term, id);
      df.push(0);
      tf.push(0);
      key.push(isKey);
      lastUnit.push(-1);
    }
    tf[id]++;
    if (lastUnit[id] !== unit) {
      lastUnit[id] = unit;
      df[id]++;
      terms.push(id);
    }
  };
  for (let u = 0; u < units.length; u++) {
    const text = units[u].text;
    terms = [];
    // Words of link targets count as content (they name what the sentence points to), but
    // key terms are only taken from text a reader sees, as retention.ts does.
    const linky = text.includes('://') || text.includes('www.') || text.includes('](');
    const visible = linky ? text.replace(URLISH, ' ') : text;
    WORD.lastIndex = 0;
    for (let m = WORD.exec(text); m; m = WORD.exec(text)) {
      const w = m[0];
      if (w.length < 2) continue;
      const lower = w.toLowerCase();
      if (!linky && lower.charCodeAt(0) !== w.charCodeAt(0) && !SENTENCE_STARTS.has(w)) note('#' + w, true, u);
      if (!STOP.has(lower)) note(lower, false, u);
    }
    if (linky) {
      for (const w of visible.match(WORD) ?? []) {
        if (w.length > 1 && w.toLowerCase().charCodeAt(0) !== w.charCodeAt(0) && !SENTENCE_STARTS.has(w)) note('#' + w, true, u);
      }
    }
    for (const n of visible.match(NUMBER_RE) ?? []) note('#' + n, true, u);
    perUnit.push(Int32Array.from(terms));
  }
  const n = units.length;
  const weights = new Float64Array(df.length);
  for (let id = 0; id < df.length; id++) {
    weights[id] = (1 + Math.log(tf[id])) * Math.log(1 + n / df[id]) * (key[id] ? KEY_BONUS : 1);
  }
  const scored = units.map((u, i) => {
    const tokens = Math.max(1, countTokens(u.text));
    const ts = perUnit[i];
    let sum = 0;
    for (let k = 0; k < ts.length; k++) sum += weights[ts[k]];
    return { terms: ts, tokens, staticDensity: sum / tokens };
  });
  return { scored, weights };
}

/** Cut `text` at a word boundary to at most `budget` tokens (binary search on the cut). */
function truncate(text: string, budget: number, countTokens: (t: string) => number): string {
  const cuts = [...text.matchAll(/\s+/g)].map((m) => m.index);
  let lo = 0;
  let hi = cuts.length - 1;
  let best = '';
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const candidate = text.slice(0, cuts[mid]);
    if (countTokens(candidate) <= budget) {
      best = candidate;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

export function extractive(text: string, ratio: number = DEFAULT_RATIO, ctx: Pick<CompressContext, 'countTokens' | 'syntax'>): string {
  const { countTokens } = ctx;
  const total = countTokens(text);
  const budget = Math.floor(ratio > 1 ? ratio : ratio * total);
  if (total <= budget) return text;
  if (budget < 1) return '';
  const units = atoms(text, ctx.syntax);
  const { scored, weights } = score(units, countTokens);
  const covered = new Uint8Array(weights.length);
  const keep = new Uint8Array(units.length);
  const order: number[] = [];
  let left = budget;
  const take = (i: number): void => {
    keep[i] = 1;
    order.push(i);
    left -= scored[i].tokens;
    const ts = scored[i].terms;
    for (let k = 0; k < ts.length; k++) covered[ts[k]] = 1;
  };
  const gain = (i: number): number => {
    const ts = scored[i].terms;
    let g = 0;
    for (let k = 0; k < ts.length; k++) if (!covered[ts[k]]) g += weights[ts[k]];
    return g;
  };

  let priorityLeft = Math.floor(budget * PRIORITY_SHARE);
  const firstText = units.findIndex((u) => u.kind === 'text');
  units.forEach((u, i) => {
    if ((u.kind === 'heading' || i === firstText) && scored[i].tokens <= priorityLeft) {
      priorityLeft -= scored[i].tokens;
      take(i);
    }
  });

  const heap = new Heap(units.length, new Float64Array(units.length), Float64Array.from(scored, (u) => u.staticDensity));
  for (let i = 0; i < units.length; i++) {
    if (keep[i]) continue;
    heap.density[i] = gain(i) / scored[i].tokens;
    heap.push(i);
  }
  while (heap.size > 0 && left > 0) {
    const top = heap.pop();
    if (scored[top].tokens > left) continue; // the budget only shrinks: it never fits later
    const density = gain(top) / scored[top].tokens;
    if (density < heap.density[top]) {
      heap.density[top] = density;
      heap.push(top);
      continue;
    }
    take(top);
  }

  let out = assemble(units, keep);
  let count = countTokens(out);
  while (count > budget && order.length > 0) {
    let excess = count - budget;
    while (excess > 0 && order.length > 0) {
      const i = order.pop()!;
      keep[i] = 0;
      excess -= scored[i].tokens;
    }
    out = assemble(units, keep);
    count = countTokens(out);
  }
  if (out !== '') return out;
  let best = -1;
  for (let i = 0; i < units.length; i++) {
    if (best < 0 || scored[i].staticDensity * scored[i].tokens > scored[best].staticDensity * scored[best].tokens) best = i;
  }
  return best < 0 ? '' : truncate(units[best].text, budget, countTokens);
}
