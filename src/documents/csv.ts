/**
 * A small streaming CSV parser (RFC 4180): quoted fields, doubled quotes, commas and line
 * breaks inside quotes, CRLF or LF line ends. Lenient where real files are sloppy (a stray
 * quote inside an unquoted field is kept as text); blank lines are ignored.
 * Each row carries the 1-based line on which it starts, for `file:line` ids and errors.
 */

export type CsvRow = { fields: string[]; line: number } | { error: string; line: number };

const State = {
  FieldStart: 0,
  Unquoted: 1,
  Quoted: 2,
  /** Just read a `"` inside a quoted field: either an escaped quote or the closing one. */
  AfterQuote: 3,
} as const;
type State = (typeof State)[keyof typeof State];

export async function* parseCsv(
  chunks: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
): AsyncGenerator<CsvRow> {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  let state: State = State.FieldStart;
  let field = '';
  let row: string[] = [];
  let line = 1;
  let rowLine = 1;
  let afterCR = false;
  let ready: CsvRow[] = [];

  const endRow = (): void => {
    row.push(field);
    if (row.length > 1 || row[0] !== '') ready.push({ fields: row, line: rowLine });
    row = [];
    field = '';
    state = State.FieldStart;
  };

  const feed = (text: string): void => {
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (afterCR) {
        afterCR = false;
        if (c === '\n') continue; // the LF of a CRLF that already ended the row
      }
      if (state === State.Quoted) {
        if (c === '"') state = State.AfterQuote;
        else {
          field += c;
          if (c === '\n') line++;
        }
        continue;
      }
      if (state === State.AfterQuote && c === '"') {
        field += '"';
        state = State.Quoted;
        continue;
      }
      if (c === ',') {
        row.push(field);
        field = '';
        state = State.FieldStart;
      } else if (c === '\n' || c === '\r') {
        endRow();
        line++;
        rowLine = line;
        afterCR = c === '\r';
      } else if (c === '"' && state === State.FieldStart) {
        state = State.Quoted;
      } else {
        field += c;
        state = State.Unquoted;
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
