import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { DEFAULT_MODELS, defaultRespond, startFakeOpenAI } from '../support/fake-openai.js';
import { FIXTURES, TEST_KEY, makeDocs, parseJsonl, runCli, tempDir, testEnv } from '../support/cli.js';

type Fake = Awaited<ReturnType<typeof startFakeOpenAI>>;
let fake: Fake;

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: TEST_KEY });
});
afterAll(async () => fake.close());
beforeEach(() => {
  fake.setOptions({ latencyMs: 0, fail429Rate: 0, fail500Rate: 0, dropRate: 0, apiKey: TEST_KEY, failFirst: 0, respond: undefined });
  fake.reset();
});

/** A loopback port nothing listens on (it was free a moment ago). */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}

/** An onSpawn that does `act` to the CLI's process once `ready()` holds (polled every 10 ms). */
function once(ready: () => boolean, act: (child: ChildProcess) => void): (child: ChildProcess) => void {
  return (child) => {
    const poll = setInterval(() => {
      if (!ready()) return;
      clearInterval(poll);
      act(child);
    }, 10);
  };
}

function allFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? (d as any).path, d.name));
}

describe('run / summarize end to end', () => {
  it('never has more requests in flight than --concurrency, and a re-run sends nothing', async () => {
    const docs = makeDocs(60);
    const env = testEnv(fake.baseURL);
    const out = join(tempDir(), 'out.jsonl');
    const report = join(tempDir(), 'report.json');
    fake.setOptions({ latencyMs: 40 });
    const first = await runCli(['summarize', docs, '-c', '4', '-o', out, '--report', report], { env });
    expect(first.stderr).not.toMatch(/error/i);
    expect(first.code).toBe(0);
    expect(fake.stats.requests).toBe(60);
    expect(fake.stats.maxInFlight).toBeLessThanOrEqual(4);
    expect(fake.stats.maxInFlight).toBeGreaterThanOrEqual(2);
    const lines = parseJsonl(readFileSync(out, 'utf8'));
    expect(lines).toHaveLength(60);
    expect(lines.map((l) => l.id)).toEqual([...lines.map((l) => l.id)].sort());
    expect(lines[0]).toMatchObject({ prompt: 'summarize', model: 'gpt-4o-mini', cached: false, error: null, chunks: 1 });
    for (const k of ['id', 'path', 'prompt', 'model', 'output', 'usage', 'cost_usd', 'latency_ms', 'cached', 'attempts', 'chunks', 'error']) expect(lines[0]).toHaveProperty(k);

    fake.reset();
    const second = await runCli(['summarize', docs, '-c', '4', '-o', out, '--report', report], { env });
    expect(second.code).toBe(0);
    expect(fake.stats.requests).toBe(0);
    const r = JSON.parse(readFileSync(report, 'utf8'));
    expect(r.documents).toMatchObject({ total: 60, done: 60, failed: 0, cached: 60 });
    expect(r.cost_usd).toBe(0);
    expect(r.saved_usd).toBeGreaterThan(0);
    expect(parseJsonl(readFileSync(out, 'utf8')).every((l) => l.cached === true)).toBe(true);
  });

  it('ends with every document done despite 20% random 429s', async () => {
    const docs = makeDocs(50);
    fake.setOptions({ fail429Rate: 0.2, retryAfterMs: 10 });
    const res = await runCli(['summarize', docs, '-c', '8', '--no-cache'], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(0);
    const lines = parseJsonl(res.stdout);
    expect(lines).toHaveLength(50);
    expect(lines.every((l) => l.error === null)).toBe(true);
    expect(fake.stats.byStatus['429']).toBeGreaterThan(0);
    expect(lines.some((l) => l.attempts > 1)).toBe(true);
  });

  it('identical documents asked at the same time share one request, and only one of them pays for it', async () => {
    const dir = tempDir();
    for (const sub of ['a', 'b', 'c']) {
      mkdirSync(join(dir, sub));
      writeFileSync(join(dir, sub, 'x.md'), 'The same notes, copied into three folders.\n');
    }
    const report = join(tempDir(), 'r.json');
    fake.setOptions({ latencyMs: 100 });
    for (const cache of [['--no-cache'], []]) {
      fake.reset();
      const res = await runCli(['summarize', dir, '-c', '4', '--report', report, ...cache], { env: testEnv(fake.baseURL) });
      expect(res.code, cache.join(' ')).toBe(0);
      expect(fake.stats.requests).toBe(1);
      const lines = parseJsonl(res.stdout);
      expect(lines.map((l) => l.id)).toEqual(['a/x.md', 'b/x.md', 'c/x.md']);
      expect(new Set(lines.map((l) => l.output)).size).toBe(1);
      const paid = lines.filter((l) => !l.cached);
      expect(paid).toHaveLength(1);
      expect(paid[0]).toMatchObject({ attempts: 1 });
      expect(paid[0].cost_usd).toBeGreaterThan(0);
      expect(lines.filter((l) => l.cached).map((l) => [l.cost_usd, l.attempts])).toEqual([[0, 0], [0, 0]]);
      const r = JSON.parse(readFileSync(report, 'utf8'));
      expect(r.cost_usd).toBe(paid[0].cost_usd); // one request's cost, not three
      expect(r.documents).toMatchObject({ done: 3, cached: 2 });
    }
  });

  it('retries 500s and dropped connections', async () => {
    const docs = makeDocs(20);
    fake.setOptions({ fail500Rate: 0.2, dropRate: 0.1 });
    const res = await runCli(['summarize', docs, '--no-cache', '--retries', '8'], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(0);
    const lines = parseJsonl(res.stdout);
    expect(lines).toHaveLength(20);
    expect(lines.every((l) => l.error === null)).toBe(true);
    // Faults were injected (the fake server's draws are seeded), and every request the server
    // saw, failed or not, is an attempt of exactly one document.
    expect(fake.stats.byStatus[500]).toBeGreaterThan(0);
    expect(fake.stats.dropped).toBeGreaterThan(0);
    expect(lines.some((l) => l.attempts > 1)).toBe(true);
    expect(lines.reduce((n, l) => n + l.attempts, 0)).toBe(fake.stats.requests);
  });

  it('aborts at once with exit 4 on a wrong key, after only a handful of requests', async () => {
    const docs = makeDocs(200);
    const out = join(tempDir(), 'out.jsonl');
    writeFileSync(out, '{"previous":"run"}\n');
    const res = await runCli(['summarize', docs, '-c', '4', '--no-cache', '-o', out], { env: testEnv(fake.baseURL, { OPENAI_API_KEY: 'sk-wrong-key-abcdefghijklmnop' }) });
    expect(res.code).toBe(4);
    expect(readFileSync(out, 'utf8')).toBe('{"previous":"run"}\n'); // not replaced by an empty file
    expect(readdirSync(dirname(out))).toEqual(['out.jsonl']); // no temp file left
    expect(fake.stats.requests).toBeLessThanOrEqual(8);
    expect(fake.stats.byStatus[401]).toBe(fake.stats.requests); // it did ask, and was refused
    expect(res.stderr).toMatch(/error: .*credentials/);
    expect(res.stderr).toMatch(/hint:/);
    expect(res.stderr).not.toContain('sk-wrong-key-abcdefghijklmnop');
    expect(res.stderr.split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
  });

  it('stops with one error (exit 1) when nothing listens at the base URL, and keeps the old --out', async () => {
    const port = await freePort();
    const out = join(tempDir(), 'out.jsonl');
    writeFileSync(out, '{"previous":"run"}\n');
    const res = await runCli(['summarize', makeDocs(50), '-c', '4', '--retries', '1', '-o', out], { env: testEnv(`http://127.0.0.1:${port}/v1`) });
    expect(res.code).toBe(1);
    const errors = res.stderr.split('\n').filter((l) => l.startsWith('error:'));
    expect(errors).toEqual([`error: Cannot reach the server at http://127.0.0.1:${port}/v1: connection refused (ECONNREFUSED)`]);
    expect(res.stderr).toMatch(/hint: Is it running\? Check --base-url.*: finished documents come from the cache\.\n/);
    expect(readFileSync(out, 'utf8')).toBe('{"previous":"run"}\n');

    // With --no-cache nothing comes from the cache on a re-run: the hint does not say it does.
    const nocache = await runCli(['summarize', makeDocs(5), '--retries', '0', '--no-cache'], { env: testEnv(`http://127.0.0.1:${port}/v1`) });
    expect(nocache.code).toBe(1);
    expect(nocache.stderr).toMatch(/hint: Is it running\? Check --base-url \(or OPENAI_BASE_URL\)\. Once it answers, run the same command again\.\n/);
    expect(nocache.stderr).not.toMatch(/cache/);
  });

  it('a server that goes away mid-run: finished documents are kept, and the re-run sends only the rest', async () => {
    const docs = makeDocs(40);
    const out = join(tempDir(), 'out.jsonl');
    const port = await freePort();
    const env = testEnv(`http://127.0.0.1:${port}/v1`);
    const server = await startFakeOpenAI({ apiKey: TEST_KEY, port, latencyMs: 20 });
    let ended = false;
    const run = runCli(['summarize', docs, '-c', '2', '--retries', '1', '-o', out], { env }).finally(() => (ended = true));
    while (server.stats.requests < 10 && !ended) await new Promise((r) => setTimeout(r, 5));
    await server.close();
    const first = await run;
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/error: Cannot reach the server at .*connection refused/);
    const kept = parseJsonl(readFileSync(out, 'utf8')).filter((l) => l.error === null);
    expect(kept.length).toBeGreaterThanOrEqual(8);
    expect(kept.length).toBeLessThan(40);

    const again = await startFakeOpenAI({ apiKey: TEST_KEY, port });
    try {
      const second = await runCli(['summarize', docs, '-c', '2', '-o', out], { env });
      expect(second.code).toBe(0);
      expect(again.stats.requests).toBe(40 - kept.length);
      expect(parseJsonl(readFileSync(out, 'utf8')).filter((l) => l.error === null)).toHaveLength(40);
    } finally {
      await again.close();
    }
  });

  it('aborts with exit 4 when the account has no quota left (429 insufficient_quota), without retrying', async () => {
    fake.setOptions({ respond: () => ({ status: 429, error: { code: 'insufficient_quota', type: 'insufficient_quota', message: 'You exceeded your current quota, please check your plan and billing details.' } }) });
    const res = await runCli(['summarize', makeDocs(100), '-c', '4', '--no-cache'], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(4);
    expect(fake.stats.requests).toBeGreaterThanOrEqual(1);
    expect(fake.stats.requests).toBeLessThanOrEqual(8);
    // Without retrying: no document's request reached the server twice.
    const asked = fake.stats.log.map((e) => JSON.stringify(e.messages));
    expect(asked).toHaveLength(fake.stats.requests);
    expect(new Set(asked).size).toBe(asked.length);
    expect(res.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([
      'error: The provider refused the request: the account has no quota left (HTTP 429: You exceeded your current quota, please check your plan and billing details.)',
    ]);
  });

  it('a 403 about the model says the key has no access to it; a 403 about the key says credentials (both exit 4)', async () => {
    fake.setOptions({ respond: () => ({ status: 403, error: { code: 'model_not_allowed', type: 'invalid_request_error', message: 'You are not allowed to sample from this model' } }) });
    const model = await runCli(['summarize', makeDocs(20), '-c', '2', '--no-cache'], { env: testEnv(fake.baseURL) });
    expect(model.code).toBe(4);
    expect(model.stderr).toMatch(/^error: The server refused model "gpt-4o-mini" for this key \(HTTP 403: You are not allowed to sample from this model\)\nhint: The key has no access to that model/m);
    fake.setOptions({ respond: () => ({ status: 403, error: { code: 'unsupported_country_region_territory', type: 'request_forbidden', message: 'Country, region, or territory not supported' } }) });
    const key = await runCli(['summarize', makeDocs(20), '-c', '2', '--no-cache'], { env: testEnv(fake.baseURL) });
    expect(key.code).toBe(4);
    expect(key.stderr).toMatch(/^error: The server refused the credentials/m);
  });

  it('a server that answers every request with 500 stops the run with one error (exit 1)', async () => {
    fake.setOptions({ fail500Rate: 1 });
    const res = await runCli(['summarize', makeDocs(200), '-c', '4', '--retries', '1', '--no-cache'], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(1);
    expect(res.stderr.split('\n').filter((l) => l.startsWith('error:'))).toEqual([
      expect.stringMatching(/^error: The server is failing: no request succeeded while .* was tried, and it failed after its retries \(HTTP 500: /),
    ]);
    // Other documents make their first attempt while the first one backs off, but the run ends
    // with its retries: not two attempts for each of the 200 documents (400 requests).
    expect(fake.stats.requests).toBeLessThan(300);
  });

  it('aborts with exit 4 on an unknown model (404)', async () => {
    const docs = makeDocs(30);
    const res = await runCli(['summarize', docs, '-m', 'no-such-model', '--no-cache'], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/does not know model "no-such-model"/);
    expect(fake.stats.requests).toBeLessThanOrEqual(8);
    expect(fake.stats.byStatus[404]).toBe(fake.stats.requests); // it did ask, and the server said 404
  });

  it('a base URL without /v1 (404 for the path) aborts with exit 4 and a hint about the URL', async () => {
    const origin = new URL(fake.baseURL).origin;
    const res = await runCli(['summarize', makeDocs(10), '--no-cache'], { env: testEnv(origin) });
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/error: .*HTTP 404/);
    expect(res.stderr).toMatch(/hint: .*end in \/v1/);
  });

  it('a reply without content (content filter) fails that document, is not cached, and is asked again on the re-run', async () => {
    const docs = makeDocs(6);
    const env = testEnv(fake.baseURL);
    const filtered = (messages: { content: string | null }[]) => String(messages.at(-1)?.content).includes('Document 3.');
    fake.setOptions({ respond: (r) => (filtered(r.messages) ? { content: null, finish_reason: 'content_filter' } : defaultRespond(r)) });
    const out = join(tempDir(), 'out.jsonl');
    const reportPath = join(tempDir(), 'r.json');
    const first = await runCli(['summarize', docs, '-o', out, '--report', reportPath, '-m', 'gpt-4o-mini'], { env });
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/bad-reply: the reply has no content \(finish_reason: content_filter\)/);
    expect(fake.stats.requests).toBe(6); // not retried
    // The filtered reply still billed its prompt (the server's usage): the record and the
    // report's cost say so instead of $0.
    const rec = parseJsonl(readFileSync(out, 'utf8')).find((r) => r.output === null)!;
    const billed = fake.stats.log.find((l) => filtered(l.body.messages))!.usage!;
    expect(billed.prompt_tokens).toBeGreaterThan(0);
    expect(rec.usage).toMatchObject({ input_tokens: billed.prompt_tokens, output_tokens: billed.completion_tokens });
    expect(rec.cost_usd).toBeCloseTo(billed.prompt_tokens * 0.15 / 1e6 + billed.completion_tokens * 0.6 / 1e6, 12);
    const report = JSON.parse(readFileSync(reportPath, 'utf8'));
    const okCost = parseJsonl(readFileSync(out, 'utf8')).filter((r) => r.output !== null).reduce((a, r) => a + r.cost_usd, 0);
    expect(report.cost_usd).toBeCloseTo(okCost + rec.cost_usd, 9);
    fake.setOptions({ respond: undefined });
    fake.reset();
    const second = await runCli(['summarize', docs], { env });
    expect(second.code).toBe(0);
    expect(fake.stats.requests).toBe(1); // only the one that had no answer
  });

  it('a proxy page with status 200 is an error, not an empty summary in the cache, and stops the run', async () => {
    let requests = 0;
    const proxy = createHttpServer((_req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in to continue</html>');
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/v1`;
      const env = testEnv(base);
      const res = await runCli(['summarize', makeDocs(300), '-c', '2'], { env });
      expect(res.code).toBe(1);
      const lines = parseJsonl(res.stdout);
      expect(lines.length).toBeGreaterThan(0);
      expect(new Set(lines.map((l) => l.error))).toEqual(new Set(['the reply is not JSON: "<html>Sign in to continue</html>" (is --base-url an OpenAI-compatible API?)']));
      expect(res.stderr).toContain(`error: The server at ${base} does not answer with chat completions (the reply is not JSON: "<html>Sign in to continue</html>")`);
      expect(requests).toBeLessThan(10); // stopped, not one request per document
      const stats = await runCli(['cache', 'stats'], { env });
      expect(stats.stdout).toMatch(/^cache\s+\S+cache\.sqlite$/m); // the run's cache file exists …
      expect(stats.stdout).toMatch(/^entries\s+0$/m); // … and holds no answer
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });

  it('--dry-run sends nothing and prints the estimate', async () => {
    // A server that counts every request on any path (the fake counts chat completions).
    const hits: string[] = [];
    const server = createHttpServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    let res: Awaited<ReturnType<typeof runCli>>;
    try {
      res = await runCli(['summarize', FIXTURES, '--dry-run', '--json'], { env: testEnv(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`) });
    } finally {
      await new Promise((r) => server.close(r));
    }
    expect(res.code).toBe(0);
    expect(hits).toEqual([]);
    const plan = JSON.parse(res.stdout);
    expect(plan.models[0].model).toBe('gpt-4o-mini');
    expect(plan.models[0].input_tokens).toBeGreaterThan(1000);
    expect(plan.cached).toBe(0);
  });

  it('a fully cached --dry-run says on stdout, even with -q, that the cache answers every document', async () => {
    const docs = makeDocs(5);
    const env = testEnv(fake.baseURL);
    expect((await runCli(['summarize', docs, '-q', '-o', join(tempDir(), 'out.jsonl')], { env })).code).toBe(0);
    fake.reset();
    const res = await runCli(['summarize', docs, '--dry-run', '-q'], { env });
    expect(res.code).toBe(0);
    expect(fake.stats.requests).toBe(0);
    expect(res.stdout).toMatch(/^estimate: 5 documents/);
    expect(res.stdout).toContain('cached (free): 5 of 5 documents');
    expect(res.stdout).toMatch(/^gpt-4o-mini\s+0\s+0\s/m); // the model row counts what would be sent
    expect(res.stderr).toBe('');
  });

  it('--dry-run with --out and --report says it writes neither (and does not)', async () => {
    const dir = tempDir();
    const out = join(dir, 'out.jsonl');
    writeFileSync(out, '{"previous":"run"}\n');
    const res = await runCli(['summarize', makeDocs(3), '--dry-run', '-o', out, '--report', join(dir, 'r.json')], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(0);
    expect(res.stderr).toBe(`warning: a dry run writes nothing: --out ${out} and --report ${join(dir, 'r.json')} left as they were (the plan is on stdout; --json for JSON)\n`);
    expect(readFileSync(out, 'utf8')).toBe('{"previous":"run"}\n');
    expect(existsSync(join(dir, 'r.json'))).toBe(false);
    expect(fake.stats.requests).toBe(0);
  });

  it('a budget reached mid-run exits 3 with the reason on stderr, also with --quiet', async () => {
    // The server bills far more than the estimate (another tokenizer, hidden tokens): the
    // pre-start check passes, the in-run stop ends the run.
    fake.setOptions({ respond: () => ({ content: 'summary', usage: { prompt_tokens: 100_000, completion_tokens: 10 } }) });
    const docs = makeDocs(20);
    for (const quiet of [[], ['-q']]) {
      const res = await runCli(['summarize', docs, '-c', '1', '--no-cache', '--budget', '0.05', ...quiet], { env: testEnv(fake.baseURL) });
      expect(res.code, res.stderr).toBe(3);
      expect(res.stderr).toMatch(/Stopped dispatching: spend reached the budget of \$0\.05\. \d+ documents were not processed; run again with a larger --budget to finish\./);
      if (quiet.length) expect(res.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('--budget below the estimate refuses to start (exit 3, nothing sent)', async () => {
    const docs = makeDocs(20);
    const res = await runCli(['summarize', docs, '--budget', '0.000001'], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/exceeds --budget/);
    expect(fake.stats.requests).toBe(0);
  });

  it('--quiet: a run with a failed document exits 1 with one line saying so (and no run report)', async () => {
    const out = join(tempDir(), 'out.jsonl');
    const res = await runCli(['summarize', FIXTURES, '-q', '-o', out], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(1); // the fixtures hold one malformed JSONL line
    // Its error record: no call answered, so no latency (null, not 0); the others have theirs.
    const lines = parseJsonl(readFileSync(out, 'utf8'));
    expect(lines.filter((l) => l.error !== null).map((l) => [l.id, l.latency_ms])).toEqual([['records/reviews.jsonl:6', null]]);
    expect(lines.filter((l) => l.error === null).every((l) => typeof l.latency_ms === 'number' && l.latency_ms > 0)).toBe(true);
    expect(res.stderr).toMatch(/^1 of 40 documents failed \(first: records\/reviews\.jsonl:6: bad_input: malformed JSON .*\); its error record is in the output\n$/);
  });

  it("the run summary lists an input error under its location once (the message's own prefix is not repeated)", async () => {
    const res = await runCli(['summarize', FIXTURES, '-o', join(tempDir(), 'out.jsonl')], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/\n {2}records\/reviews\.jsonl:6: bad_input: malformed JSON \(/);
    expect(res.stderr).not.toContain('records/reviews.jsonl:6: bad_input: records/reviews.jsonl:6');
  });

  it('writes a mirrored folder tree, keeps the key out of every file, cache 0600 in a 0700 folder', async () => {
    const env = testEnv(fake.baseURL);
    const out = tempDir();
    const report = join(tempDir(), 'r.md');
    const res = await runCli(['summarize', FIXTURES, '-o', out, '--report', report], { env });
    expect(res.code).toBe(1); // the fixtures hold one malformed JSONL line
    // One file per document, mirroring where it came from: files under docs/, records under
    // records/<file>#<id>; nothing else.
    const written = allFiles(out).map((f) => relative(out, f));
    expect(written).toEqual(expect.arrayContaining(['docs/guides/getting-started.md.md', 'docs/api/client.rst.md', 'docs/meetings/2024-05-03-release-retro.md.md', 'records/tickets.csv#T-4101.md']));
    expect(written.every((r) => /^(docs|records)\//.test(r))).toBe(true);
    const stateDir = join(env.XDG_CACHE_HOME!, 'llmbatch');
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(stateDir, 'cache.sqlite')).mode & 0o777).toBe(0o600);
    expect(statSync(join(stateDir, 'ledger.sqlite')).mode & 0o777).toBe(0o600);
    for (const f of [...allFiles(out), ...allFiles(stateDir), report]) {
      expect(readFileSync(f).includes(TEST_KEY), f).toBe(false);
    }
    expect(res.stdout + res.stderr).not.toContain(TEST_KEY);
  });

  it('a password in --base-url reaches no output, report, ledger, cache or stream', async () => {
    const url = new URL(fake.baseURL);
    url.username = 'bob';
    url.password = 'hunter2-not-for-files';
    const env = testEnv(undefined);
    const dir = tempDir();
    const res = await runCli(['summarize', makeDocs(3), '--base-url', url.href, '-o', join(dir, 'out.jsonl'), '--report', join(dir, 'r.md')], { env });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('--base-url http://bob:[REDACTED]@127.0.0.1'); // the command line, as echoed in the summary
    for (const f of [...allFiles(dir), ...allFiles(env.HOME!)]) expect(readFileSync(f).includes('hunter2-not-for-files'), f).toBe(false);
    expect(res.stdout + res.stderr).not.toContain('hunter2-not-for-files');
  });

  it('a key pasted where a model name goes is redacted from warnings and the run summary on stderr', async () => {
    const pasted = 'sk-proj-ABCDEFGHIJKLMNOPQRSTUV123456';
    fake.setOptions({ models: ['*'] });
    try {
      const res = await runCli(['summarize', makeDocs(2), '-m', pasted, '-o', join(tempDir(), 'out.jsonl')], { env: testEnv(fake.baseURL) });
      expect(res.code).toBe(0);
      expect(res.stderr).toMatch(/warning: Model "sk-\[REDACTED\]" is not in the registry/);
      expect(res.stderr).toMatch(/sk-\[REDACTED\]/); // the summary's per-model line
      expect(res.stderr).not.toContain(pasted);
    } finally {
      fake.setOptions({ models: DEFAULT_MODELS });
    }
  });

  it('a corrupt cache file gives a clear error naming the file (exit 2), no stack trace', async () => {
    const env = testEnv(fake.baseURL);
    const cache = join(tempDir(), 'cache.sqlite');
    writeFileSync(cache, 'this is not a database, just some garbage bytes '.repeat(200));
    const res = await runCli(['summarize', FIXTURES, '--cache', cache], { env });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`error: The cache file ${cache} is not a readable SQLite database (SQLITE_NOTADB: file is not a database)\n`);
    expect(res.stderr).toMatch(/hint: Move it aside/);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(fake.stats.requests).toBe(0);
  });

  it('Ctrl-C mid-run exits 130 with finished results on disk; the re-run sends only the rest', async () => {
    const docs = makeDocs(40);
    const env = testEnv(fake.baseURL);
    const out = join(tempDir(), 'out.jsonl');
    fake.setOptions({ latencyMs: 100 });
    const res = await runCli(['summarize', docs, '-c', '2', '-o', out, '--grace', '5'], {
      env, onSpawn: once(() => fake.stats.completed >= 6, (child) => child.kill('SIGINT')),
    });
    expect(res.code).toBe(130);
    const done = parseJsonl(readFileSync(out, 'utf8'));
    // Every answer the server gave before the stop (in-flight ones finish within --grace) is on
    // disk, once each; the run did stop early.
    expect(done.length).toBe(fake.stats.completed);
    expect(new Set(done.map((l) => l.id)).size).toBe(done.length);
    expect(done.length).toBeGreaterThanOrEqual(6);
    expect(done.length).toBeLessThan(40);
    expect(done.every((l) => l.error === null)).toBe(true);
    const sent = fake.stats.completed;
    fake.reset();
    fake.setOptions({ latencyMs: 0 });
    const again = await runCli(['summarize', docs, '-c', '2', '-o', out], { env });
    expect(again.code).toBe(0);
    expect(fake.stats.requests).toBe(40 - sent);
    expect(parseJsonl(readFileSync(out, 'utf8'))).toHaveLength(40);
  });

  it('SIGTERM stops the run like Ctrl-C (exit 130), and its message names SIGTERM, not Ctrl-C', async () => {
    fake.setOptions({ latencyMs: 300 });
    const res = await runCli(['summarize', makeDocs(20), '-c', '2', '--no-cache'], {
      env: testEnv(fake.baseURL), onSpawn: once(() => fake.stats.requests >= 1, (child) => child.kill('SIGTERM')),
    });
    expect(res.code).toBe(130);
    expect(res.stderr).toContain('interrupted: finishing in-flight requests (SIGTERM again to exit now)');
  });

  it('a second Ctrl-C exits at once; report --list and report last still show what the run recorded and spent', async () => {
    const docs = makeDocs(40);
    const env = testEnv(fake.baseURL);
    fake.setOptions({ latencyMs: 600 });
    const res = await runCli(['summarize', docs, '-c', '8', '-o', join(tempDir(), 'out.jsonl')], {
      env,
      // Past the ledger's 100 ms write batching, then twice while requests are in flight.
      onSpawn: once(() => fake.stats.completed >= 6, (child) => setTimeout(() => {
        child.kill('SIGINT');
        setTimeout(() => child.kill('SIGINT'), 30);
      }, 300)),
    });
    expect(res.code).toBe(130);
    expect(res.stderr).toContain('interrupted again: exiting now');
    const list = await runCli(['report', '--list', '--json'], { env });
    expect(list.code).toBe(0);
    const [run] = JSON.parse(list.stdout);
    expect(run.status).toBe('unfinished');
    expect(run.documents).toBeGreaterThanOrEqual(6);
    expect(run.cost_usd).toBeGreaterThan(0);
    const last = await runCli(['report', 'last', '--json'], { env });
    expect(last.code, last.stderr).toBe(0);
    const report = JSON.parse(last.stdout);
    expect(report.run_id).toBe(run.id);
    expect(report.interrupted).toBe(true);
    expect(report.documents.done).toBe(run.documents);
    expect(report.cost_usd).toBeCloseTo(run.cost_usd, 12);
    expect(report.warnings[0]).toMatch(/^This run is unfinished: its process ended before writing its report/);
  });

  it('stdout closed by its reader (| head) stops the run like Ctrl-C: exit 130, one stop message, answers kept in the cache', async () => {
    const docs = makeDocs(40);
    const env = testEnv(fake.baseURL);
    fake.setOptions({ latencyMs: 50 });
    const res = await runCli(['summarize', docs, '-c', '2', '--grace', '5'], {
      env,
      onSpawn: (child) => child.stdout!.once('data', () => child.stdout!.destroy()),
    });
    expect(res.code).toBe(130);
    expect(res.stderr.match(/stdout was closed by its reader: stopping/g)).toHaveLength(1);
    expect(res.stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
    const sent = fake.stats.completed;
    expect(sent).toBeGreaterThanOrEqual(1);
    expect(sent).toBeLessThan(40);
    fake.reset();
    fake.setOptions({ latencyMs: 0 });
    const out = join(tempDir(), 'out.jsonl');
    const again = await runCli(['summarize', docs, '-c', '2', '-o', out], { env });
    expect(again.code).toBe(0);
    expect(fake.stats.requests).toBe(40 - sent);
    expect(parseJsonl(readFileSync(out, 'utf8'))).toHaveLength(40);
  });

  it('with --no-cache, the stop message on a closed stdout does not promise the answers from the cache', async () => {
    fake.setOptions({ latencyMs: 50 });
    const res = await runCli(['summarize', makeDocs(20), '-c', '2', '--grace', '5', '--no-cache'], {
      env: testEnv(fake.baseURL),
      onSpawn: (child) => child.stdout!.once('data', () => child.stdout!.destroy()),
    });
    expect(res.code).toBe(130);
    expect(res.stderr).toMatch(/stdout was closed by its reader: stopping \(with --no-cache, a run again with --out FILE sends everything again\)/);
    expect(res.stderr).not.toMatch(/in the cache/);
  });

  it('an --out or --report that cannot be written fails before anything is sent (exit 2)', async () => {
    const docs = makeDocs(5);
    const env = testEnv(fake.baseURL);
    const dir = tempDir();
    writeFileSync(join(dir, 'afile'), 'in the way');
    for (const args of [['-o', join(dir, 'afile', 'out.jsonl')], ['-o', join(dir, 'afile', 'folder') + '/'], ['--report', join(dir, 'afile', 'r.json')]]) {
      const res = await runCli(['summarize', docs, ...args], { env });
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(/^error: Cannot write (--out|--report) .*afile.* is a file, not a folder\nhint: .*Nothing was sent\.\n$/);
    }
    expect(fake.stats.requests).toBe(0);
  });

  it('an --out file or --report that names an existing folder fails before anything is sent (exit 2)', async () => {
    const docs = makeDocs(5);
    const env = testEnv(fake.baseURL);
    const dir = tempDir();
    mkdirSync(join(dir, 'out.jsonl'));
    mkdirSync(join(dir, 'r.json'));
    for (const [flag, name] of [['-o', 'out.jsonl'], ['--report', 'r.json']]) {
      const res = await runCli(['summarize', docs, flag, join(dir, name)], { env });
      expect(res.code, flag).toBe(2);
      expect(res.stderr).toBe(`error: Cannot write ${flag === '-o' ? '--out' : '--report'} ${join(dir, name)}: ${join(dir, name)} is a folder\nhint: Give a file name that is not a folder (or move the folder aside). Nothing was sent.\n`);
    }
    expect(fake.stats.requests).toBe(0);
    expect(readdirSync(join(dir, 'out.jsonl'))).toEqual([]);
  });

  it('an --out or --report that would replace an input, or an --out folder holding the inputs, fails before anything is sent (exit 2)', async () => {
    const env = testEnv(fake.baseURL);
    const dir = tempDir();
    const records = join(dir, 'tickets.jsonl');
    const doc = join(dir, 'notes.md');
    writeFileSync(records, '{"id":"t1","text":"printer on fire"}\n');
    writeFileSync(doc, '# Notes\nKeep me.\n');
    symlinkSync(doc, join(dir, 'link.md'));
    const cases: [string[], RegExp][] = [
      [['run', records, '-p', 'summarize', '-o', records], /^error: --out .*tickets\.jsonl is also an input: writing it would replace that file$/m],
      [['summarize', doc, '--report', doc], /^error: --report .*notes\.md is also an input/m],
      [['summarize', doc, '--report', join(dir, 'link.md')], /^error: --report .*link\.md is also an input/m],
      [['summarize', dir, '-o', dir + '/'], /^error: --out .* holds the input folder .*: its files would count as outputs and never be read$/m],
    ];
    for (const [args, message] of cases) {
      const res = await runCli(args, { env });
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(message);
      expect(res.stderr).toMatch(/^hint: .*Nothing was sent\.$/m);
    }
    expect(fake.stats.requests).toBe(0);
    expect(readFileSync(records, 'utf8')).toBe('{"id":"t1","text":"printer on fire"}\n');
    expect(readFileSync(doc, 'utf8')).toBe('# Notes\nKeep me.\n');
    // Inside the input folder is fine: the outputs are skipped there.
    const ok = await runCli(['summarize', dir, '-o', join(dir, 'summaries') + '/', '--report', join(dir, 'report.md')], { env });
    expect(ok.code).toBe(0);
  });

  it('two inputs holding the same relative path both get an output (ids x.md and x.md~2)', async () => {
    const a = tempDir();
    const b = tempDir();
    writeFileSync(join(a, 'x.md'), 'Apples are red.\n');
    writeFileSync(join(b, 'x.md'), 'Bananas are yellow.\n');
    const out = tempDir();
    fake.setOptions({ respond: (r) => `summary of: ${String(r.messages.at(-1)?.content).includes('Apples') ? 'apples' : 'bananas'}` });
    const res = await runCli(['summarize', a, b, '-o', out + '/'], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(0);
    expect(readFileSync(join(out, 'x.md.md'), 'utf8')).toBe('summary of: apples\n');
    expect(readFileSync(join(out, 'x.md~2.md'), 'utf8')).toBe('summary of: bananas\n');
  });

  it('an output folder that goes away mid-run ends with one clear error; the re-run sends only the rest', async () => {
    const docs = makeDocs(12);
    const env = testEnv(fake.baseURL);
    const out = join(tempDir(), 'out');
    fake.setOptions({ latencyMs: 60 });
    const res = await runCli(['summarize', docs, '-c', '1', '-o', out + '/'], {
      env,
      onSpawn: () => {
        const poll = setInterval(() => {
          if (fake.stats.completed >= 3) {
            clearInterval(poll);
            renameSync(out, `${out}.moved`); // atomic, unlike removing a folder being written to
            writeFileSync(out, 'a file where the folder was');
          }
        }, 5);
      },
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/error: Cannot write .*out.*is a file, not a folder\nhint: The answers received so far are in the cache/);
    expect(res.stderr).not.toContain('this is a bug');
    const sent = fake.stats.completed;
    expect(sent).toBeLessThan(12);
    rmSync(out);
    fake.reset();
    fake.setOptions({ latencyMs: 0 });
    const again = await runCli(['summarize', docs, '-c', '1', '-o', out + '/'], { env });
    expect(again.code).toBe(0);
    expect(fake.stats.requests).toBe(12 - sent);
    expect(allFiles(out)).toHaveLength(12);
  });

  it('with --no-cache, an output folder that goes away mid-run does not promise the answers from the cache', async () => {
    const docs = makeDocs(12);
    const out = join(tempDir(), 'out');
    fake.setOptions({ latencyMs: 60 });
    const res = await runCli(['summarize', docs, '-c', '1', '--no-cache', '-o', out + '/'], {
      env: testEnv(fake.baseURL),
      onSpawn: () => {
        const poll = setInterval(() => {
          if (fake.stats.completed >= 3) {
            clearInterval(poll);
            renameSync(out, `${out}.moved`);
            writeFileSync(out, 'a file where the folder was');
          }
        }, 5);
      },
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/error: Cannot write .*out.*is a file, not a folder\nhint: Fix the problem \(space, permissions\) and run the same command again; with --no-cache, every answer is paid for again\.\n/);
    expect(res.stderr).not.toMatch(/in the cache/);
  });

  it('a --report that cannot be written after the run says the results are written and how to get the report from the ledger', async () => {
    const docs = makeDocs(4);
    const dir = tempDir();
    const cache = join(dir, 'my cache', 'c.sqlite');
    const reportDir = join(dir, 'reports');
    fake.setOptions({ latencyMs: 60 });
    const res = await runCli(['summarize', docs, '-c', '1', '--cache', cache, '-o', join(dir, 'out.jsonl'), '--report', join(reportDir, 'r.json')], {
      env: testEnv(fake.baseURL),
      onSpawn: () => {
        const poll = setInterval(() => {
          if (fake.stats.completed >= 1) {
            clearInterval(poll);
            rmSync(reportDir, { recursive: true, force: true });
            writeFileSync(reportDir, 'a file where the folder was');
          }
        }, 5);
      },
    });
    expect(res.code).toBe(1);
    expect(parseJsonl(readFileSync(join(dir, 'out.jsonl'), 'utf8')).map((l) => l.error)).toEqual([null, null, null, null]);
    const m = /\nhint: The run finished and its results were written; once the problem is fixed, llmbatch report (\S+) --cache '(.+)' --format json prints the report from the ledger\.\n/.exec(res.stderr);
    expect(m, res.stderr).not.toBeNull();
    expect(m![2]).toBe(cache);
    // The hint's command works.
    const again = await runCli(['report', m![1], '--cache', m![2], '--format', 'json'], { env: testEnv(fake.baseURL) });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ run_id: m![1], documents: { done: 4 } });
  });

  it('outputs written inside the input folder are never read back as documents', async () => {
    const docs = makeDocs(6);
    const env = testEnv(fake.baseURL);
    const args = ['summarize', docs, '-o', join(docs, 'summaries') + '/', '--report', join(docs, 'report.json')];
    expect((await runCli(args, { env })).code).toBe(0);
    expect(fake.stats.requests).toBe(6);
    fake.reset();
    const again = await runCli(args, { env });
    expect(again.code).toBe(0);
    expect(fake.stats.requests).toBe(0);
    const report = JSON.parse(readFileSync(join(docs, 'report.json'), 'utf8'));
    expect(report.documents).toMatchObject({ total: 6, done: 6, cached: 6, skipped: 0 });
    expect(allFiles(join(docs, 'summaries'))).toHaveLength(6);
  });

  it('a document bigger than the context window completes through chunks (map-reduce)', async () => {
    const dir = makeDocs(3);
    mkdirSync(join(dir, 'big'), { recursive: true });
    const sentence = (i: number) => `Paragraph ${i} reports that the Orion project shipped release ${i}.${i % 10} on schedule. `;
    const paragraphs = Array.from({ length: 3000 }, (_, i) => sentence(i).repeat(4)).join('\n\n');
    writeFileSync(join(dir, 'big/huge.txt'), paragraphs);
    const res = await runCli(['summarize', dir, '--no-cache', '-m', 'gpt-3.5-turbo'], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(0);
    const lines = parseJsonl(res.stdout);
    expect(lines).toHaveLength(4);
    const big = lines.find((l) => l.id === 'big/huge.txt');
    expect(big.error).toBeNull();
    expect(big.chunks).toBeGreaterThanOrEqual(8);
    expect(lines.filter((l) => l.id !== 'big/huge.txt').every((l) => l.chunks === 1)).toBe(true);
    // every chunk call, then at least one reduce call over the partial answers
    expect(fake.stats.requests).toBeGreaterThanOrEqual(3 + big.chunks + 1);
    const longest = Math.max(...fake.stats.log.map((e: any) => e.messages.map((m: any) => m.content).join('').length));
    expect(longest).toBeLessThan(16_385 * 4);
  });

  it('identical requests share one call', async () => {
    const dir = tempDir();
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, `same-${i}.txt`), 'The very same text in every file.\n');
    fake.setOptions({ latencyMs: 50 });
    const res = await runCli(['summarize', dir, '--no-cache', '-c', '5'], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(0);
    expect(parseJsonl(res.stdout)).toHaveLength(5);
    expect(fake.stats.requests).toBe(1);
  });

  it('times out slow requests and retries them', async () => {
    const docs = makeDocs(2);
    fake.setOptions({ latencyMs: 1500 });
    const res = await runCli(['summarize', docs, '--no-cache', '--timeout', '0.3', '--retries', '1'], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(1);
    const lines = parseJsonl(res.stdout);
    expect(lines).toHaveLength(2);
    expect(lines.every((l) => /timed out|no reply/.test(l.error) && l.attempts === 2)).toBe(true);
    expect(fake.stats.requests).toBe(4); // two documents, two attempts each
  });

  it('a prompt with an unknown placeholder is refused before anything is sent (exit 2), in run, summarize, estimate and compare', async () => {
    const docs = makeDocs(3);
    const dir = tempDir();
    const typo = join(dir, 'typo.txt');
    writeFileSync(typo, 'Summarize in one line:\n\n{{documnet}}\n');
    const env = testEnv(fake.baseURL);
    for (const args of [
      ['run', docs, '-p', typo],
      ['summarize', docs, '--system', 'Answer in {{language}}.'],
      ['estimate', docs, '-p', typo],
      ['compare', docs, '-p', 'summarize', '-p', typo],
      ['compare', docs, '-p', typo, '--live'],
    ]) {
      const res = await runCli(args, { env });
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr).toMatch(/^error: Unknown placeholder \{\{(documnet|language)\}\} in /m);
      expect(res.stderr).toMatch(/^hint: Did you mean \{\{document\}\}\? |^hint: .*\{\{field\.language\}\}/m);
      expect(res.stderr.split('\n').filter(Boolean)).toHaveLength(2);
      expect(res.stdout).toBe('');
    }
    expect((await runCli(['run', docs, '-p', typo], { env })).stderr).toContain(typo);
    expect(fake.stats.requests).toBe(0);

    // JSON braces in an extract prompt are not placeholders: it runs.
    const json = join(dir, 'extract.txt');
    writeFileSync(json, 'Answer with {"title": "…", "tags": [{"name": "…"}]} for {{ id }}:\n\n{{document}}');
    const ok = await runCli(['run', docs, '-p', json, '--no-cache'], { env });
    expect(ok.code).toBe(0);
    expect(fake.stats.requests).toBe(3);
  });

  it('works with no key against a local server that needs none', async () => {
    fake.setOptions({ apiKey: undefined });
    const docs = makeDocs(3);
    const res = await runCli(['summarize', docs, '--no-cache'], { env: testEnv(fake.baseURL, { OPENAI_API_KEY: undefined }) });
    expect(res.code).toBe(0);
    expect(parseJsonl(res.stdout)).toHaveLength(3);
  });

  it('refuses to call api.openai.com without a key (exit 2, nothing sent)', async () => {
    const res = await runCli(['summarize', FIXTURES], { env: testEnv(undefined, { OPENAI_API_KEY: undefined }) });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/No API key: set OPENAI_API_KEY/);
    expect(res.stderr.split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
    expect(res.stdout).toBe(''); // no record: it stopped before reading or sending
  });
});

describe('a server that shortens long prompts without an error (Ollama past its num_ctx)', () => {
  it('says so once per model, delivers the answers, and does not cache them', async () => {
    // The server reads at most 512 prompt tokens of anything and bills what it read.
    fake.setOptions({ respond: ({ messages }) => ({ content: 'A summary of what I read.', usage: { prompt_tokens: Math.min(512, Math.ceil(JSON.stringify(messages).length / 4)) } }) });
    const cwd = tempDir('llmbatch-trunc-');
    const docs = join(cwd, 'docs');
    mkdirSync(docs);
    const para = 'The committee reviewed the budget line by line and agreed to move the spring release by two weeks. ';
    writeFileSync(join(docs, 'a-long.txt'), para.repeat(400)); // ~40 KB, ~8,000 tokens
    writeFileSync(join(docs, 'b-long.txt'), para.repeat(300));
    writeFileSync(join(docs, 'c-short.txt'), para);
    const env = testEnv(fake.baseURL, { XDG_CACHE_HOME: join(cwd, 'cache') });
    const first = await runCli(['summarize', docs], { env, cwd });
    expect(first.code, first.stderr).toBe(0);
    expect(parseJsonl(first.stdout).map((r) => [r.id, r.error])).toEqual([['a-long.txt', null], ['b-long.txt', null], ['c-short.txt', null]]);
    const warning = first.stderr.split('\n').filter((l) => l.includes('shortened'));
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatch(/shortened 2 prompts for gpt-4o-mini without an error \(it read 512 prompt tokens where llmbatch counts [\d,]+\).*not cached.*OLLAMA_CONTEXT_LENGTH/);
    // The re-run asks again for the two shortened answers only; the short document is cached.
    fake.reset();
    const second = await runCli(['summarize', docs], { env, cwd });
    expect(second.code).toBe(0);
    expect(fake.stats.requests).toBe(2);
    expect(parseJsonl(second.stdout).map((r) => r.cached)).toEqual([false, false, true]);
  });

  it('a count short by a cached prompt prefix (older Ollama) is not called a cut', async () => {
    // ~1,500-token prompts; the server leaves ~850 tokens of a cached prefix (a long system
    // prompt) out of its count: under 70% of llmbatch's count, but not 1,024 tokens short.
    fake.setOptions({ respond: ({ messages }) => ({ content: 'A summary.', usage: { prompt_tokens: Math.max(1, Math.ceil(JSON.stringify(messages).length / 4) - 850) } }) });
    const cwd = tempDir('llmbatch-trunc-');
    const docs = join(cwd, 'docs');
    mkdirSync(docs);
    const para = 'The committee reviewed the budget line by line and agreed to move the spring release by two weeks. ';
    for (const n of [1, 2, 3]) writeFileSync(join(docs, `d${n}.txt`), `${n}. ${para.repeat(70)}`);
    const env = testEnv(fake.baseURL, { XDG_CACHE_HOME: join(cwd, 'cache') });
    const first = await runCli(['summarize', docs], { env, cwd });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).not.toContain('shortened');
    fake.reset();
    expect((await runCli(['summarize', docs], { env, cwd })).code).toBe(0);
    expect(fake.stats.requests).toBe(0); // all answers were cached
  });
});
