/**
 * The `llmbatch` executable: node's heap flags only take effect on node's command line, so
 * bin/llmbatch.js carries them in its `#!/usr/bin/env -S node …` line. These checks keep that
 * line equal to bin/v8-flags.js, run the file the way the installed command does (through the
 * line), and show the flag does what v8-flags.js says — while setting it at run time does not.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../support/cli.js';
import { V8_FLAGS } from '../../bin/v8-flags.js';

const BIN = join(ROOT, 'bin/llmbatch.js');

/** The young generation's size (MB) after allocating enough to grow it, in a fresh node. */
function newSpaceMb(nodeArgs: string[], runtimeFlags = ''): number {
  const res = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', `
    import v8 from 'node:v8';
    ${runtimeFlags ? `v8.setFlagsFromString(${JSON.stringify(runtimeFlags)});` : ''}
    let keep = [];
    for (let i = 0; i < 3e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 200000) keep = []; }
    const ns = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(ns.space_size / 2 ** 20);
  `], { encoding: 'utf8' });
  expect(res.stderr).toBe('');
  return Number(res.stdout);
}

describe('bin/llmbatch.js', () => {
  it('passes bin/v8-flags.js to node in its #! line', () => {
    expect(readFileSync(BIN, 'utf8').split('\n')[0]).toBe(`#!/usr/bin/env -S node ${V8_FLAGS}`);
  });

  it('runs as an executable, through that line', () => {
    const res = spawnSync(BIN, ['--version'], { encoding: 'utf8' });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('the flags enlarge the young generation on node\'s command line, not when set at run time', () => {
    const flags = V8_FLAGS.split(' ');
    const onCommandLine = newSpaceMb(flags);
    const atRunTime = newSpaceMb([], V8_FLAGS);
    const none = newSpaceMb([]);
    expect(onCommandLine).toBeGreaterThanOrEqual(128); // two 64 MB semi-spaces
    expect(atRunTime).toBe(none);
    expect(none).toBeLessThan(onCommandLine);
  }, 30_000);
});
