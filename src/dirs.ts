/**
 * `mkdir -p` that always ends. Node 20's `mkdir(…, { recursive: true })` spins forever, at full
 * CPU, when a folder's parent exists but the kernel answers ENOENT anyway (`/proc/x/out`, some
 * virtual and FUSE file systems). Here each level is tried once, from the first missing one
 * down, so such a path fails with ENOENT and a file in the way with EEXIST.
 */
import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

const code = (e: unknown) => (e as NodeJS.ErrnoException)?.code;

export async function makeDirs(dir: string, mode?: number): Promise<void> {
  try {
    await mkdir(dir, { mode });
    return;
  } catch (e) {
    if (code(e) === 'EEXIST' && (await stat(dir)).isDirectory()) return;
    if (code(e) !== 'ENOENT' || dirname(dir) === dir) throw e;
  }
  await makeDirs(dirname(dir), mode);
  try {
    await mkdir(dir, { mode });
  } catch (e) {
    if (!(code(e) === 'EEXIST' && (await stat(dir)).isDirectory())) throw e;
  }
}

export function makeDirsSync(dir: string, mode?: number): void {
  try {
    mkdirSync(dir, { mode });
    return;
  } catch (e) {
    if (code(e) === 'EEXIST' && statSync(dir).isDirectory()) return;
    if (code(e) !== 'ENOENT' || dirname(dir) === dir) throw e;
  }
  makeDirsSync(dirname(dir), mode);
  try {
    mkdirSync(dir, { mode });
  } catch (e) {
    if (!(code(e) === 'EEXIST' && statSync(dir).isDirectory())) throw e;
  }
}
