/**
 * Splits a document's lines into code and prose ranges, so that every strategy leaves code
 * byte-for-byte alone. Code is:
 *   - fenced blocks (``` or ~~~, any indentation, closed by the same character at least as long;
 *     an unclosed fence runs to the end, as in CommonMark);
 *   - indented blocks: 4+ columns after a blank line (Markdown and plain text only: in RST an
 *     indented block after a blank line is usually directive content or a block quote). The
 *     file name decides which when it says (`syntax`, see isRst): the content guess alone reads
 *     a Markdown file with one `.. note::` line as RST;
 *   - RST literal blocks: the indented block after a line ending in `::`, and the content of code
 *     directives (`.. code-block::` and friends, see CODE_DIRECTIVES), options included;
 *   - doctest blocks (a paragraph starting with `>>>`), `<pre>` blocks, and YAML front matter.
 * When in doubt a block counts as code: keeping prose verbatim only costs tokens, while editing
 * code changes its meaning.
 */
import type { Syntax } from './types.js';

export interface Block {
  code: boolean;
  /** Line range [start, end). */
  start: number;
  end: number;
}

/** Directives whose content is literal text. */
export const CODE_DIRECTIVES = new Set([
  'code', 'code-block', 'sourcecode', 'math', 'parsed-literal', 'doctest',
  'testcode', 'testoutput', 'testsetup', 'testcleanup', 'productionlist', 'raw',
  'ipython', 'jupyter-execute', 'prompt', 'csv-table', 'graphviz', 'digraph', 'mermaid',
]);

const BLANK = /^[\s\u200B\u2060\uFEFF]*$/;
const FENCE = /^\s*(`{3,}|~{3,})(.*)$/;
const DIRECTIVE = /^\s*\.\.\s+([\w.+-]+(?::[\w.+-]+)*)::(?:\s|$)/;
const RST_SIGNAL = /^\s*\.\.\s+(?:[\w.+-]+(?::[\w.+-]+)*::(?:\s|$)|_[^:]*:)|:[\w.+-]+:`[^`]+`/;

export const isBlank = (line: string): boolean => BLANK.test(line);

/**
 * The fence mark opening a code block at line i. A bare `~~~` right under a line of text is an
 * RST section underline, not a fence.
 */
function fenceAt(lines: readonly string[], i: number): string | undefined {
  const f = FENCE.exec(lines[i]);
  if (!f || (f[1][0] === '`' && f[2].includes('`'))) return undefined;
  if (f[1][0] === '~' && f[2].trim() === '' && i > 0 && !isBlank(lines[i - 1])) return undefined;
  return f[1];
}

/** Indentation width in columns (a tab advances to the next multiple of 4). */
export function indentOf(line: string): number {
  let col = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 32) col++;
    else if (c === 9) col += 4 - (col % 4);
    else break;
  }
  return col;
}

/** The directive name (without a domain prefix like `py:`) of a `.. name::` line, if any. */
export function directiveName(line: string): string | undefined {
  const m = DIRECTIVE.exec(line);
  if (!m) return undefined;
  const name = m[1].toLowerCase();
  const colon = name.lastIndexOf(':');
  return colon >= 0 ? name.slice(colon + 1) : name;
}

/** RST if any line outside fences looks like a directive, a target or a role. */
export function looksLikeRst(lines: readonly string[]): boolean {
  let fence: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (fence) {
      const f = FENCE.exec(line);
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length && f[2].trim() === '') fence = undefined;
      continue;
    }
    fence = fenceAt(lines, i);
    if (!fence && RST_SIGNAL.test(line)) return true;
  }
  return false;
}

/** RST as the file name says, else as the content suggests. */
export const isRst = (lines: readonly string[], syntax?: Syntax): boolean => (syntax ? syntax === 'rst' : looksLikeRst(lines));

/** Index just past the last non-blank line in [from, to). */
function trimBlankTail(lines: readonly string[], from: number, to: number): number {
  let end = to;
  while (end > from && isBlank(lines[end - 1])) end--;
  return end;
}

/** Extend an indented block from `from` while lines are blank or indented more than `min`. */
function indentedRun(lines: readonly string[], from: number, min: number): number {
  let j = from;
  while (j < lines.length && (isBlank(lines[j]) || indentOf(lines[j]) > min)) j++;
  return trimBlankTail(lines, from, j);
}

function frontMatterEnd(lines: readonly string[]): number {
  if (lines[0] !== '---' && lines[0] !== '+++') return -1;
  for (let j = 1; j < Math.min(lines.length, 200); j++) {
    if (lines[j] === lines[0] || (lines[0] === '---' && lines[j] === '...')) return j + 1;
    if (isBlank(lines[j])) return -1;
  }
  return -1;
}

export function scanBlocks(lines: readonly string[], rst: boolean): Block[] {
  const blocks: Block[] = [];
  let proseStart = 0;
  const pushCode = (start: number, end: number): void => {
    if (start > proseStart) blocks.push({ code: false, start: proseStart, end: start });
    if (end > start) blocks.push({ code: true, start, end });
    proseStart = end;
  };

  let i = 0;
  const fm = frontMatterEnd(lines);
  if (fm > 0) {
    pushCode(0, fm);
    i = fm;
  }
  let prevBlank = true;
  let literalIndent = -1; // indentation of a pending `::` line
  while (i < lines.length) {
    const line = lines[i];
    const blank = isBlank(line);
    const mark = fenceAt(lines, i);
    if (mark) {
      let j = i + 1;
      while (j < lines.length) {
        const c = FENCE.exec(lines[j]);
        if (c && c[1][0] === mark[0] && c[1].length >= mark.length && c[2].trim() === '') break;
        j++;
      }
      const end = Math.min(j + 1, lines.length);
      pushCode(i, end);
      i = end;
      prevBlank = false;
      literalIndent = -1;
      continue;
    }
    if (!blank && prevBlank) {
      const indent = indentOf(line);
      let end = -1;
      if (literalIndent >= 0 && indent > literalIndent) end = indentedRun(lines, i, literalIndent);
      else if (!rst && indent >= 4) end = indentedRun(lines, i, 3);
      else if (line.trimStart().startsWith('>>>')) {
        end = i;
        while (end < lines.length && !isBlank(lines[end])) end++;
      } else if (/^\s*<pre[\s>]/i.test(line)) {
        end = i;
        while (end < lines.length && !/<\/pre>/i.test(lines[end])) end++;
        end = Math.min(end + 1, lines.length);
      }
      if (end > i) {
        pushCode(i, end);
        i = end;
        prevBlank = false;
        literalIndent = -1;
        continue;
      }
    }
    if (!blank) {
      const name = directiveName(line);
      if (name !== undefined && CODE_DIRECTIVES.has(name)) {
        const end = indentedRun(lines, i + 1, indentOf(line));
        if (end > i + 1) {
          pushCode(i + 1, end);
          i = end;
          prevBlank = false;
          literalIndent = -1;
          continue;
        }
      }
      literalIndent = name === undefined && line.trimEnd().endsWith('::') ? indentOf(line) : -1;
    }
    prevBlank = blank;
    i++;
  }
  if (proseStart < lines.length) blocks.push({ code: false, start: proseStart, end: lines.length });
  return blocks;
}

/** Normalise line ends (CRLF and lone CR → LF) and split. */
export function toLines(text: string): string[] {
  return text.replace(/\r\n?/g, '\n').split('\n');
}

/** Maximal runs of non-blank lines within [start, end). */
export function paragraphs(lines: readonly string[], start: number, end: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let i = start;
  while (i < end) {
    while (i < end && isBlank(lines[i])) i++;
    if (i >= end) break;
    const from = i;
    while (i < end && !isBlank(lines[i])) i++;
    out.push([from, i]);
  }
  return out;
}

const UNDERLINE = /^([=\-~^"'`#*+:._<>!$%&,;?@\\/|])\1{2,}\s*$/;

/** A line of one repeated punctuation character: an RST section adornment or a setext underline. */
export const isAdornment = (line: string): boolean => UNDERLINE.test(line);

/** True for a Markdown ATX heading, or when the next line underlines this one. */
export function isHeadingAt(lines: readonly string[], i: number, end = lines.length): boolean {
  const line = lines[i];
  if (/^\s{0,3}#{1,6}(\s|$)/.test(line)) return true;
  if (isBlank(line) || isAdornment(line)) return false;
  return i + 1 < end && isAdornment(lines[i + 1]);
}
