/**
 * retention: how much of what matters in a document survives compression.
 *
 * Measured on the original's *visible text*: what a reader of the rendered document sees, code
 * included. Before extracting, both texts lose the parts no reader sees, found with rules
 * independent of markup.ts (so a markup bug that drops visible text still shows):
 *   - URLs (scheme:… and www.…) and e-mail addresses;
 *   - Markdown link and image destinations `](…)`, reference labels `][…]`, reference
 *     definition lines `[x]: …`;
 *   - HTML comments, <script>/<style> contents, and tags with their attributes;
 *   - RST comments, hyperlink targets (`.. _x: …`, `__ …`), role names (`:ref:`), link targets
 *     inside backquotes (`` `text <target>`_ ``), directive options and the arguments of
 *     directives that name a resource (`.. image:: path`).
 * HTML entities are decoded first (`&#169;` is a ©, not the number 169).
 *
 * numbers: distinct digit groups, with inner `.` or `,` between digits kept (`3.14`, `2,000`,
 * `1.2.3`; the `2` of `v2` and the `256` of `sha256` count too).
 * terms: distinct words starting with an uppercase letter followed by at least one letter or
 * digit (`Node`, `JSON`, `Zürich`), except common function words that are capitalised only
 * because they start a sentence (SENTENCE_STARTS).
 * Each share is kept / distinct in the original; 1 when the original has none.
 */
import { directiveName } from './blocks.js';
import { decodeEntities } from './entities.js';

export interface Retention {
  /** Share (0..1) of the original's distinct numbers present in the compressed text. */
  numbers: number;
  /** Share (0..1) of the original's distinct capitalised terms present in the compressed text. */
  terms: number;
  /** Distinct numbers and terms in the original (0 means the share is vacuously 1). */
  numbersTotal: number;
  termsTotal: number;
}

export const NUMBER_RE = /\d+(?:[.,]\d+)*/g;
export const TERM_RE = /(?<![\p{L}\p{N}_])\p{Lu}[\p{L}\p{N}]+/gu;

export const SENTENCE_STARTS = new Set(
  ('The A An This That These Those It Its In On At For To Of If When While We You Your Our Us He ' +
    'She They Their There Here And But Or Nor So As By With Without From Into Is Are Was Were Be ' +
    'Been Not No Yes All Each Every Some Any Then Also However What Which Who Whom How Why Where ' +
    'After Before Since Until Unless Although Because Once Both Either Neither Only Just Do Does ' +
    'Did Can Could May Might Must Should Would Will Shall Let See Use Using Most Many More Other ' +
    'Such Than Thus Therefore Hence Now Note My Me Him Her Them One Two First Second Finally Please').split(' '),
);

/** Resource-naming directives: their argument is a path or a name, not visible prose. */
export const RESOURCE_DIRECTIVES = new Set([
  'image', 'figure', 'include', 'literalinclude', 'raw', 'highlight', 'toctree', 'contents',
  'sectnum', 'meta', 'only', 'default-role', 'role', 'index', 'tabularcolumns', 'class',
  'rst-class', 'program', 'highlightlang',
]);

const HIDDEN_INLINE: Array<[RegExp, string]> = [
  [/<!--[\s\S]*?-->/g, ' '],
  [/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' '],
  [/<\/?[A-Za-z][\w:-]*(?:\s[^<>]*)?\/?>/g, ' '],
  [/\s<[^<>`\n]+>`/g, '`'],
  [/:[\w.+-]+(?::[\w.+-]+)*:(?=`)/g, ''],
  [/\]\((?:<[^>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?\s*\)/g, ']'],
  [/\]\[[^\]\n]*\]/g, ']'],
  [/\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.|mailto:)[^\s<>"'`)\]]*/gi, ' '],
  [/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, ' '],
];

function hiddenLine(line: string, state: { comment: number; directive: boolean }): boolean {
  const indent = /^[ \t]*/.exec(line)![0].length;
  const blank = line.trim() === '';
  if (state.comment >= 0) {
    if (!blank && indent > state.comment) return true;
    state.comment = -1;
  }
  if (state.directive) {
    if (/^\s*:[\w -]+:(\s|$)/.test(line) && !/^\s*:(alt|caption|title|synopsis):/.test(line)) return true;
    state.directive = false;
  }
  if (/^\s{0,3}\[(?!\^)[^\]\n]+\]:\s*\S/.test(line)) return true; // Markdown reference definition
  if (/^\s*\.\.\s+_[^:]*:/.test(line) || /^\s*__\s+\S/.test(line)) return true; // RST targets
  const name = directiveName(line);
  if (name !== undefined) {
    state.directive = true;
    return RESOURCE_DIRECTIVES.has(name);
  }
  if (/^\s*\.\.(\s|$)/.test(line) && !/^\s*\.\.\s+(\[|\|)/.test(line)) {
    state.comment = indent; // an RST comment, continued by deeper-indented lines
    return true;
  }
  return false;
}

/** The text a reader of the rendered document sees (for measurement, not for sending). */
export function visibleText(text: string): string {
  const state = { comment: -1, directive: false };
  let out = text.replace(/\r\n?/g, '\n').split('\n').filter((l) => !hiddenLine(l, state)).join('\n');
  for (const [re, by] of HIDDEN_INLINE) out = out.replace(re, by);
  return decodeEntities(out);
}

export function extractNumbers(visible: string): Set<string> {
  return new Set(visible.match(NUMBER_RE) ?? []);
}

export function extractTerms(visible: string): Set<string> {
  const out = new Set<string>();
  for (const m of visible.match(TERM_RE) ?? []) if (!SENTENCE_STARTS.has(m)) out.add(m);
  return out;
}

function share(original: Set<string>, kept: Set<string>): number {
  if (original.size === 0) return 1;
  let n = 0;
  for (const x of original) if (kept.has(x)) n++;
  return n / original.size;
}

export function retention(original: string, compressed: string): Retention {
  const a = visibleText(original);
  const b = visibleText(compressed);
  const numbers = extractNumbers(a);
  const terms = extractTerms(a);
  return {
    numbers: share(numbers, extractNumbers(b)),
    terms: share(terms, extractTerms(b)),
    numbersTotal: numbers.size,
    termsTotal: terms.size,
  };
}
