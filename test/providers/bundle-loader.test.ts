/**
 * The built provider bundle and its V8 code cache (src/providers/bundle-loader.ts): the cache
 * the build writes is accepted under the flags bin/llmbatch.js sets, and a missing or corrupt
 * cache only costs time — the bundle still loads. Each check runs in a fresh Node process (V8
 * keeps compiled scripts per process, which would hide what the cache does). Uses dist/.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, tempDir } from '../support/cli.js';
import { V8_FLAGS } from '../../bin/v8-flags.js';

const BUNDLE = join(ROOT, 'dist/providers/langchain.bundle.cjs');
const CACHE = join(ROOT, 'dist/providers/langchain.bundle.v8cache');
const LOADER = pathToFileURL(join(ROOT, 'dist/providers/bundle-loader.js')).href;

/** In a fresh process: is the cache accepted, and does the bundle load and build a model? */
function probe(bundle: string, flags = V8_FLAGS): { accepted: boolean; model: string } {
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', `
    import { setFlagsFromString } from 'node:v8';
    ${flags ? `setFlagsFromString(${JSON.stringify(flags)});` : ''}
    const { cacheAccepted, loadBundle } = await import(${JSON.stringify(LOADER)});
    const url = new URL(${JSON.stringify(pathToFileURL(bundle).href)});
    const accepted = cacheAccepted(url);
    const { ChatOpenAICompletions } = loadBundle(url);
    const model = new ChatOpenAICompletions({ model: 'gpt-4o-mini', apiKey: 'x', maxRetries: 0 }).invocationParams({}).model;
    console.log(JSON.stringify({ accepted, model }));
  `], { encoding: 'utf8' });
  expect(res.stderr).toBe('');
  return JSON.parse(res.stdout);
}

describe('the bundled provider', () => {
  it('the build writes a code cache that V8 accepts under the CLI\'s flags (and rejects under others)', () => {
    expect(existsSync(CACHE)).toBe(true);
    expect(probe(BUNDLE)).toEqual({ accepted: true, model: 'gpt-4o-mini' });
    expect(probe(BUNDLE, '')).toEqual({ accepted: false, model: 'gpt-4o-mini' }); // so the check above can fail
  });

  it('loads without a cache, and with a corrupt one', () => {
    const dir = tempDir();
    const copy = join(dir, 'langchain.bundle.cjs');
    copyFileSync(BUNDLE, copy);
    expect(probe(copy)).toEqual({ accepted: false, model: 'gpt-4o-mini' });
    writeFileSync(join(dir, 'langchain.bundle.v8cache'), Buffer.from('not a code cache at all'));
    expect(probe(copy)).toEqual({ accepted: false, model: 'gpt-4o-mini' });
  });
});
