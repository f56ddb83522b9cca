/**
 * whitespace: line ends, trailing and repeated spaces, blank-line runs, zero-width characters.
 *
 * Line ends are normalised everywhere (they are a property of the file, not of its content);
 * everything else applies to prose only: code blocks (see blocks.ts) keep their bytes.
 * Leading indentation of prose lines is dropped, except on list items, where it carries nesting,
 * and in RST, where it is syntax (directive content and options, comments, definitions).
 * Inline code that opens and closes on one line keeps its spaces.
 * In RST simple tables (a paragraph opened by a `===  ===` border) runs of spaces become two,
 * not one, because they separate columns.
 * ZWJ and ZWNJ (U+200D, U+200C) are kept: emoji sequences and several scripts need them.
 */
import { isBlank, isRst, scanBlocks, toLines } from './blocks.js';
import type { Syntax } from './types.js';

const TABLE_BORDER = /^\s*=+(?:[ \t]+=+)+\s*$/;
const INVISIBLE = /[\u200B\u2060\uFEFF\u00AD]/g;
const LIST_ITEM = /^\s*(?:[-*+•]|\d{1,9}[.)]|[a-zA-Z][.)]|#\.)\s/;

const INLINE_CODE = /(`+)(?!`).*?[^`]\1(?!`)/g;

/** Collapse runs of spaces, except inside inline code that opens and closes on this line. */
function collapse(text: string, table: boolean): string {
  const squeeze = (s: string): string => (table ? s.replace(/[ \t]{2,}/g, '  ').replace(/\t/g, ' ') : s.replace(/[ \t]+/g, ' '));
  if (!text.includes('`')) return squeeze(text);
  let out = '';
  let last = 0;
  for (const m of text.matchAll(INLINE_CODE)) {
    out += squeeze(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + squeeze(text.slice(last));
}

function cleanProseLine(line: string, keepIndent: boolean, table: boolean): string {
  const text = line.replace(INVISIBLE, '').replace(/[\u00A0\u202F]/g, ' ');
  // In an RST simple table a run of spaces separates columns: keep two so columns stay apart.
  const body = collapse(text.trim(), table);
  if (body === '') return '';
  if (keepIndent || LIST_ITEM.test(text)) {
    const indent = /^[ \t]*/.exec(text)![0];
    return indent + body;
  }
  return body;
}

/**
 * A code file (see Syntax) is code throughout: its indentation, inner spaces and string contents
 * are the program. Only what no language reads goes: trailing spaces and runs of blank lines.
 */
function codeWhitespace(lines: readonly string[]): string {
  const out: string[] = [];
  for (const raw of lines) {
    const line = raw.replace(/[ \t]+$/, '');
    if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(line);
  }
  return out.join('\n').trimEnd();
}

export function whitespace(text: string, syntax?: Syntax): string {
  const lines = toLines(text);
  if (syntax === 'code') return codeWhitespace(lines);
  const out: string[] = [];
  const rst = isRst(lines, syntax);
  for (const block of scanBlocks(lines, rst)) {
    if (block.code) {
      for (let i = block.start; i < block.end; i++) out.push(lines[i]);
      continue;
    }
    let table = false;
    for (let i = block.start; i < block.end; i++) {
      if (isBlank(lines[i])) table = false;
      else if (TABLE_BORDER.test(lines[i]) && (i === block.start || isBlank(lines[i - 1]))) table = true;
      const line = isBlank(lines[i]) ? '' : cleanProseLine(lines[i], rst, table);
      // At most one blank line in a row, and none at the start of the document.
      if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
      out.push(line);
    }
  }
  return out.join('\n').trimEnd();
}
