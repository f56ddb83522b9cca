/**
 * Loads the bundled provider (dist/providers/langchain.bundle.cjs, written by `npm run build`)
 * through V8's code cache. Compiling the 0.9 MB bundle took ~45 ms of every cold run — two
 * thirds of loading it; with the cache the build leaves next to it (`.v8cache`) it takes ~10 ms.
 * V8 checks the cache against the source and its own version and flags, and ignores one that
 * does not match (another Node, a changed bundle): the bundle is then compiled as usual.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

type Exports = Record<string, unknown>;

const cachePath = (file: string) => file.replace(/\.cjs$/, '') + '.v8cache';

function compile(file: string, cachedData?: Buffer): { script: Script; run: () => Exports } {
  // The CommonJS wrapper, as require() would add it; the same text at build and run time.
  const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  return {
    script,
    run() {
      const module = { exports: {} as Exports };
      (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
      return module.exports;
    },
  };
}

/** The bundle's exports, compiled from the code cache when one matches. */
export function loadBundle(url: URL): Exports {
  const file = fileURLToPath(url);
  let cached: Buffer | undefined;
  try {
    cached = readFileSync(cachePath(file));
  } catch {
    // No cache (not built yet, or removed): compile as usual.
  }
  return compile(file, cached).run();
}

/**
 * Does V8 accept the code cache next to the bundle (same source, Node and flags)? Meaningful
 * only in a process that has not compiled the bundle yet (V8 reuses its own compiled copy).
 */
export function cacheAccepted(url: URL): boolean {
  const file = fileURLToPath(url);
  try {
    return compile(file, readFileSync(cachePath(file))).script.cachedDataRejected === false;
  } catch {
    return false;
  }
}

/**
 * Build time: run the bundle, let `warm` exercise it (so the functions a run needs first are
 * compiled too: V8 compiles a function on its first call, and the cache holds what has been
 * compiled when it is made), and write the code cache.
 */
export async function writeCodeCache(url: URL, warm: (exports: Exports) => unknown): Promise<void> {
  const file = fileURLToPath(url);
  const { script, run } = compile(file);
  await warm(run());
  writeFileSync(cachePath(file), script.createCachedData());
}
