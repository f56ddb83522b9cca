/**
 * markup: strip markup that costs tokens and carries little, keeping the text a reader sees.
 *
 * Code blocks (blocks.ts) and inline code (backtick spans, RST ``literals``) keep their bytes:
 * inline code is swapped for placeholders before anything else runs on a prose block. HTML tags
 * are only recognised by name (HTML_TAGS), so `<file>` in a usage line or `Array<T>` in prose
 * survives. Single `*`/`_` emphasis is left alone: too often it is arithmetic or a name.
 * Removed constructs leave markers; a line left holding nothing but markers is dropped, and so is
 * one of two blank lines that a dropped line would otherwise leave adjacent.
 */
import { isBlank, isRst, scanBlocks, toLines } from './blocks.js';
import { decodeEntities } from './entities.js';
import { DROPPED, markupLines } from './markup-lines.js';
import type { Syntax } from './types.js';

const GONE = '\uE002';
const BREAK = '\uE003';
const PRIVATE = /[\uE000-\uE004]/;

const BLOCK_TAGS = new Set(('address article aside blockquote body br caption center col colgroup dd ' +
  'details dialog div dl dt fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 head header hr ' +
  'html li main nav ol p section summary table tbody td tfoot th thead title tr ul').split(' '));
const INLINE_TAGS = new Set(('a abbr acronym b bdi bdo big cite code data del dfn em font i img ins ' +
  'kbd label mark picture q s samp small source span strike strong sub sup time tt u var wbr video ' +
  'audio iframe embed object param input button select option textarea meta link base svg').split(' '));
const VOID_TAGS = new Set('br hr img wbr'.split(' '));

const DEST = String.raw`\((?:<[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+(?:"[^"\n]*"|'[^'\n]*'|\([^)\n]*\)))?\s*\)`;
const LABEL = String.raw`((?:[^\[\]]|\[[^\[\]]*\])*)`;
const IMAGE = new RegExp(String.raw`!\[([^\]\n]*)\](?:${DEST}|\[[^\]\n]*\])`, 'g');
const LINK = new RegExp(String.raw`\[${LABEL}\]${DEST}`, 'g');
const REF_LINK = new RegExp(String.raw`(?<![\w\]])\[${LABEL}\]\[[^\[\]\n]*\]`, 'g');
const AUTOLINK = /<((?:[a-z][a-z0-9+.-]{1,31}):[^\s<>]*|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)>/gi;
const TAG = /<(\/?)([A-Za-z][A-Za-z0-9]*)((?:\s(?:[^<>"']|"[^"]*"|'[^']*')*)?)\/?>/g;
const ALT = /\balt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;
const ROLE = /:([\w.+-]+(?::[\w.+-]+)*):`([^`\n]+)`/g;
const RST_LINK = /(?<![\w`])`([^`<>\n]*?)\s*<([^<>`\n]+)>`__?/g;
const RST_REF = /(?<![\w`])`([^`\n]+)`__?(?![\w])/g;
const STRONG_STAR = /(?<![\w*\\])\*\*(?![\s*])([^*\n]*?[^\s*\\])\*\*(?![\w*])/g;
const STRONG_UNDER = /(?<![\w\\])__(?![\s_])([^_\n]*?[^\s_\\])__(?![\w])/g;

const orGone = (text: string): string => (/[^\s\uE002\uE003]/.test(text) ? text : GONE);

function roleText(role: string, content: string): string {
  const r = role.toLowerCase();
  if (r === 'rfc' || r === 'pep') return `${r.toUpperCase()} ${content}`;
  const titled = /^([\s\S]*?\S)\s*<[^<>]+>$/.exec(content);
  return (titled ? titled[1] : content).replace(/^[~!]/, '');
}

/** Swap backtick spans for placeholders; a span never crosses a blank line. */
function protectCode(text: string, spans: string[]): string {
  let out = '';
  let last = 0;
  let i = text.indexOf('`');
  while (i >= 0) {
    let n = 1;
    while (text.charCodeAt(i + n) === 96) n++;
    const run = '`'.repeat(n);
    let j = text.indexOf(run, i + n);
    while (j >= 0 && text.charCodeAt(j + n) === 96) {
      let k = j;
      while (text.charCodeAt(k) === 96) k++;
      j = text.indexOf(run, k);
    }
    const span = j >= 0 ? text.slice(i, j + n) : '';
    if (j < 0 || /\n[ \t]*\n/.test(span)) {
      i = text.indexOf('`', i + n);
      continue;
    }
    out += text.slice(last, i) + `\uE000${spans.length}\uE001`;
    spans.push(span);
    last = j + n;
    i = text.indexOf('`', last);
  }
  return out + text.slice(last);
}

/**
 * A known tag is markup when it is a closing tag, has attributes, is void (`<br>`), or is closed
 * somewhere in the block; a bare `<title>` or `<source>` with no `</title>` is a placeholder in a
 * usage line, and stays.
 */
function stripTags(text: string): string {
  const closed = new Set<string>();
  for (const m of text.matchAll(/<\/([A-Za-z][A-Za-z0-9]*)\s*>/g)) closed.add(m[1].toLowerCase());
  return text
    .replace(/<!--[\s\S]*?-->/g, GONE)
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, GONE)
    .replace(AUTOLINK, '$1')
    .replace(TAG, (whole, close: string, tag: string, attrs: string) => {
      const name = tag.toLowerCase();
      if (!BLOCK_TAGS.has(name) && !INLINE_TAGS.has(name)) return whole;
      if (!close && !attrs.trim() && !VOID_TAGS.has(name) && !closed.has(name)) return whole;
      const heading = /^h([1-6])$/.exec(name);
      if (heading) return close ? BREAK : BREAK + '#'.repeat(Number(heading[1])) + ' ';
      if (BLOCK_TAGS.has(name)) return BREAK;
      if (name === 'img' && !close) {
        const alt = ALT.exec(attrs);
        return alt ? orGone(alt[1] ?? alt[2] ?? alt[3]) : GONE;
      }
      return GONE;
    });
}

function inline(text: string): string[] {
  const spans: string[] = [];
  let t = text
    .replace(ROLE, (_w, role: string, content: string) => roleText(role, content))
    .replace(RST_LINK, (_w, title: string, target: string) => title.trim() || target)
    .replace(RST_REF, '$1');
  t = protectCode(t, spans);
  t = stripTags(t)
    .replace(IMAGE, (_w, alt: string) => orGone(alt))
    .replace(LINK, (_w, label: string) => orGone(label))
    .replace(REF_LINK, (_w, label: string) => orGone(label))
    .replace(STRONG_STAR, '$1')
    .replace(STRONG_UNDER, (whole, inner: string) => (/^\w+$/.test(inner) ? whole : inner));
  const lines = tidyLines(decodeEntities(t).split('\n'));
  if (lines.length === 0) return [];
  return lines.join('\n').replace(/\uE000(\d+)\uE001/g, (_w, n: string) => spans[Number(n)]).split('\n');
}

/** Resolve markers, drop emptied lines, collapse table-row padding. */
function tidyLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  let removed = false;
  for (const raw of lines) {
    if (raw === DROPPED || (/^[\s\uE002\uE003\uE004]*$/.test(raw) && /[\uE002-\uE004]/.test(raw))) {
      removed = true;
      continue;
    }
    if (isBlank(raw) && removed && (out.length === 0 || isBlank(out[out.length - 1]))) continue;
    if (!isBlank(raw)) removed = false;
    let line = raw;
    if (/[\uE002-\uE004]/.test(line)) {
      line = line.replace(/([ \t]*)[\uE002-\uE004]+([ \t]*)/g, (m, before: string, after: string, at: number, s: string) => {
        if (at === 0) return before;
        if (at + m.length === s.length || /[.,;:!?)\]]/.test(s[at + m.length])) return '';
        return before || after || m.includes(BREAK) ? ' ' : '';
      });
    }
    if (/^\s*\|.*\|\s*$/.test(line)) line = line.replace(/[ \t]{2,}/g, ' ').trimEnd();
    out.push(line);
  }
  return out;
}

export function markup(text: string, syntax?: Syntax): string {
  // Tags, `**` and links inside a program are its strings and operators, not markup.
  if (syntax === 'code') return text;
  const lines = toLines(text);
  const out: string[] = [];
  for (const block of scanBlocks(lines, isRst(lines, syntax))) {
    const part = lines.slice(block.start, block.end);
    if (block.code || part.some((l) => PRIVATE.test(l))) {
      out.push(...part);
      continue;
    }
    out.push(...inline(markupLines(part).join('\n')));
  }
  return out.join('\n');
}
