/**
 * whitespace: line ends, trailing and repeated spaces, blank-line runs, zero-width characters.
 *
 * Line ends are normalised everywhere (they are a property of the file, not of its content);
 * everything else applies to prose only: code blocks (see blocks.ts) keep their bytes.
 * Leading indentation of prose lines is dropped, except on list items, where it carries nesting,
 * and in RST, where it is syntax (directive content and options, comments, definitions).
 * ZWJ and ZWNJ (U+200D, U+200C) are kept: emoji sequences and several scripts need them.
 */
import { isBlank, looksLikeRst, scanBlocks, toLines } from './blocks.js';

const INVISIBLE = /[\u200B\u2060\uFEFF\u00AD]/g;
const LIST_ITEM = /^\s*(?:[-*+•]|\d{1,9}[.)]|[a-zA-Z][.)]|#\.)\s/;

function cleanProseLine(line: string, keepIndent: boolean): string {
  const text = line.replace(INVISIBLE, '').replace(/[\u00A0\u202F]/g, ' ');
  const body = text.trim().replace(/[ \t]+/g, ' ');
  if (body === '') return '';
  if (keepIndent || LIST_ITEM.test(text)) {
    const indent = /^[ \t]*/.exec(text)![0];
    return indent + body;
  }
  return body;
}

export function whitespace(text: string): string {
  const lines = toLines(text);
  const out: string[] = [];
  const rst = looksLikeRst(lines);
  for (const block of scanBlocks(lines, rst)) {
    if (block.code) {
      for (let i = block.start; i < block.end; i++) out.push(lines[i]);
      continue;
    }
    for (let i = block.start; i < block.end; i++) {
      const line = isBlank(lines[i]) ? '' : cleanProseLine(lines[i], rst);
      // At most one blank line in a row, and none at the start of the document.
      if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
      out.push(line);
    }
  }
  return out.join('\n').trimEnd();
}
