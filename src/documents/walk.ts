/**
 * Depth-first folder walk as an async generator, in a stable order so ids and outputs come
 * out the same on every run and OS: names are compared by code point, which is UTF-8 byte
 * order (JavaScript's `<` compares UTF-16 units, which puts emoji before U+E000–U+FFFF).
 *
 * Memory stays flat: only one listing per folder level is held at a time. Symlinked folders
 * are followed; a loop is caught by keeping the real paths of the folders on the current
 * descent path (not of every folder ever seen, which would grow with the tree and would also
 * wrongly flag two links to the same, loop-free folder).
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { existsSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import type { PathFilter } from './glob.js';

export type WalkEntry =
  | { kind: 'file'; abs: string; rel: string }
  | { kind: 'skipped'; rel: string; reason: string };

export interface WalkOptions {
  filter?: PathFilter;
  /** Absolute paths not walked (the tool's own files; see InputOptions.ignore). */
  ignore?: readonly string[];
}

const SQLITE_SIDE_FILES = ['-wal', '-shm', '-journal'];

/** Is `abs` one of `paths`, inside one of them, or a temp file (`.tmp-…`) or SQLite side file of one? */
export function isOwnFile(abs: string, paths: readonly string[]): boolean {
  for (const p of paths) {
    if (abs === p || abs.startsWith(p + path.sep) || abs.startsWith(p + '.tmp-')) return true;
    if (SQLITE_SIDE_FILES.some((s) => abs === p + s)) return true;
  }
  return false;
}

/** Hidden entries and node_modules are never walked (not reported: they are not documents). */
export const isIgnoredName = (name: string): boolean => name.startsWith('.') || name === 'node_modules';

export function errorReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return `unreadable: ${code ?? (err instanceof Error ? err.message : String(err))}`;
}

const joinRel = (rel: string, name: string): string => (rel === '' ? name : `${rel}/${name}`);

export async function* walk(root: string, opts: WalkOptions = {}): AsyncGenerator<WalkEntry> {
  const rootReal = await realpath(root);
  yield* walkDir(root, '', rootReal, new Set([rootReal]), 0, opts);
}

async function* walkDir(
  abs: string,
  rel: string,
  real: string,
  ancestors: Set<string>,
  depth: number,
  opts: WalkOptions,
): AsyncGenerator<WalkEntry> {
  let entries: Dirent[];
  try {
    entries = await readdir(abs, { withFileTypes: true });
  } catch (err) {
    yield { kind: 'skipped', rel: rel === '' ? '.' : rel, reason: errorReason(err) };
    return;
  }
  // Sort keys are computed once per entry: a folder may hold 100k files.
  entries = entries
    .filter((e) => !isIgnoredName(e.name))
    .map((e) => ({ e, key: Buffer.from(e.name, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.key, b.key))
    .map(({ e }) => e);

  for (const entry of entries) {
    const childAbs = path.join(abs, entry.name);
    if (opts.ignore?.length && isOwnFile(childAbs, opts.ignore)) continue;
    const childRel = joinRel(rel, entry.name);
    // Node decodes names as UTF-8: a name in another encoding (Latin-1 bytes) comes back with
    // U+FFFD and no longer names the file. Say so, instead of a puzzling ENOENT.
    if (entry.name.includes('\uFFFD') && !existsSync(childAbs)) {
      // Listed when the walk would have used it: a file the filter accepts, a folder it enters.
      const wanted = !opts.filter || (entry.isDirectory() ? !opts.filter.pruneDir(childRel, depth + 1) : opts.filter.acceptFile(childRel));
      if (wanted) yield { kind: 'skipped', rel: childRel, reason: 'unreadable: the name is not valid UTF-8 (rename it)' };
      continue;
    }
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink() || (!isDir && !isFile)) {
      let st: Stats;
      try {
        st = await stat(childAbs);
      } catch (err) {
        if (!opts.filter || opts.filter.acceptFile(childRel)) {
          yield { kind: 'skipped', rel: childRel, reason: errorReason(err) };
        }
        continue;
      }
      isDir = st.isDirectory();
      isFile = st.isFile();
    }

    if (isDir) {
      if (opts.filter?.pruneDir(childRel, depth + 1)) continue;
      let childReal: string;
      try {
        childReal = entry.isSymbolicLink() ? await realpath(childAbs) : path.join(real, entry.name);
      } catch (err) {
        yield { kind: 'skipped', rel: childRel, reason: errorReason(err) };
        continue;
      }
      if (ancestors.has(childReal)) {
        yield { kind: 'skipped', rel: childRel, reason: 'symlink loop' };
        continue;
      }
      ancestors.add(childReal);
      yield* walkDir(childAbs, childRel, childReal, ancestors, depth + 1, opts);
      ancestors.delete(childReal);
    } else if (opts.filter && !opts.filter.acceptFile(childRel)) {
      continue;
    } else if (isFile) {
      yield { kind: 'file', abs: childAbs, rel: childRel };
    } else {
      // A FIFO or socket would block a read forever; a device is not a document.
      yield { kind: 'skipped', rel: childRel, reason: 'not a regular file' };
    }
  }
}
