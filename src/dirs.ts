/**
 * `mkdir -p` that always ends. Node 20's `mkdir(…, { recursive: true })` spins forever, at full
 * CPU, when a folder's parent exists but the kernel answers ENOENT anyway (`/proc/x/out`, some
 * virtual and FUSE file systems). Here each level is tried once, from the first missing one
 * down, so such a path fails with ENOENT and a file in the way with EEXIST. Synchronous: one or
 * two system calls when the folder exists, cheaper than a round trip through the thread pool.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

const code = (e: unknown) => (e as NodeJS.ErrnoException)?.code;

export function makeDirs(dir: string, mode?: number): void {
  try {
    mkdirSync(dir, { mode });
    return;
  } catch (e) {
    if (code(e) === 'EEXIST' && statSync(dir).isDirectory()) return;
    if (code(e) !== 'ENOENT' || dirname(dir) === dir) throw e;
  }
  makeDirs(dirname(dir), mode);
  try {
    mkdirSync(dir, { mode });
  } catch (e) {
    if (!(code(e) === 'EEXIST' && statSync(dir).isDirectory())) throw e;
  }
}

const statOrNull = (p: string) => {
  try {
    return statSync(p);
  } catch {
    return null;
  }
};

/**
 * What stands where a file is to be opened or created: the folder at `path`, or a file in place
 * of one of its folders (the nearest existing one). Null when `path` is a file, or nothing yet
 * under a folder (missing folders can be made).
 */
export function fileObstacle(path: string): { folder: string } | { file: string } | null {
  const st = statOrNull(path);
  if (st) return st.isDirectory() ? { folder: path } : null;
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const s = statOrNull(dir);
    if (s) return s.isDirectory() ? null : { file: dir };
    if (dirname(dir) === dir) return null;
  }
}
