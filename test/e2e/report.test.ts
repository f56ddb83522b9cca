import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeOpenAI } from '../support/fake-openai.js';
import { TEST_KEY, makeDocs, runCli, tempDir, testEnv } from '../support/cli.js';

type Fake = Awaited<ReturnType<typeof startFakeOpenAI>>;
let fake: Fake;
let env: Record<string, string | undefined>;
let first: any;
let second: any;

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: TEST_KEY, latencyMs: 5 });
  env = testEnv(fake.baseURL);
  const docs = makeDocs(8);
  const dir = tempDir();
  const a = await runCli(['summarize', docs, '-o', join(dir, 'a.jsonl'), '--report', join(dir, 'a.json')], { env });
  expect(a.code).toBe(0);
  first = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'));
  const b = await runCli(['run', docs, '-p', 'bullets', '-o', join(dir, 'b.jsonl'), '--report', join(dir, 'b.json')], { env });
  expect(b.code).toBe(0);
  second = JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'));
});
afterAll(async () => fake.close());

describe('report', () => {
  it('report last --json reproduces the last run\'s report; report RUN picks an earlier one', async () => {
    const last = await runCli(['report', 'last', '--json'], { env });
    expect(last.code).toBe(0);
    const r = JSON.parse(last.stdout);
    expect(r).toEqual(second);
    expect(r.documents).toMatchObject({ total: 8, done: 8, failed: 0 });
    expect(r.tokens.input).toBeGreaterThan(0);

    const byId = await runCli(['report', first.run_id, '--format', 'json'], { env });
    const f = JSON.parse(byId.stdout);
    expect(f.run_id).toBe(first.run_id);
    expect({ documents: f.documents, tokens: f.tokens, cost_usd: f.cost_usd, models: f.models })
      .toEqual({ documents: first.documents, tokens: first.tokens, cost_usd: first.cost_usd, models: first.models });

    const text = await runCli(['report'], { env });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`run ${second.run_id}`);
    expect(text.stdout).toMatch(/documents\s+8 done, 0 failed/);
  });

  it('--list shows recent runs, newest first (table and JSON)', async () => {
    const json = await runCli(['report', '--list', '--json'], { env });
    expect(json.code).toBe(0);
    const runs = JSON.parse(json.stdout);
    expect(runs.map((r: any) => r.id)).toEqual([second.run_id, first.run_id]);
    expect(runs[0]).toMatchObject({ status: 'done', documents: 8, command: expect.stringContaining('run') });
    expect(typeof runs[0].cost_usd).toBe('number');

    const table = await runCli(['report', '--list', '--limit', '1'], { env });
    expect(table.stdout).toMatch(/^when\s+run\s+status\s+docs\s+cost\s+command/);
    expect(table.stdout).toContain(second.run_id);
    expect(table.stdout).not.toContain(first.run_id);
  });

  it('--cache PATH reads the ledger next to that cache (where a run made with --cache PATH recorded itself)', async () => {
    const cache = join(tempDir(), 'elsewhere', 'cache.sqlite');
    const run = await runCli(['summarize', makeDocs(2), '--cache', cache, '-q'], { env });
    expect(run.code).toBe(0);
    const there = await runCli(['report', 'last', '--json', '--cache', cache], { env });
    expect(there.code).toBe(0);
    expect(JSON.parse(there.stdout).documents).toMatchObject({ total: 2, done: 2 });
    // The default ledger does not have that run.
    const list = JSON.parse((await runCli(['report', '--list', '--json'], { env })).stdout);
    expect(list.map((r: any) => r.id)).not.toContain(JSON.parse(there.stdout).run_id);
  });

  it('report A B puts two runs side by side with deltas', async () => {
    const json = await runCli(['report', first.run_id, second.run_id, '--json'], { env });
    expect(json.code).toBe(0);
    const d = JSON.parse(json.stdout);
    expect(d.a.run_id).toBe(first.run_id);
    expect(d.b.run_id).toBe(second.run_id);
    const metric = (name: string) => d.metrics.find((m: any) => m.name === name);
    expect(metric('input tokens')).toMatchObject({ a: first.tokens.input, b: second.tokens.input });
    expect(metric('cost')).toMatchObject({ a: first.cost_usd, b: second.cost_usd });
    expect(metric('cost').delta_pct).toBeCloseTo(((second.cost_usd - first.cost_usd) / first.cost_usd) * 100, 6);
    expect(d.models).toEqual([expect.objectContaining({ model: 'gpt-4o-mini' })]);

    const text = await runCli(['report', first.run_id, second.run_id], { env });
    expect(text.stdout).toMatch(new RegExp(`A ${first.run_id}\\s+B ${second.run_id}\\s+Δ`));
    expect(text.stdout).toMatch(/latency p95/);
    const md = await runCli(['report', first.run_id, 'last', '--format', 'md'], { env });
    expect(md.stdout).toMatch(/^### llmbatch report: run /);
    expect(md.stdout).toMatch(/^\| {2}\| A /m);
  });

  it('--format md and html render the stored report', async () => {
    const md = await runCli(['report', 'last', '--format', 'md'], { env });
    expect(md.stdout).toMatch(/^### llmbatch /);
    expect(md.stdout).toMatch(/^\| model \| docs \|/m);
    // The stored run itself: its id, its documents, its model row.
    expect(md.stdout).toContain(second.run_id);
    expect(md.stdout).toMatch(/\*\*documents\*\*: 8 done, 0 failed/);
    expect(md.stdout).toMatch(/^\| gpt-4o-mini \| 8 \| /m);
    const html = await runCli(['report', 'last', '--format', 'html'], { env });
    expect(html.stdout).toMatch(/^<!doctype html>/i);
    expect(html.stdout).toContain(second.run_id);
    expect(html.stdout).not.toMatch(/(src|href)="https?:/);
  });

  it('an unknown run id or an empty state folder is exit 2 with a clear message', async () => {
    const unknown = await runCli(['report', 'no-such-run'], { env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No run "no-such-run" in the ledger/);
    expect(unknown.stderr).toMatch(/report --list/);

    const empty = await runCli(['report'], { env: testEnv() });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/No runs recorded yet/);
    expect(empty.stdout).toBe('');

    const tooMany = await runCli(['report', 'a', 'b', 'c'], { env });
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr).toMatch(/at most two runs, got 3/);
  });

  it('a corrupt ledger gives the ledger\'s error naming the file (exit 2, no stack)', async () => {
    const bad = testEnv();
    const dir = join(bad.XDG_CACHE_HOME!, 'llmbatch');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'ledger.sqlite'), 'this is not a database, just some text that is long enough to look like a file');
    const res = await runCli(['report', '--list'], { env: bad });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(join(dir, 'ledger.sqlite'));
    expect(res.stderr).not.toMatch(/\n\s+at /);
  });
});
