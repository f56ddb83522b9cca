import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sqlite3 from 'sqlite3';
import { startFakeOpenAI } from '../support/fake-openai.js';
import { TEST_KEY, makeDocs, parseJsonl, runCli, tempDir, testEnv } from '../support/cli.js';

let fake: Awaited<ReturnType<typeof startFakeOpenAI>>;
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: TEST_KEY });
});
afterAll(async () => fake.close());

describe('cache command', () => {
  it('stats, prune and clear work on the file a run filled', async () => {
    const env = testEnv(fake.baseURL);
    const cache = join(tempDir(), 'c', 'cache.sqlite');
    const docs = makeDocs(12);
    expect((await runCli(['summarize', docs, '--cache', cache], { env })).code).toBe(0);

    const stats = await runCli(['cache', 'stats', '--cache', cache, '--json'], { env });
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toMatchObject({ path: cache, entries: 12 });

    const keep = await runCli(['cache', 'prune', '--older-than', '1d', '--cache', cache, '--json'], { env });
    expect(JSON.parse(keep.stdout)).toEqual({ deleted: 0 });
    await new Promise((r) => setTimeout(r, 1100));
    const prune = await runCli(['cache', 'prune', '--older-than', '1s', '--cache', cache, '--json'], { env });
    expect(JSON.parse(prune.stdout)).toEqual({ deleted: 12 });

    fake.reset();
    expect((await runCli(['summarize', docs, '--cache', cache], { env })).code).toBe(0);
    expect(fake.stats.requests).toBe(12);
    const clear = await runCli(['cache', 'clear', '--cache', cache, '--json'], { env });
    expect(JSON.parse(clear.stdout)).toEqual({ deleted: 12 });
    const after = await runCli(['cache', 'stats', '--cache', cache, '--json'], { env });
    expect(JSON.parse(after.stdout).entries).toBe(0);
  });

  it('a damaged entry (not JSON, or not an answer) is a miss: the run sends that request again, says so, and the new answer replaces it', async () => {
    const env = testEnv(fake.baseURL);
    const cache = join(tempDir(), 'c', 'cache.sqlite');
    const docs = makeDocs(12);
    expect((await runCli(['summarize', docs, '--cache', cache], { env })).code).toBe(0);
    const db = new sqlite3.Database(cache);
    const exec = (sql: string) => new Promise<void>((res, rej) => db.exec(sql, (e) => (e ? rej(e) : res())));
    await exec(`UPDATE completions SET value = '{not json' WHERE rowid = (SELECT min(rowid) FROM completions);
      UPDATE completions SET value = '{"value":{"content":42},"expires":null}' WHERE rowid = (SELECT max(rowid) FROM completions);`);
    await new Promise<void>((res) => db.close(() => res()));

    fake.reset();
    const out = join(tempDir(), 'out.jsonl');
    const res = await runCli(['summarize', docs, '--cache', cache, '-o', out], { env });
    expect(res.code, res.stderr).toBe(0);
    expect(fake.stats.requests).toBe(2);
    expect(res.stderr).toContain(`warning: 2 cache entries in ${cache} could not be read (damaged) and counted as missing`);
    expect(res.stderr).not.toContain('this is a bug');
    const lines = parseJsonl(readFileSync(out, 'utf8'));
    expect(lines.map((l) => l.error)).toEqual(Array(12).fill(null));
    expect(lines.filter((l) => !l.cached)).toHaveLength(2);

    fake.reset();
    const again = await runCli(['summarize', docs, '--cache', cache], { env });
    expect(again.code).toBe(0);
    expect(fake.stats.requests).toBe(0);
    expect(again.stderr).not.toContain('could not be read');

    // prune says what it deletes: old, expired or unreadable entries (one, here).
    const one = new sqlite3.Database(cache);
    await new Promise<void>((res, rej) => one.exec(`UPDATE completions SET value = '{not json' WHERE rowid = (SELECT min(rowid) FROM completions)`, (e) => (e ? rej(e) : res())));
    await new Promise<void>((res) => one.close(() => res()));
    const prune = await runCli(['cache', 'prune', '--older-than', '30d', '--cache', cache], { env });
    expect(prune.stdout).toBe(`deleted 1 entry older than 30d, expired or unreadable, from ${cache}\n`);
  });

  it('stats, clear and prune on a cache that does not exist yet report nothing and create nothing', async () => {
    const env = testEnv(fake.baseURL);
    const folder = join(tempDir(), 'never');
    const cache = join(folder, 'cache.sqlite');
    const stats = await runCli(['cache', 'stats', '--cache', cache], { env });
    expect(stats.code).toBe(0);
    expect(stats.stdout).toMatch(/^cache\s+.*cache\.sqlite \(no file yet\)$/m);
    expect(stats.stdout).toMatch(/^entries\s+0$/m);
    expect(JSON.parse((await runCli(['cache', 'stats', '--cache', cache, '--json'], { env })).stdout)).toEqual({ path: cache, entries: 0, bytes: 0, oldest: null, newest: null });
    expect(JSON.parse((await runCli(['cache', 'clear', '--cache', cache, '--json'], { env })).stdout)).toEqual({ deleted: 0 });
    expect(JSON.parse((await runCli(['cache', 'prune', '--older-than', '1d', '--cache', cache, '--json'], { env })).stdout)).toEqual({ deleted: 0 });
    expect((await runCli(['cache', 'prune', '--older-than', 'soon', '--cache', cache], { env })).code).toBe(2);
    expect(existsSync(folder)).toBe(false);
  });

  it('--cache-ttl expires entries; --no-cache neither reads nor writes', async () => {
    const env = testEnv(fake.baseURL);
    const cache = join(tempDir(), 'cache.sqlite');
    const docs = makeDocs(5);
    const ok = async (args: string[]) => expect((await runCli(args, { env })).code).toBe(0);
    const entries = async () => JSON.parse((await runCli(['cache', 'stats', '--cache', cache, '--json'], { env })).stdout).entries as number;
    fake.reset();
    await ok(['summarize', docs, '--cache', cache, '--cache-ttl', '6s']);
    await ok(['summarize', docs, '--cache', cache, '--cache-ttl', '6s']);
    expect(fake.stats.requests).toBe(5);
    await new Promise((r) => setTimeout(r, 6500));
    await ok(['summarize', docs, '--cache', cache]);
    expect(fake.stats.requests).toBe(10);
    // The same cache file, which now holds these answers, with --no-cache: they are sent anyway
    // (not read) …
    await ok(['summarize', docs, '--cache', cache, '--no-cache']);
    expect(fake.stats.requests).toBe(15);
    // … and the answers to new documents are not stored (not written).
    const before = await entries();
    expect(before).toBeGreaterThanOrEqual(5);
    await ok(['summarize', makeDocs(3, { words: 17 }), '--cache', cache, '--no-cache']);
    expect(fake.stats.requests).toBe(18);
    expect(await entries()).toBe(before);
  });

  it('two processes can share one cache file at once', async () => {
    const env = testEnv(fake.baseURL);
    const cache = join(tempDir(), 'shared.sqlite');
    const a = makeDocs(40);
    const b = makeDocs(40, { words: 30 });
    // 200 ms per request: each run sends for ~0.6 s, so the two overlap even if one starts late.
    fake.setOptions({ latencyMs: 200 });
    const [ra, rb] = await Promise.all([
      runCli(['summarize', a, '--cache', cache, '-c', '16'], { env }),
      runCli(['summarize', b, '--cache', cache, '-c', '16'], { env }),
    ]);
    expect([ra.code, rb.code], ra.stderr + rb.stderr).toEqual([0, 0]);
    // The two runs were sending at the same time (more in flight than one run's -c 16) …
    expect(fake.stats.maxInFlight).toBeGreaterThan(16);
    const stats = await runCli(['cache', 'stats', '--cache', cache, '--json'], { env });
    expect(JSON.parse(stats.stdout).entries).toBe(80);
    // … and each one's answers are there for the other: a run over both sends nothing.
    fake.reset();
    expect((await runCli(['summarize', a, b, '--cache', cache], { env })).code).toBe(0);
    expect(fake.stats.requests).toBe(0);
    fake.setOptions({ latencyMs: 0 });
  });

  // A folder where the cache (or the ledger next to it) should be is the user's: it used to be
  // chmod-ed 0600 (losing its x bit), then called a corrupt cache to move aside or delete.
  describe('a cache or ledger path that is a folder', () => {
    const folder0755 = (path: string) => {
      mkdirSync(path, { recursive: true, mode: 0o755 });
      return path;
    };
    const mode = (path: string) => statSync(path).mode & 0o777;

    it.each([
      ['--cache', (f: string) => ({ args: ['--cache', f], env: {} }), (f: string) => `--cache ${f}/cache.sqlite`],
      ['LLMBATCH_CACHE', (f: string) => ({ args: [], env: { LLMBATCH_CACHE: f } }), (f: string) => `LLMBATCH_CACHE=${f}/cache.sqlite`],
    ])('cache stats|clear|prune with %s naming a folder: exit 2, the folder untouched', async (name, pass, example) => {
      const folder = folder0755(join(tempDir(), 'sub'));
      const { args, env } = pass(folder);
      for (const sub of [['stats'], ['clear'], ['prune', '--older-than', '1d']]) {
        const r = await runCli(['cache', ...sub, ...args], { env: testEnv(fake.baseURL, env) });
        expect(mode(folder)).toBe(0o755);
        expect(readdirSync(folder)).toEqual([]);
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toContain(`error: ${name} must name a file: ${folder} is a folder\n`);
        expect(r.stderr).toContain(`hint: Use a file inside it, e.g. ${example(folder)}.`);
        expect(r.stderr).not.toMatch(/SQLite|delete it/);
      }
    });

    it('cache: in a config file naming a folder is an error naming the file and key', async () => {
      const dir = tempDir();
      const folder = folder0755(join(dir, 'sub'));
      writeFileSync(join(dir, 'llmbatch.yaml'), 'cache: sub\n');
      const r = await runCli(['cache', 'stats', '--config', join(dir, 'llmbatch.yaml')], { env: testEnv(fake.baseURL) });
      expect(mode(folder)).toBe(0o755);
      expect(readdirSync(folder)).toEqual([]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`error: ${join(dir, 'llmbatch.yaml')}: "cache" must name a file: ${folder} is a folder`);
    });

    it('summarize --cache FOLDER sends nothing and creates nothing, in it or next to it', async () => {
      const dir = tempDir();
      const folder = folder0755(join(dir, 'sub'));
      fake.reset();
      const r = await runCli(['summarize', makeDocs(3), '--cache', folder], { env: testEnv(fake.baseURL) });
      expect(mode(folder)).toBe(0o755);
      expect(readdirSync(folder)).toEqual([]);
      expect(fake.stats.requests).toBe(0);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`error: --cache must name a file: ${folder} is a folder\n`);
      expect(r.stderr).toContain(`hint: Use a file inside it, e.g. --cache ${folder}/cache.sqlite.`);
      expect(readdirSync(dir)).toEqual(['sub']); // no ledger.sqlite next to it
    });

    it('a folder where the ledger goes (next to the cache): exit 2 before the cache is created or anything sent', async () => {
      const dir = tempDir();
      const ledger = folder0755(join(dir, 'ledger.sqlite'));
      fake.reset();
      const r = await runCli(['summarize', makeDocs(3), '--cache', join(dir, 'cache.sqlite')], { env: testEnv(fake.baseURL) });
      expect(mode(ledger)).toBe(0o755);
      expect(readdirSync(ledger)).toEqual([]);
      expect(readdirSync(dir)).toEqual(['ledger.sqlite']);
      expect(fake.stats.requests).toBe(0);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`error: The ledger ${ledger} is a folder\n`);
    });

    it('--cache under a file (not a folder): the same error from cache stats as from a run', async () => {
      const dir = tempDir();
      const file = join(dir, 'notes.txt');
      writeFileSync(file, 'mine\n', { mode: 0o644 });
      const cache = join(file, 'cache.sqlite');
      for (const args of [['cache', 'stats', '--cache', cache], ['summarize', makeDocs(2), '--cache', cache]]) {
        const r = await runCli(args, { env: testEnv(fake.baseURL) });
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toContain(`error: --cache ${cache} cannot be created: ${file} is a file, not a folder\n`);
      }
      expect(mode(file)).toBe(0o644);
    });
  });
});
