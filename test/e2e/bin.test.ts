/**
 * What bin/v8-flags.js claims about its flags, set at run time the way bin/llmbatch.js sets
 * them: they size the young generation of worker threads started afterwards (the token
 * counters), not the main thread's, which node sized at start-up.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { V8_FLAGS } from '../../bin/v8-flags.js';
import { runCli, tempDir, testEnv } from '../support/cli.js';

/** Young-generation sizes (MB) of the main thread and of a worker, after allocating enough to grow them. */
function newSpaceMb(runtimeFlags: string): { main: number; worker: number } {
  const grow = `let keep = []; for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 200000) keep = []; }
    const size = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20;`;
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', `
    import v8 from 'node:v8';
    import { Worker } from 'node:worker_threads';
    ${runtimeFlags ? `v8.setFlagsFromString(${JSON.stringify(runtimeFlags)});` : ''}
    ${grow}
    const code = "import v8 from 'node:v8'; import { parentPort } from 'node:worker_threads'; " + ${JSON.stringify(grow)} + " parentPort.postMessage(size);";
    const w = new Worker(new URL('data:text/javascript,' + encodeURIComponent(code)));
    const worker = await new Promise((resolve) => w.once('message', resolve));
    await w.terminate();
    console.log(JSON.stringify({ main: size, worker }));
  `], { encoding: 'utf8' });
  expect(res.stderr).toBe('');
  return JSON.parse(res.stdout);
}

describe('bin/v8-flags.js', () => {
  it('set at run time, the flags enlarge workers\' young generation, not the main thread\'s', () => {
    const without = newSpaceMb('');
    const withFlags = newSpaceMb(V8_FLAGS);
    expect(withFlags.worker).toBeGreaterThanOrEqual(128); // two 64 MB semi-spaces
    expect(without.worker).toBeLessThan(withFlags.worker);
    expect(withFlags.main).toBe(without.main);
  }, 30_000);

  it('bin/llmbatch.js sets them: a worker started in the CLI\'s process gets the larger young generation', async () => {
    // Preloaded into the CLI's process: once the command is done, start a worker, let it
    // allocate, and print the size its young generation grew to.
    const probe = join(tempDir(), 'probe.cjs');
    writeFileSync(probe, `const { Worker } = require('node:worker_threads');
let done = false;
process.on('beforeExit', () => {
  if (done) return;
  done = true;
  const code = "const v8 = require('node:v8'); const { parentPort } = require('node:worker_threads');"
    + " let keep = []; for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 200000) keep = []; }"
    + " parentPort.postMessage(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20);";
  const w = new Worker(code, { eval: true });
  w.once('message', (mb) => { require('node:fs').writeSync(2, 'probe-new-space ' + mb + '\\n'); w.terminate(); });
});
`);
    const res = await runCli(['--version'], { env: testEnv(undefined, { NODE_OPTIONS: `--require ${probe}` }) });
    expect(res.code).toBe(0);
    expect(Number(/probe-new-space (\d+)/.exec(res.stderr)?.[1])).toBeGreaterThanOrEqual(128);
  }, 30_000);
});
