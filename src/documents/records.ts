/**
 * Record files: JSONL/NDJSON (one record a line), CSV (one a row), and a `.json` array of
 * objects. One bad record is an error item naming `file:line`; the rest of the file still runs.
 * JSONL and CSV are streamed so a 1 GB file never sits in memory.
 */
import type { Document, InputError, InputOptions, Skipped } from './types.js';
import { parseCsv } from './csv.js';
import { isBlank, MAX_DOCUMENT_BYTES, MAX_DOCUMENT_TEXT, openStream, readReason } from './read.js';

/** An item before the input stream numbers it (index is assigned across all inputs). */
export type RawItem =
  | { kind: 'document'; document: Omit<Document, 'index'> }
  | { kind: 'error'; error: Omit<InputError, 'index'> }
  | { kind: 'skipped'; skipped: Skipped };

export type RecordFormat = 'jsonl' | 'csv' | 'json';

const DEFAULT_TEXT_FIELDS = ['text', 'content', 'body'] as const;

/** The format a (logical, gzip-stripped) file name implies; `json` still has to be an array of objects. */
export function recordFormat(name: string): RecordFormat | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.json')) return 'json';
  return undefined;
}

interface FileRef {
  rel: string;
  abs: string;
}

const errorAt = (file: FileRef, line: number, problem: string): RawItem => ({
  kind: 'error',
  error: { id: `${file.rel}:${line}`, path: file.rel, message: `${file.rel}:${line}: ${problem}` },
});

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** One parsed record → a document, an empty-text skip, or an error. */
export function recordItem(record: Record<string, unknown>, file: FileRef, line: number, opts: InputOptions): RawItem {
  const textField = opts.textField ?? DEFAULT_TEXT_FIELDS.find((k) => hasOwn(record, k));
  if (textField === undefined || !hasOwn(record, textField)) {
    const wanted = opts.textField !== undefined ? `"${opts.textField}"` : 'one of "text", "content", "body"';
    return errorAt(file, line, `record has no text field (expected ${wanted}; set --text-field)`);
  }
  const value = record[textField];
  if (value !== null && typeof value === 'object') return errorAt(file, line, `field "${textField}" is not text`);
  const text = value === null || value === undefined ? '' : String(value);

  const idValue = record[opts.idField ?? 'id'];
  const hasId = (typeof idValue === 'string' && idValue !== '') || (typeof idValue === 'number' && Number.isFinite(idValue));
  const id = hasId ? `${file.rel}#${String(idValue)}` : `${file.rel}:${line}`;
  if (isBlank(text)) return { kind: 'skipped', skipped: { path: id, reason: 'empty' } };
  return { kind: 'document', document: { id, path: file.rel, source: file.abs, text, fields: record } };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const kindOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : `a ${typeof v}`);

/** Skip a record file that produced nothing at all, so it is still counted. */
async function* countEmpty(file: FileRef, items: AsyncGenerator<RawItem>): AsyncGenerator<RawItem> {
  let any = false;
  for await (const item of items) {
    any = true;
    yield item;
  }
  if (!any) yield { kind: 'skipped', skipped: { path: file.rel, reason: 'empty' } };
}

export function jsonlItems(file: FileRef, opts: InputOptions): AsyncGenerator<RawItem> {
  return countEmpty(file, jsonlRaw(file, opts));
}

/**
 * The lines of a byte stream (LF or CRLF), decoded as UTF-8. A line longer than `maxBytes` is
 * not held: its bytes are dropped up to the next line end and it comes out as null. (node's
 * readline grows one string per line and throws from inside the stream past ~512 Mi
 * characters, which no caller can catch.)
 */
export async function* boundedLines(stream: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<string | null> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  const take = (piece: Buffer) => {
    if (tooLong) return;
    if (size + piece.length > maxBytes) {
      tooLong = true;
      parts = [];
      return;
    }
    parts.push(piece);
    size += piece.length;
  };
  const line = (): string | null => {
    const text = tooLong ? null : Buffer.concat(parts, size).toString('utf8');
    parts = [];
    size = 0;
    tooLong = false;
    return text === null ? null : text.endsWith('\r') ? text.slice(0, -1) : text;
  };
  for await (const chunk of stream) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      take(chunk.subarray(start, nl));
      yield line();
      start = nl + 1;
    }
    if (start < chunk.length) take(chunk.subarray(start));
  }
  if (size > 0 || tooLong) yield line();
}

async function* jsonlRaw(file: FileRef, opts: InputOptions): AsyncGenerator<RawItem> {
  const opened = await openStream(file.abs);
  if (!opened.ok) {
    yield { kind: 'skipped', skipped: { path: file.rel, reason: opened.reason } };
    return;
  }
  let n = 0;
  try {
    for await (let text of boundedLines(opened.stream, MAX_DOCUMENT_BYTES)) {
      n++;
      if (text === null) {
        yield errorAt(file, n, `line too large: over ${MAX_DOCUMENT_TEXT} (the limit per document)`);
        continue;
      }
      if (n === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (isBlank(text)) continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        yield errorAt(file, n, `malformed JSON (${(err as Error).message})`);
        continue;
      }
      if (!isPlainObject(value)) yield errorAt(file, n, `malformed JSON (expected an object, got ${kindOf(value)})`);
      else yield recordItem(value, file, n, opts);
    }
  } catch (err) {
    yield errorAt(file, n + 1, `read failed (${readReason(err)})`);
  } finally {
    opened.stream.destroy();
  }
}

export function csvItems(file: FileRef, opts: InputOptions): AsyncGenerator<RawItem> {
  return countEmpty(file, csvRaw(file, opts));
}

async function* csvRaw(file: FileRef, opts: InputOptions): AsyncGenerator<RawItem> {
  const opened = await openStream(file.abs);
  if (!opened.ok) {
    yield { kind: 'skipped', skipped: { path: file.rel, reason: opened.reason } };
    return;
  }
  let header: string[] | undefined;
  let lastLine = 1;
  try {
    for await (const row of parseCsv(opened.stream)) {
      lastLine = row.line;
      if ('error' in row) {
        yield errorAt(file, row.line, `malformed CSV (${row.error})`);
      } else if (header === undefined) {
        header = row.fields;
      } else if (row.fields.length > header.length) {
        yield errorAt(file, row.line, `malformed CSV (row has ${row.fields.length} fields, header has ${header.length})`);
      } else {
        const record: Record<string, string> = {};
        header.forEach((name, i) => (record[name] = row.fields[i] ?? ''));
        yield recordItem(record, file, row.line, opts);
      }
    }
  } catch (err) {
    yield errorAt(file, lastLine, `read failed (${readReason(err)})`);
  } finally {
    opened.stream.destroy();
  }
}

/**
 * A `.json` file's items. An array holding objects is a record file: one document per object;
 * any other element is an error naming `file:line`, and the rest still run (as a JSONL line
 * that is not an object). Text that opens an array but does not parse is an error naming the
 * file: records were meant, and sending the broken text as one document would be paid for.
 * Anything else (an object, a scalar, an array of no objects, JSON with comments) is one text
 * document, with a note saying why it was not read as records.
 */
export function jsonFileItems(text: string, file: FileRef, opts: InputOptions): RawItem[] {
  const asText = (note: string): RawItem[] => [{ kind: 'document', document: { id: file.rel, path: file.rel, source: file.abs, text, note } }];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    if (!/^\s*\[/.test(text)) return asText('not valid JSON');
    const { line, reason } = jsonProblem(text, err);
    if (line === undefined) return [{ kind: 'error', error: { id: file.rel, path: file.rel, message: `${file.rel}: malformed JSON (${reason})` } }];
    return [errorAt(file, line, `malformed JSON (${reason})`)];
  }
  if (!Array.isArray(value)) return asText(`${value === null ? 'JSON null' : `a JSON ${typeof value}`}, not an array of objects`);
  if (value.length === 0) return [{ kind: 'skipped', skipped: { path: file.rel, reason: 'empty' } }];
  if (!value.some(isPlainObject)) return asText('an array with no objects in it');
  const lines = elementLines(text);
  return value.map((record, i) => {
    const line = lines[i] ?? 1;
    return isPlainObject(record) ? recordItem(record, file, line, opts) : errorAt(file, line, `not a record (expected an object, got ${kindOf(record)})`);
  });
}

/**
 * V8's reason without the text it quotes (which may span lines), and the line it points at:
 * "… in JSON at position N", or the end for "Unexpected end of JSON input".
 */
function jsonProblem(text: string, err: unknown): { line?: number; reason: string } {
  const message = String((err as Error)?.message ?? err);
  const at = / in JSON at position (\d+)/.exec(message);
  const pos = at ? Number(at[1]) : /^Unexpected end of JSON input/.test(message) ? text.trimEnd().length : undefined;
  const reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/^(Unexpected token '[^']*'), ".*$/s, '$1');
  if (pos === undefined) return { reason };
  let line = 1;
  for (let i = 0; i < pos && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return { line, reason };
}

/** 1-based line on which each top-level element of a valid JSON array starts. */
function elementLines(text: string): number[] {
  const starts: number[] = [];
  let depth = 0;
  let line = 1;
  let inString = false;
  let expecting = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') line++;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (depth === 1 && expecting && !/\s/.test(c) && c !== ']') {
      starts.push(line);
      expecting = false;
    }
    if (c === '"') inString = true;
    else if (c === '[' || c === '{') expecting = ++depth === 1;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 1) expecting = true;
  }
  return starts;
}
