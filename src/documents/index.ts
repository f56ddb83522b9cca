/**
 * The input stage (SPEC §2): paths, folders, globs and `-` → a stream of documents, skipped
 * files and bad records, numbered in input order.
 *
 * Explicit inputs are checked before anything is yielded, so a typo in the last path fails
 * the run at once instead of after the first thousand documents have been paid for.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { LlmbatchError } from '../errors.js';
import { globFilter, isGlob, makeFilter, parseGlob, type GlobInput, type PathFilter } from './glob.js';
import { decodeText, logicalName, MAX_DOCUMENT_BYTES, readText, tooLarge } from './read.js';
import { csvItems, jsonFileItems, jsonlItems, recordFormat, type RawItem } from './records.js';
import type { InputItem, InputOptions } from './types.js';
import { errorReason, walk } from './walk.js';

export type { Document, InputError, InputItem, InputOptions, Skipped } from './types.js';
export { readNotes } from './notes.js';

type Plan =
  | { kind: 'stdin'; stdin: AsyncIterable<Buffer | string> }
  | { kind: 'file'; abs: string; rel: string }
  | { kind: 'folder'; abs: string }
  | { kind: 'glob'; abs: string; glob: GlobInput }
  | { kind: 'skipped'; rel: string; reason: string };

export async function* readInputs(inputs: string[], opts: InputOptions = {}): AsyncGenerator<InputItem> {
  const cwd = opts.cwd ?? process.cwd();
  const filter = makeFilter(opts.include, opts.exclude);
  const plans: Plan[] = [];
  for (const input of inputs) plans.push(await planInput(input, cwd, opts));
  if (plans.filter((p) => p.kind === 'stdin').length > 1) {
    throw new LlmbatchError('input', 'Input "-" (stdin) was given more than once', 'Stdin holds one document: pass - once');
  }

  let index = 0;
  const unique = uniqueIds();
  // Inputs that overlap (a folder and a glob inside it, a file given twice) would read a file
  // twice: estimated, written and reported twice. Only then are the paths read remembered.
  const seen = plans.length > 1 ? new Set<string>() : null;
  for (const plan of plans) {
    for await (const item of planItems(plan, filter, opts, seen)) {
      if (item.kind === 'document') yield { kind: 'document', document: { ...item.document, id: unique(item.document.id), index: index++ } };
      else if (item.kind === 'error') yield { kind: 'error', error: { ...item.error, id: unique(item.error.id), index: index++ } };
      else yield item;
    }
  }
}

/**
 * Ids are unique within a run. Two inputs can hold the same relative path (`summarize a/ b/`,
 * both with x.md) and a record file can repeat an id; outputs named after ids would overwrite
 * each other. The first keeps its id; a later one gets `~2`, `~3`, … (the same on every run of
 * the same command: inputs and walks are ordered).
 */
function uniqueIds(): (id: string) => string {
  const seen = new Set<string>();
  return (id) => {
    let unique = id;
    for (let n = 2; seen.has(unique); n++) unique = `${id}~${n}`;
    seen.add(unique);
    return unique;
  };
}

async function planInput(input: string, cwd: string, opts: InputOptions): Promise<Plan> {
  if (input === '-') {
    if (opts.stdin === undefined) {
      throw new LlmbatchError('input', 'Input "-" reads from stdin, but no stdin was given', 'Pipe a document in, or pass a file path instead of -');
    }
    return { kind: 'stdin', stdin: opts.stdin };
  }
  const abs = path.resolve(cwd, input);
  try {
    const st = await stat(abs);
    if (st.isDirectory()) return { kind: 'folder', abs };
    const rel = path.basename(abs);
    return st.isFile() ? { kind: 'file', abs, rel } : { kind: 'skipped', rel, reason: 'not a regular file' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') return { kind: 'skipped', rel: path.basename(abs), reason: errorReason(err) };
  }
  if (!isGlob(input)) {
    throw new LlmbatchError('input', `No such file or folder: ${input}`, 'Check the path, or quote a glob so the tool expands it, e.g. "docs/**/*.md"');
  }
  const glob = parseGlob(input);
  const base = path.resolve(cwd, glob.base);
  if (!(await globMatchesAny(base, glob))) {
    throw new LlmbatchError('input', `No files match ${input}`, `Check the pattern and its folder (${glob.base}); hidden files and node_modules are never matched`);
  }
  return { kind: 'glob', abs: base, glob };
}

async function globMatchesAny(base: string, glob: GlobInput): Promise<boolean> {
  try {
    for await (const entry of walk(base, { filter: globFilter(glob) })) {
      if (entry.kind === 'file') return true;
    }
  } catch {
    // The base folder does not exist or cannot be read: nothing matches.
  }
  return false;
}

const READ_ALREADY = 'given twice (read once, from an earlier input)';

async function* planItems(plan: Plan, filter: PathFilter, opts: InputOptions, seen: Set<string> | null): AsyncGenerator<RawItem> {
  const once = (abs: string) => {
    if (!seen) return true;
    if (seen.has(abs)) return false;
    seen.add(abs);
    return true;
  };
  switch (plan.kind) {
    case 'stdin':
      yield await stdinItem(plan.stdin);
      return;
    case 'skipped':
      yield { kind: 'skipped', skipped: { path: plan.rel, reason: plan.reason } };
      return;
    case 'file':
      if (once(plan.abs)) yield* fileItems(plan.abs, plan.rel, opts);
      else yield { kind: 'skipped', skipped: { path: plan.rel, reason: READ_ALREADY } };
      return;
    case 'folder':
    case 'glob': {
      const walkFilter = plan.kind === 'glob' ? globFilter(plan.glob, filter) : filter;
      for await (const entry of walk(plan.abs, { filter: walkFilter, ignore: opts.ignore })) {
        if (entry.kind === 'skipped') yield { kind: 'skipped', skipped: { path: entry.rel, reason: entry.reason } };
        else if (once(entry.abs)) yield* fileItems(entry.abs, entry.rel, opts);
        else yield { kind: 'skipped', skipped: { path: entry.rel, reason: READ_ALREADY } };
      }
    }
  }
}

/** One file → its documents: a record file gives many, any other file one (or a skip). */
async function* fileItems(abs: string, rel: string, opts: InputOptions): AsyncGenerator<RawItem> {
  const format = recordFormat(logicalName(rel));
  const file = { abs, rel };
  if (format === 'jsonl') return yield* jsonlItems(file, opts);
  if (format === 'csv') return yield* csvItems(file, opts);

  const read = await readText(abs);
  if (!read.ok) {
    yield { kind: 'skipped', skipped: { path: rel, reason: read.reason } };
    return;
  }
  if (format === 'json') yield* jsonFileItems(read.text, file, opts);
  else yield { kind: 'document', document: { id: rel, path: rel, source: abs, text: read.text } };
}

/** Stdin read once (bufferStdin); `overLimit`: it held more than one document may, and was not kept. */
export interface BufferedStdin extends AsyncIterable<Buffer> {
  readonly overLimit: boolean;
}

/**
 * Stdin, read once so that `-` can be read twice (the plan, then the run), and no further than
 * just past the document limit: a pipe has no size to check first, and gigabytes piped in would
 * otherwise be held before the check. Leaving the loop early closes the stream (the writer gets
 * EPIPE).
 */
export async function bufferStdin(stdin: AsyncIterable<Buffer | string>): Promise<BufferedStdin> {
  let chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    size += bytes.length;
    if (size > MAX_DOCUMENT_BYTES) {
      chunks = [];
      break;
    }
    chunks.push(bytes);
  }
  return { overLimit: size > MAX_DOCUMENT_BYTES, async *[Symbol.asyncIterator]() { yield* chunks; } };
}

/** Stdin → one document; read no further than the limit (a raw stream, or one bufferStdin gave up on). */
async function stdinItem(stdin: AsyncIterable<Buffer | string>): Promise<RawItem> {
  const over = (): RawItem => ({ kind: 'skipped', skipped: { path: '-', reason: tooLarge(null, '') } });
  if ((stdin as Partial<BufferedStdin>).overLimit) return over();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    size += bytes.length;
    if (size > MAX_DOCUMENT_BYTES) return over();
    chunks.push(bytes);
  }
  const read = decodeText(Buffer.concat(chunks, size));
  if (!read.ok) return { kind: 'skipped', skipped: { path: '-', reason: read.reason } };
  return { kind: 'document', document: { id: '-', path: '-', text: read.text } };
}
