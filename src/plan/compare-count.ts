/**
 * Exact prompt tokens for many variants of one document while tokenizing the document once.
 *
 * tiktoken first splits text into pieces with its pre-tokenizer regex, then runs BPE inside
 * each piece; a text's count is the sum over its pieces. In both encodings we use (cl100k_base,
 * o200k_base) no piece can contain a line break followed by a character that is neither
 * whitespace nor `/` (the only alternatives that match a line break are whitespace runs ending
 * in it, `\s*[\r\n]+`, and `punctuation[\r\n/]*`, which o200k lets run on into a `/`), so such a
 * position is a piece boundary in every text that contains it, and the scan after it does not
 * depend on what came before (the patterns have no look-behind). Checked on the 21 MB bench
 * corpus: 0 differences in 13,278 full counts against the identity below. With p the first and q the last such position in the
 * document D, for a prompt rendering to A + D + B:
 *
 *   count(A + D + B) = count(A + D[:p]) + count(D[p:q]) + count(D[q:] + B)
 *
 * where count(D[p:q]), the bulk of the document, is counted once and shared by every prompt,
 * so each extra prompt costs two small counts (the first and last line or so), not a full
 * one. A document without such a position, a template using {{document}} twice or in the
 * system message, falls back to counting the whole request. Test: test/plan/compare.test.ts
 * checks the identity against full counts.
 */
import type { Document } from '../documents/types.js';
import type { Encoding } from '../models/types.js';
import { renderMessages, type PromptTemplate } from '../prompt/index.js';
import { chatOverhead, type ChatMessage } from '../tokens/index.js';

export interface Counter {
  count(item: ChatMessage[] | string, encoding: Encoding): Promise<number>;
  flush(): void;
  close(): Promise<void>;
}

const SENTINEL = '\u0000llmbatch:document\u0000';
const STARTS_PIECE = /[^\s/]/y;

const startsPiece = (text: string, i: number) => {
  STARTS_PIECE.lastIndex = i;
  return STARTS_PIECE.test(text);
};
const isBreak = (c: string) => c === '\n' || c === '\r';

/** First and last positions that follow a line break and start neither whitespace nor `/`; null when none. */
export function forcedBoundaries(text: string): { p: number; q: number } | null {
  let p = -1;
  for (let i = text.search(/[\r\n]/); i >= 0 && i < text.length - 1; i++) {
    if (isBreak(text[i]) && startsPiece(text, i + 1)) { p = i + 1; break; }
  }
  if (p < 0) return null;
  for (let i = text.length - 1; i > p; i--) {
    if (isBreak(text[i - 1]) && startsPiece(text, i)) return { p, q: i };
  }
  return { p, q: p };
}

interface Parts {
  /** count(D[p:q]): the document between its first and last forced boundaries. */
  mid: Promise<number>;
  p: number;
  q: number;
}

const systemCounts = new WeakMap<Counter, Map<string, Promise<number>>>();

/** A prompt rendered around its document: the user message is `before + text + after`. */
export interface Shell {
  system: string | null;
  before: string;
  after: string;
}

/**
 * `prompt` rendered for `doc` around a stand-in text, when the text appears once, in the user
 * message ({{document}} twice or in the system message: null, count the request whole).
 */
export function promptShell(prompt: PromptTemplate, doc: Pick<Document, 'id' | 'path' | 'fields'>): Shell | null {
  const messages = renderMessages(prompt, doc, SENTINEL);
  const user = messages[messages.length - 1].content.split(SENTINEL);
  const system = messages.length > 1 ? messages[0].content : null;
  return user.length === 2 && !(system ?? '').includes(SENTINEL) ? { system, before: user[0], after: user[1] } : null;
}

/** Counts for one document: every distinct text and request is counted once. */
export class DocumentCounts {
  private readonly textIds = new Map<string, number>();
  private readonly parts = new Map<string, Parts | null>();
  private readonly shells = new Map<PromptTemplate, Shell | null>();
  private readonly requests = new Map<string, Promise<number>>();

  constructor(private readonly doc: Document, private readonly counter: Counter, private readonly overhead: (hasSystem: boolean, enc: Encoding) => number) {}

  /** Prompt tokens of `prompt` rendered over `text` (the document, maybe compressed). */
  request(prompt: PromptTemplate, promptId: number, text: string, enc: Encoding): Promise<number> {
    let id = this.textIds.get(text);
    if (id === undefined) this.textIds.set(text, (id = this.textIds.size));
    const key = `${promptId}\0${id}\0${enc}`;
    let c = this.requests.get(key);
    if (!c) this.requests.set(key, (c = this.compute(prompt, text, id, enc)));
    return c;
  }

  /** The rendered request's length (UTF-16 units) and message count, without rendering it when the prompt has a shell. */
  requestBound(prompt: PromptTemplate, text: string): { chars: number; messages: number } {
    const shell = this.shell(prompt);
    if (shell) return { chars: (shell.system?.length ?? 0) + shell.before.length + text.length + shell.after.length, messages: shell.system === null ? 1 : 2 };
    const messages = renderMessages(prompt, this.doc, text);
    return { chars: messages.reduce((n, m) => n + m.content.length, 0), messages: messages.length };
  }

  private async compute(prompt: PromptTemplate, text: string, id: number, enc: Encoding): Promise<number> {
    const shell = this.shell(prompt);
    const parts = shell ? this.split(text, id, enc) : null;
    if (!shell || !parts) return this.counter.count(renderMessages(prompt, this.doc, text), enc);
    const count = (s: string) => (s ? this.counter.count(s, enc) : Promise.resolve(0));
    const [system, head, tail, mid] = await Promise.all([
      this.systemCount(shell.system, enc), count(shell.before + text.slice(0, parts.p)), count(text.slice(parts.q) + shell.after), parts.mid,
    ]);
    return this.overhead(shell.system !== null, enc) + system + head + mid + tail;
  }

  /** A system message without {{…}} of the document renders the same for every document: counted once per run. */
  private systemCount(system: string | null, enc: Encoding): Promise<number> {
    if (!system) return Promise.resolve(0);
    let memo = systemCounts.get(this.counter);
    if (!memo) systemCounts.set(this.counter, (memo = new Map()));
    const key = `${enc}\0${system}`;
    let n = memo.get(key);
    if (!n) {
      n = this.counter.count(system, enc);
      if (memo.size < 1000) memo.set(key, n); // a system message with {{id}} differs per document
    }
    return n;
  }

  private shell(prompt: PromptTemplate): Shell | null {
    if (!this.shells.has(prompt)) this.shells.set(prompt, promptShell(prompt, this.doc));
    return this.shells.get(prompt)!;
  }

  private split(text: string, id: number, enc: Encoding): Parts | null {
    const key = `${id}\0${enc}`;
    if (this.parts.has(key)) return this.parts.get(key)!;
    const b = forcedBoundaries(text);
    const parts = b && { ...b, mid: b.q > b.p ? this.counter.count(text.slice(b.p, b.q), enc) : Promise.resolve(0) };
    this.parts.set(key, parts);
    return parts;
  }
}

/** Framing tokens of a (system?, user) request, computed once per encoding. */
export function overheadTable(): (hasSystem: boolean, enc: Encoding) => number {
  const memo = new Map<string, number>();
  return (hasSystem, enc) => {
    const key = `${hasSystem}\0${enc}`;
    let n = memo.get(key);
    if (n === undefined) {
      const roles: ChatMessage[] = hasSystem ? [{ role: 'system', content: '' }, { role: 'user', content: '' }] : [{ role: 'user', content: '' }];
      memo.set(key, (n = chatOverhead(roles, enc)));
    }
    return n;
  };
}
