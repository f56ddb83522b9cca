/**
 * A small streaming CSV parser (RFC 4180): quoted fields, doubled quotes, commas and line
 * breaks inside quotes, CRLF or LF line ends. Lenient where real files are sloppy (a stray
 * quote inside an unquoted field is kept as text); blank lines are ignored.
 * Each row carries the 1-based line on which it starts, for `file:line` ids and errors.
 *
 * Text is appended a run at a time (up to the next quote, comma or line end), not a character
 * at a time: single-character appends build one V8 string node per character, which took a
 * 600 MB field to gigabytes and out of memory. A row longer than `maxRowChars` is not held: it
 * becomes an error row and the rows after it are read as usual.
 */
import { MAX_DOCUMENT_BYTES } from './read.js';

export type CsvRow = { fields: string[]; line: number } | { error: string; line: number };

const State = {
  FieldStart: 0,
  Unquoted: 1,
  Quoted: 2,
  /** Just read a `"` inside a quoted field: either an escaped quote or the closing one. */
  AfterQuote: 3,
} as const;
type State = (typeof State)[keyof typeof State];

/** Where an unquoted run ends. */
const UNQUOTED_END = /[,\r\n]/g;

export async function* parseCsv(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  opts: { maxRowChars?: number } = {},
): AsyncGenerator<CsvRow> {
  const maxRowChars = opts.maxRowChars ?? MAX_DOCUMENT_BYTES;
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let state: State = State.FieldStart;
  let field = '';
  let row: string[] = [];
  let rowChars = 0;
  let tooLarge = false;
  let line = 1;
  let rowLine = 1;
  let afterCR = false;
  let ready: CsvRow[] = [];

  const endRow = (): void => {
    row.push(field);
    if (tooLarge) ready.push({ error: `row too large: over ${Math.round(maxRowChars / 1024 / 1024)} MiB (the limit per document)`, line: rowLine });
    else if (row.length > 1 || row[0] !== '') ready.push({ fields: row, line: rowLine });
    row = [];
    field = '';
    rowChars = 0;
    tooLarge = false;
    state = State.FieldStart;
  };

  /** text[start, end) into the current field (dropped once the row is too large). */
  const append = (text: string, start: number, end: number): void => {
    if (end <= start) return;
    rowChars += end - start;
    if (rowChars > maxRowChars) tooLarge = true;
    if (tooLarge) {
      row = [];
      field = '';
    } else {
      field += text.slice(start, end);
    }
  };

  const feed = (text: string): void => {
    let i = 0;
    while (i < text.length) {
      if (afterCR) {
        afterCR = false;
        if (text[i] === '\n') {
          i++; // the LF of a CRLF that already ended the row
          continue;
        }
      }
      if (state === State.Quoted) {
        const quote = text.indexOf('"', i);
        const end = quote === -1 ? text.length : quote;
        for (let nl = text.indexOf('\n', i); nl !== -1 && nl < end; nl = text.indexOf('\n', nl + 1)) line++;
        append(text, i, end);
        if (quote === -1) return;
        state = State.AfterQuote;
        i = quote + 1;
        continue;
      }
      const c = text[i];
      if (state === State.AfterQuote && c === '"') {
        append(text, i, i + 1);
        state = State.Quoted;
        i++;
      } else if (c === ',') {
        row.push(field);
        field = '';
        state = State.FieldStart;
        i++;
      } else if (c === '\n' || c === '\r') {
        endRow();
        line++;
        rowLine = line;
        afterCR = c === '\r';
        i++;
      } else if (c === '"' && state === State.FieldStart) {
        state = State.Quoted;
        i++;
      } else {
        // Unquoted text (a stray quote in it is kept) up to the next comma or line end.
        UNQUOTED_END.lastIndex = i;
        const end = UNQUOTED_END.exec(text)?.index ?? text.length;
        append(text, i, end);
        state = State.Unquoted;
        i = end;
      }
    }
  };

  let first = true;
  for await (const chunk of chunks) {
    // The decoder drops a BOM from bytes; strings (from tests or callers) get the same treatment.
    const text = typeof chunk !== 'string' ? decoder.decode(chunk, { stream: true }) : first ? chunk.replace(/^\uFEFF/, '') : chunk;
    if (text.length > 0) first = false;
    feed(text);
    yield* ready;
    ready = [];
  }
  feed(decoder.decode());
  // `feed` reassigns `state`; the cast stops TypeScript narrowing it to its initial value.
  if ((state as State) === State.Quoted) {
    ready.push({ error: 'unterminated quoted field', line: rowLine });
  } else if ((state as State) !== State.FieldStart || row.length > 0) {
    endRow();
  }
  yield* ready;
}
