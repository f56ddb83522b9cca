/**
 * The whole-line part of markup: reference definitions, RST targets, comments and directives,
 * section adornments and table rulers. Works on the lines of one prose block; a dropped line
 * becomes DROPPED so the caller can tidy the blank lines around it.
 */
import { CODE_DIRECTIVES, directiveName, isAdornment, isBlank, indentOf } from './blocks.js';
import { RESOURCE_DIRECTIVES } from './retention.js';

export const DROPPED = '\uE004';

const MD_REF_DEF = /^\s{0,3}\[(?!\^)[^\]\n]+\]:\s*<?\S+>?(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*$/;
const RST_TARGET = /^\s*(?:\.\.\s+_[^:]*:|__\s+\S)/;
const RST_COMMENT = /^\s*\.\.(?:\s|$)/;
const NOT_COMMENT = /^\s*\.\.\s+(?:\[|\|)/; // footnotes, citations, substitution definitions
const DIRECTIVE_LINE = /^(\s*)\.\.\s+(?:[\w.+-]+:)*([\w.+-]+)::[ \t]*(.*)$/;
const OPTION = /^\s*:([\w -]+):(?:\s+(.*))?$/;
const VISIBLE_OPTIONS = new Set(['alt', 'caption', 'title', 'synopsis']);
const MD_RULER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)+\|?\s*$/;
const GRID_RULER = /^\s*\+(?:[-=:]+\+)+\s*$/;
const SIMPLE_TABLE_BORDER = /^\s*[=-]{2,}(?:[ \t]+[=-]{2,})+\s*$/;

const LABELS: Record<string, string> = {
  seealso: 'See also',
  versionadded: 'Added in version',
  versionchanged: 'Changed in version',
  deprecated: 'Deprecated since version',
};

/** `note` → `Note:`; the name's own capitals are kept (`.. WARNING::` → `WARNING:`). */
function directiveLabel(raw: string, args: string): string {
  const name = raw.toLowerCase();
  if (name === 'admonition') return args ? `${args}:` : '';
  const label = LABELS[name] ?? raw.charAt(0).toUpperCase() + raw.slice(1).replace(/-/g, ' ');
  return args ? `${label}: ${args}` : `${label}:`;
}

const plainText = (line: string | undefined): boolean =>
  line !== undefined && !isBlank(line) && !isAdornment(line);

export function markupLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  let commentIndent = -1;
  let inDirective = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (commentIndent >= 0) {
      if (!isBlank(line) && indentOf(line) > commentIndent) {
        out.push(DROPPED);
        continue;
      }
      commentIndent = -1;
    }
    if (inDirective) {
      const opt = OPTION.exec(line);
      if (opt) {
        const name = opt[1].trim().toLowerCase();
        const value = opt[2]?.trim();
        out.push(VISIBLE_OPTIONS.has(name) && value ? /^\s*/.exec(line)![0] + value : DROPPED);
        continue;
      }
      inDirective = false;
    }
    if (MD_REF_DEF.test(line) || RST_TARGET.test(line)) {
      out.push(DROPPED);
      continue;
    }
    const name = directiveName(line);
    if (name !== undefined) {
      if (CODE_DIRECTIVES.has(name)) {
        out.push(line);
        continue;
      }
      inDirective = true;
      const m = DIRECTIVE_LINE.exec(line)!;
      const label = RESOURCE_DIRECTIVES.has(name) ? '' : directiveLabel(m[2], m[3].trim());
      out.push(label ? m[1] + label : DROPPED);
      continue;
    }
    if (RST_COMMENT.test(line) && !NOT_COMMENT.test(line)) {
      commentIndent = indentOf(line);
      out.push(DROPPED);
      continue;
    }
    if (isAdornment(line)) {
      const underline = plainText(lines[i - 1]);
      const overline = plainText(lines[i + 1]) && lines[i + 2] !== undefined && isAdornment(lines[i + 2]);
      out.push(underline || overline ? DROPPED : line);
      continue;
    }
    if (MD_RULER.test(line) || GRID_RULER.test(line) || SIMPLE_TABLE_BORDER.test(line)) {
      out.push(DROPPED);
      continue;
    }
    out.push(line);
  }
  return out;
}
