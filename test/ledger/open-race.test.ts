/**
 * Several llmbatch processes may open one cache and one ledger at the same moment (SPEC §8).
 * Before the fix, two processes creating a new ledger could both run the first migration
 * ("table runs already exists", reported as a corrupt ledger): 6 failures in 240 opens.
 * It runs the built dist/ (npm test builds first).
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../support/cli.js';

function opener(dir: string): string {
  const file = join(dir, 'open.mjs');
  writeFileSync(file, `
    import { CompletionCache } from ${JSON.stringify(join(ROOT, 'dist/cache/index.js'))};
    import { Ledger } from ${JSON.stringify(join(ROOT, 'dist/ledger/index.js'))};
    const dir = process.argv[2];
    // Every process has loaded its modules by now; they all open at the same agreed moment
    // (node's start-up time would otherwise spread the opens out so they rarely collide).
    await new Promise((r) => setTimeout(r, Number(process.argv[3]) - Date.now()));
    const c = await CompletionCache.open(dir + '/cache.sqlite');
    const l = await Ledger.open(dir + '/ledger.sqlite');
    await l.startRun('r' + process.pid, 'test', new Date().toISOString());
    await c.close();
    await l.close();
  `);
  return file;
}

const run = (script: string, dir: string, startAt: number) =>
  new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [script, dir, String(startAt)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });

describe('opening one cache and ledger from many processes at once', () => {
  it('every process opens them; the migrations run once', async () => {
    const script = opener(tempDir());
    for (let round = 0; round < 4; round++) {
      const dir = tempDir();
      const startAt = Date.now() + 1500;
      const results = await Promise.all(Array.from({ length: 12 }, () => run(script, dir, startAt)));
      expect(results.filter((r) => r.code !== 0).map((r) => r.stderr)).toEqual([]);
    }
  });
});
