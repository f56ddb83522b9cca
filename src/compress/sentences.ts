/**
 * Cuts a document into the units that extractive keeps or drops whole: code blocks, headings
 * (with their underlines), table rows, and the sentences of paragraphs and list items. Hard-wrapped
 * lines of one paragraph or list item are joined back into sentences; a new list item, heading,
 * table row or directive always starts a new unit. Each unit records the break before it
 * (0 space, 1 line, 2 blank line) so the kept ones can be put back together.
 */
import { isAdornment, isRst, paragraphs, scanBlocks, toLines } from './blocks.js';
import type { Syntax } from './types.js';

export type Break = 0 | 1 | 2;
export interface Atom {
  text: string;
  breakBefore: Break;
  kind: 'code' | 'heading' | 'text';
}

const LIST_ITEM = /^\s*(?:[-*+•]|\d{1,9}[.)]|[a-zA-Z][.)]|#\.)\s/;
const OWN_LINE = /^\s*(?:\||\.\.\s|>|<)/;
const ATX = /^\s{0,3}#{1,6}(?:\s|$)/;
const RULER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$/;

const ABBREVIATIONS = new Set(('mr mrs ms dr prof sr jr st vs inc ltd co corp fig figs eq eqs no nos ' +
  'vol vols pp ch sec secs approx dept est cf al jan feb mar apr jun jul aug sep sept oct nov dec ' +
  'mt ft gen col rev viz resp ca op esp var ver').split(' '));
const BOUNDARY = /[.!?…]+["'”’)\]*_]*\s+(?=[^\s\p{Ll}])|[。！？]+/gu;

function isAbbreviation(text: string, dot: number): boolean {
  let start = dot;
  while (start > 0 && !/\s/.test(text[start - 1])) start--;
  const word = text.slice(start, dot).replace(/^[^\p{L}\p{N}]+/u, '');
  if (word === '') return false;
  if (/^\p{L}$/u.test(word)) return true; // an initial: "J. Smith"
  if (/^(?:\p{L}\.)+\p{L}$/u.test(word)) return true; // e.g, i.e, U.S
  return ABBREVIATIONS.has(word.toLowerCase());
}

export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  BOUNDARY.lastIndex = 0;
  for (let m = BOUNDARY.exec(text); m; m = BOUNDARY.exec(text)) {
    const end = m.index + m[0].trimEnd().length;
    if (m[0][0] === '.' && m[0][1] !== '.' && isAbbreviation(text, m.index)) continue;
    const s = text.slice(start, end).trim();
    if (s) out.push(s);
    start = m.index + m[0].length;
  }
  const rest = text.slice(start).trim();
  if (rest) out.push(rest);
  return out;
}

/** A "sentence" this long that spans lines is a list or a dump, not prose: one unit per line. */
const LONG_SENTENCE = 400;
const splitLong = (s: string): string[] =>
  s.length > LONG_SENTENCE && s.includes('\n') ? s.split('\n').filter((l) => l.trim() !== '') : [s];

interface Item {
  lines: string[];
  kind: 'heading' | 'row' | 'text';
}

function items(lines: readonly string[], start: number, end: number): Item[] {
  const out: Item[] = [];
  let current: Item | undefined;
  for (let i = start; i < end; i++) {
    const line = lines[i];
    const next = i + 1 < end ? lines[i + 1] : undefined;
    if (isAdornment(line) && next !== undefined && !isAdornment(next) && i + 2 < end && isAdornment(lines[i + 2])) {
      current = { lines: [line, next, lines[i + 2]], kind: 'heading' };
      out.push(current);
      current = undefined;
      i += 2;
      continue;
    }
    if (ATX.test(line) || (next !== undefined && !isAdornment(line) && isAdornment(next))) {
      const heading: Item = { lines: ATX.test(line) ? [line] : [line, next!], kind: 'heading' };
      out.push(heading);
      if (heading.lines.length === 2) i++;
      current = undefined;
      continue;
    }
    if (current?.kind === 'row' && RULER.test(line)) {
      current.lines.push(line);
      continue;
    }
    if (OWN_LINE.test(line) || isAdornment(line)) {
      current = { lines: [line], kind: /^\s*\|/.test(line) ? 'row' : 'text' };
      out.push(current);
      if (current.kind === 'text') current = undefined;
      continue;
    }
    if (current && current.kind === 'text' && !LIST_ITEM.test(line)) {
      current.lines.push(line);
      continue;
    }
    current = { lines: [line], kind: 'text' };
    out.push(current);
  }
  return out;
}

/** Code blocks up to this many lines are kept or dropped whole; longer ones line by line. */
export const MAX_WHOLE_CODE_LINES = 20;

export function atoms(text: string, syntax?: Syntax): Atom[] {
  const lines = toLines(text);
  const out: Atom[] = [];
  let lastLine = -1; // index just past the previous unit's last line
  const breakTo = (line: number): Break => (out.length === 0 ? 0 : line > lastLine ? 2 : 1);
  for (const block of scanBlocks(lines, isRst(lines, syntax))) {
    if (block.code) {
      if (block.end - block.start <= MAX_WHOLE_CODE_LINES) {
        out.push({ text: lines.slice(block.start, block.end).join('\n'), breakBefore: breakTo(block.start), kind: 'code' });
      } else {
        // A long block (often command output or data) would be all or nothing; line by line,
        // its informative lines can be kept. Lines keep their indentation.
        for (let l = block.start; l < block.end; l++) out.push({ text: lines[l], breakBefore: l === block.start ? breakTo(l) : 1, kind: 'code' });
      }
      lastLine = block.end;
      continue;
    }
    for (const [ps, pe] of paragraphs(lines, block.start, block.end)) {
      let first: Break = breakTo(ps);
      for (const item of items(lines, ps, pe)) {
        if (item.kind !== 'text') {
          out.push({ text: item.lines.join('\n'), breakBefore: first, kind: item.kind === 'heading' ? 'heading' : 'text' });
        } else {
          let brk: Break = first;
          for (const sentence of splitSentences(item.lines.join('\n'))) {
            splitLong(sentence).forEach((text, k) => out.push({ text, breakBefore: k === 0 ? brk : 1, kind: 'text' }));
            brk = 0;
          }
        }
        first = 1;
      }
      lastLine = pe;
    }
  }
  return out;
}

const SEPARATOR = [' ', '\n', '\n\n'];

/** Join kept atoms in document order; the break before each is the widest since the last kept. */
export function assemble(all: readonly Atom[], keep: ArrayLike<number>): string {
  let out = '';
  let pending: Break = 0;
  let any = false;
  for (let i = 0; i < all.length; i++) {
    const a = all[i];
    if (a.breakBefore > pending) pending = a.breakBefore;
    if (!keep[i]) continue;
    out += (any ? SEPARATOR[pending] : '') + a.text;
    any = true;
    pending = 0;
  }
  return out;
}
