/** A document as every later stage sees it. */
export interface Document {
  /** Stable across runs: path relative to the input root (POSIX), plus `#<id>` or `:<line>` for records. */
  id: string;
  /** The source file, relative to its input root (POSIX separators); `-` for stdin. */
  path: string;
  /** Absolute path of the source file (absent for stdin). */
  source?: string;
  text: string;
  /** Record fields (JSONL/CSV/JSON records), for `{{field.NAME}}`. */
  fields?: Record<string, unknown>;
  /** Position in the input stream (0-based), for writing outputs in input order. */
  index: number;
  /**
   * Why a record file was read as one text document instead (a `.json` file that is not an
   * array of objects: "a JSON object, not an array of objects"); reports say so (readNotes).
   */
  note?: string;
}

/** A file or record the walk passed over, with the reason (never silently dropped). */
export interface Skipped {
  path: string;
  reason: string;
}

/** A record that could not be read (malformed line): becomes an error record, the rest still runs. */
export interface InputError {
  id: string;
  path: string;
  message: string;
  index: number;
}

export type InputItem =
  | { kind: 'document'; document: Document }
  | { kind: 'skipped'; skipped: Skipped }
  | { kind: 'error'; error: InputError };

export interface InputOptions {
  include?: readonly string[];
  exclude?: readonly string[];
  /** Field holding the text in record files; default: first of text, content, body. */
  textField?: string;
  /** Field holding the id in record files; default: id. */
  idField?: string;
  /** Where `-` reads from (the CLI passes process.stdin). */
  stdin?: AsyncIterable<Buffer | string>;
  /** Working folder that relative inputs and globs resolve against. */
  cwd?: string;
  /**
   * Absolute paths the tool writes (its output file or folder, report, cache, ledger): never
   * read as documents, nor their temp and SQLite side files (`<path>.tmp-…`, `<path>-wal`).
   */
  ignore?: readonly string[];
}
