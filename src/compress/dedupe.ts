/**
 * dedupe: repeated paragraphs within a document, and boilerplate repeated across documents.
 *
 * A paragraph is a run of non-blank prose lines; code blocks (blocks.ts), headings, RST directives
 * and paragraphs ending in `::` (they introduce the block that follows) are never dropped. Paragraphs are compared by their normalised text: lowercase, whitespace collapsed,
 * zero-width characters removed.
 *
 * Within a document: a paragraph whose normalised text already appeared earlier in it is dropped,
 * unless it is shorter than MIN_REPEAT_CHARS (`---`, `Yes.`, `Example:` repeat legitimately).
 *
 * Across documents: a paragraph is boilerplate (licence header, navigation, footer) when its
 * normalised text is at least MIN_BOILERPLATE_CHARS long and appears in at least
 * max(MIN_BOILERPLATE_DOCS, BOILERPLATE_SHARE × documents) documents of the batch. The index keeps
 * a 64-bit hash per paragraph, never the text. To keep memory bounded on very large batches it
 * counts with Lossy Counting (Manku & Motwani, 2002) in buckets of BUCKET_DOCS documents: a hash
 * seen in few documents is forgotten at a bucket boundary, which can under-count any paragraph
 * by at most one per BUCKET_DOCS documents (1% of the batch). Below BUCKET_DOCS documents the
 * counts are exact. A paragraph is reported with its upper-bound count, so the threshold is met
 * by anything whose true share is within 1 point of it.
 */
import { directiveName, isAdornment, isBlank, isHeadingAt, isRst, paragraphs, scanBlocks, toLines } from './blocks.js';
import type { Syntax } from './types.js';

export const MIN_REPEAT_CHARS = 20;
export const MIN_BOILERPLATE_CHARS = 40;
export const MIN_BOILERPLATE_DOCS = 3;
export const BOILERPLATE_SHARE = 0.3;
const BUCKET_DOCS = 100;

export function normaliseParagraph(text: string): string {
  return text.replace(/[\u200B-\u200D\u2060\uFEFF]/g, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Two independent 32-bit multiplicative hashes: a 64-bit key, as a short string. */
export function hash64(text: string): string {
  let h1 = 0x811c9dc5 ^ text.length;
  let h2 = 0x27d4eb2f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b);
  h1 = Math.imul(h1 ^ (h1 >>> 13), 0xc2b2ae35);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x85ebca6b);
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35);
  return ((h1 ^ (h1 >>> 16)) >>> 0).toString(36) + '.' + ((h2 ^ (h2 >>> 16)) >>> 0).toString(36);
}

interface Para {
  start: number;
  end: number;
  key: string;
  /** Code and headings are never dropped. */
  keep: boolean;
}

/** Headings, and RST lines that introduce what follows (`.. code-block::`, `Output::`). */
function isStructural(lines: readonly string[], start: number, end: number): boolean {
  const n = end - start;
  if (directiveName(lines[start]) !== undefined || lines[end - 1].trimEnd().endsWith('::')) return true;
  if (n === 1) return isHeadingAt(lines, start, end);
  if (n === 2) return isHeadingAt(lines, start, end);
  return n === 3 && isAdornment(lines[start]) && isHeadingAt(lines, start + 1, end);
}

function prose(lines: readonly string[], syntax: Syntax | undefined): Para[] {
  const out: Para[] = [];
  for (const block of scanBlocks(lines, isRst(lines, syntax))) {
    if (block.code) continue;
    for (const [start, end] of paragraphs(lines, block.start, block.end)) {
      const key = normaliseParagraph(lines.slice(start, end).join('\n'));
      out.push({ start, end, key, keep: isStructural(lines, start, end) });
    }
  }
  return out;
}

export class BoilerplateIndex {
  private readonly counts = new Map<string, { f: number; delta: number }>();
  private docs = 0;
  private threshold = MIN_BOILERPLATE_DOCS;
  private finalized = false;

  /** Count a document's paragraphs. Call once per document, before any `isBoilerplate`. */
  add(text: string, syntax?: Syntax): void {
    const lines = toLines(text);
    this.docs++;
    const bucket = Math.ceil(this.docs / BUCKET_DOCS);
    const seen = new Set<string>();
    for (const p of prose(lines, syntax)) {
      if (p.keep || p.key.length < MIN_BOILERPLATE_CHARS) continue;
      const h = hash64(p.key);
      if (seen.has(h)) continue;
      seen.add(h);
      const entry = this.counts.get(h);
      if (entry) entry.f++;
      else this.counts.set(h, { f: 1, delta: bucket - 1 });
    }
    if (this.docs % BUCKET_DOCS === 0) {
      for (const [h, e] of this.counts) if (e.f + e.delta <= bucket) this.counts.delete(h);
    }
  }

  /** Fix the threshold for a batch of `totalDocs` documents (default: the documents added). */
  finalize(totalDocs: number = this.docs): void {
    this.threshold = Math.max(MIN_BOILERPLATE_DOCS, Math.ceil(BOILERPLATE_SHARE * totalDocs));
    this.finalized = true;
  }

  get size(): number {
    return this.counts.size;
  }

  isBoilerplate(paragraph: string): boolean {
    if (!this.finalized) this.finalize();
    const key = normaliseParagraph(paragraph);
    if (key.length < MIN_BOILERPLATE_CHARS) return false;
    const e = this.counts.get(hash64(key));
    return e !== undefined && e.f + e.delta >= this.threshold;
  }
}

/** Convenience for a pre-pass over texts already in memory. */
export function buildBoilerplateIndex(texts: Iterable<string>): BoilerplateIndex {
  const index = new BoilerplateIndex();
  for (const t of texts) index.add(t);
  index.finalize();
  return index;
}

export function dedupe(text: string, boilerplate?: BoilerplateIndex, syntax?: Syntax): string {
  const lines = toLines(text);
  const drop = new Uint8Array(lines.length);
  const seen = new Set<string>();
  let dropped = false;
  for (const p of prose(lines, syntax)) {
    if (p.keep) continue;
    const repeated = p.key.length >= MIN_REPEAT_CHARS && seen.has(p.key);
    seen.add(p.key);
    const common = boilerplate !== undefined && boilerplate.isBoilerplate(p.key);
    if (!repeated && !common) continue;
    drop.fill(1, p.start, p.end);
    dropped = true;
  }
  if (!dropped) return text;
  const out: string[] = [];
  let skipBlanks = false;
  for (let i = 0; i < lines.length; i++) {
    if (drop[i]) {
      // Drop the blank lines after a dropped paragraph too when nothing but blanks precede it.
      skipBlanks = out.length === 0 || isBlank(out[out.length - 1]);
      continue;
    }
    if (skipBlanks && isBlank(lines[i])) continue;
    skipBlanks = false;
    out.push(lines[i]);
  }
  while (out.length > 0 && isBlank(out[out.length - 1])) out.pop();
  return out.join('\n');
}
