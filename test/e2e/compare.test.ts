import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeOpenAI } from '../support/fake-openai.js';
import { FIXTURES, TEST_KEY, makeDocs, runCli, tempDir, testEnv } from '../support/cli.js';
import { writeOldLedger } from '../support/old-ledger.js';

type Fake = Awaited<ReturnType<typeof startFakeOpenAI>>;
let fake: Fake;
let prompts: { verbose: string; concise: string };

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: TEST_KEY });
  const dir = tempDir('llmbatch-prompts-');
  prompts = { verbose: join(dir, 'verbose.txt'), concise: join(dir, 'concise.txt') };
  writeFileSync(prompts.verbose, 'Summarize the document below in detail: every section, every decision, every number.\n\n{{document}}\n');
  writeFileSync(prompts.concise, 'TL;DR in one line:\n\n{{document}}\n');
});
afterAll(async () => fake.close());
beforeEach(() => {
  fake.setOptions({ latencyMs: 0, jitterMs: 0 });
  fake.reset();
});

const VARIANT_KEYS = ['name', 'prompt', 'model', 'compress', 'documents', 'input_tokens', 'output_tokens', 'cost_usd',
  'delta_tokens_pct', 'delta_cost_pct', 'latency_ms', 'similarity'];

describe('compare offline', () => {
  it('prints the §15 JSON, with the same input tokens as estimate for each prompt, and sends nothing', async () => {
    const env = testEnv(fake.baseURL);
    const res = await runCli(['compare', FIXTURES, '-p', prompts.verbose, '-p', prompts.concise, '--json'], { env });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.baseline).toBe('verbose@gpt-4o-mini');
    expect(out.gates).toEqual([]);
    expect(out.variants.map((v: any) => v.name)).toEqual(['verbose@gpt-4o-mini', 'concise@gpt-4o-mini']);
    for (const v of out.variants) {
      for (const k of VARIANT_KEYS) expect(v).toHaveProperty(k);
      expect(v).toMatchObject({ model: 'gpt-4o-mini', compress: 'none', latency_ms: null, similarity: null, output_source: 'fill-ratio' });
      expect(typeof v.cost_usd).toBe('number');
      expect(v.latencies).toBeUndefined();
    }
    expect(out.variants[0]).toMatchObject({ delta_tokens_pct: 0, delta_cost_pct: 0 });
    expect(out.variants[1].delta_cost_pct).toBeLessThan(0);
    expect(fake.stats.requests).toBe(0);

    for (const [i, p] of [prompts.verbose, prompts.concise].entries()) {
      const est = await runCli(['estimate', FIXTURES, '-p', p, '--json'], { env });
      expect(est.code).toBe(0);
      const e = JSON.parse(est.stdout);
      expect(out.variants[i].input_tokens).toBe(e.models[0].input_tokens);
      expect(out.variants[i].documents).toBe(e.documents);
    }
  });

  it('exits 3 with the gate and its numbers when a variant costs more than --max-increase allows', async () => {
    const res = await runCli(['compare', FIXTURES, '-p', prompts.concise, '-m', 'gpt-4o-mini,gpt-4.1', '--max-increase', '10', '--json'], { env: testEnv() });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/gate failed: max-increase: concise@gpt-4\.1: \+\d[\d.,]*% cost vs baseline concise@gpt-4o-mini \(limit \+10%\)/);
    const out = JSON.parse(res.stdout);
    expect(out.gates).toEqual([{ name: 'max-increase', passed: false, reason: expect.stringContaining('concise@gpt-4.1') }]);

    const ok = await runCli(['compare', FIXTURES, '-p', prompts.verbose, '-p', prompts.concise, '--max-increase', '0', '--max-cost', '5'], { env: testEnv() });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/all gates passed/);
  });

  it('names the choices when --baseline matches no variant (exit 2)', async () => {
    const res = await runCli(['compare', FIXTURES, '-p', prompts.concise, '--baseline', 'nope'], { env: testEnv() });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--baseline "nope" is not one of the variants/);
    expect(res.stderr).toMatch(/concise@gpt-4o-mini/);
  });

  it('--format md is a Markdown table and --format html one self-contained page with charts', async () => {
    const args = ['compare', FIXTURES, '-p', prompts.verbose, '-p', prompts.concise, '--compress', 'none', '--compress', 'whitespace,dedupe'];
    const md = await runCli([...args, '--format', 'md'], { env: testEnv() });
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^### llmbatch compare: offline estimate/);
    expect(md.stdout).toMatch(/^\| variant \| docs \| input tok \|/m);
    expect(md.stdout).toMatch(/^\| --- \| ---: \|/m);
    expect(md.stdout).toContain('concise@gpt-4o-mini+whitespace+dedupe');
    const html = await runCli([...args, '--format', 'html'], { env: testEnv() });
    expect(html.code).toBe(0);
    expect(html.stdout).toMatch(/^<!doctype html>/i);
    expect(html.stdout).toContain('<svg');
    expect(html.stdout).toContain('verbose@gpt-4o-mini+whitespace+dedupe');
    expect(html.stdout).not.toMatch(/(src|href)="https?:/);
  });

  it('table, md and html show the tokens before compression when a variant is compressed', async () => {
    const args = ['compare', FIXTURES, '-p', prompts.concise, '--compress', 'whitespace,dedupe,markup', '--compress', 'none'];
    const json = JSON.parse((await runCli([...args, '--json'], { env: testEnv() })).stdout);
    const [compressed, plain] = json.variants;
    expect(compressed.input_tokens_before_compression).toBeGreaterThan(compressed.input_tokens);
    expect(plain.input_tokens_before_compression).toBe(plain.input_tokens);
    const fmt = (n: number) => n.toLocaleString('en-US');
    const row = new RegExp(`concise@gpt-4o-mini\\+whitespace\\+dedupe\\+markup.*${fmt(compressed.input_tokens)}.*${fmt(compressed.input_tokens_before_compression)}`, 'm');
    for (const format of ['table', 'md', 'html']) {
      const res = await runCli([...args, '--format', format], { env: testEnv() });
      expect(res.code).toBe(0);
      expect(res.stdout).toContain('before compression');
      expect(res.stdout).toMatch(row);
    }
    // Nothing compressed: no such column.
    const none = await runCli(['compare', FIXTURES, '-p', prompts.concise, '--format', 'md'], { env: testEnv() });
    expect(none.stdout).not.toContain('before compression');
  });
});

describe('compare offline: output estimate from the ledger', () => {
  const detail = 'Summarize the document below in detail: every section, every decision, every number.\n\n{{document}}\n';
  const oneLine = 'TL;DR in one line:\n\n{{document}}\n';

  /** compare's variants, offline (nothing sent). */
  async function compare(env: Record<string, string | undefined>, docs: string, ...prompts: string[]): Promise<any[]> {
    const res = await runCli(['compare', docs, ...prompts.flatMap((p) => ['-p', p]), '--json'], { env });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    return JSON.parse(res.stdout).variants;
  }

  async function liveRun(env: Record<string, string | undefined>, docs: string, prompt: string): Promise<any> {
    const run = await runCli(['run', docs, '-p', prompt, '-o', join(tempDir(), 'out.jsonl'), '-q'], { env });
    expect(run.code).toBe(0);
    return JSON.parse((await runCli(['report', 'last', '--json'], { env })).stdout);
  }

  it('uses past answers to the same text only: an edited prompt file (same name) is not estimated from the old text\'s answers', async () => {
    const docs = makeDocs(4);
    const env = testEnv(fake.baseURL);
    const dir = tempDir('llmbatch-prompts-');
    const summary = join(dir, 'summary.txt');
    writeFileSync(summary, detail);
    const report = await liveRun(env, docs, summary);
    expect(fake.stats.requests).toBe(4);

    // Unchanged: the mean of its 4 answers.
    const [same] = await compare(env, docs, summary);
    expect(same).toMatchObject({ output_source: 'ledger', output_samples: 4, output_tokens: report.tokens.output });

    // A pull request edits the file (README "In CI"): same name, new text. Its old answers say
    // nothing about the new one; the base branch's copy (another name, the text that ran) keeps them.
    const base = join(dir, 'summary-base.txt');
    writeFileSync(base, detail);
    writeFileSync(summary, oneLine);
    // The two are compared on one footing: the edited text has no answers yet, so both come
    // from the fill ratio (a ledger mean beside a fill-ratio guess read as +100 % on any edit).
    const [old, edited] = await compare(env, docs, base, summary);
    expect(edited).toMatchObject({ name: 'summary@gpt-4o-mini', output_source: 'fill-ratio', output_samples: 0 });
    expect(old).toMatchObject({ name: 'summary-base@gpt-4o-mini', output_source: 'fill-ratio', output_samples: 0, output_tokens: edited.output_tokens });
    // A shorter prompt, same answers budget: cheaper, so a 10 % gate passes (it failed at +100 %).
    const gate = await runCli(['compare', docs, '-p', base, '-p', summary, '--max-increase', '10', '--json'], { env });
    expect(gate.code, gate.stderr).toBe(0);
    const out = JSON.parse(gate.stdout);
    expect(out.variants[1].delta_cost_pct).toBeLessThan(0);
    expect(out.notes).toContain('Output tokens for every variant from the fill ratio: summary@gpt-4o-mini has no past answers in the ledger (a new or edited prompt), and estimates from two sources would not compare');
    expect(fake.stats.requests).toBe(4);
  });

  it('a ledger written before prompt hashes: report still reads it, its answers estimate nothing, new runs\' answers do', async () => {
    const docs = makeDocs(4);
    const prompt = join(tempDir('llmbatch-prompts-'), 'summary.txt');
    writeFileSync(prompt, detail);
    const before = testEnv(fake.baseURL);
    const oldReport = await liveRun(before, docs, prompt);
    // The same runs and rows in a file with the schema the code before migration 002 wrote.
    const env = testEnv(fake.baseURL);
    mkdirSync(join(env.XDG_CACHE_HOME!, 'llmbatch'), { recursive: true });
    await writeOldLedger(join(env.XDG_CACHE_HOME!, 'llmbatch', 'ledger.sqlite'), join(before.XDG_CACHE_HOME!, 'llmbatch', 'ledger.sqlite'));

    const [unknown] = await compare(env, docs, prompt);
    expect(unknown).toMatchObject({ output_source: 'fill-ratio', output_samples: 0 });
    const last = await runCli(['report', 'last', '--json'], { env });
    expect(last.code).toBe(0);
    expect(JSON.parse(last.stdout)).toEqual(oldReport);

    const newReport = await liveRun(env, docs, prompt);
    const [known] = await compare(env, docs, prompt);
    expect(known).toMatchObject({ output_source: 'ledger', output_samples: 4, output_tokens: newReport.tokens.output });
    const list = await runCli(['report', '--list', '--json'], { env });
    expect(JSON.parse(list.stdout).map((r: any) => r.id)).toEqual([newReport.run_id, oldReport.run_id]);
    const ab = await runCli(['report', oldReport.run_id, newReport.run_id, '--json'], { env });
    expect(ab.code).toBe(0);
  });
});

describe('compare offline: calls beside the answer', () => {
  it('prices llm compression\'s condense calls and a route\'s escalation as run --dry-run\'s --budget bound does', async () => {
    const env = testEnv(fake.baseURL);
    const dir = tempDir();
    const route = join(dir, 'route.yaml');
    writeFileSync(route, 'routes:\n  - model: gpt-4o-mini\n    escalate: { to: gpt-4.1, if: "shorter-than:1000" }\n');
    for (const extra of [['--compress', 'llm'], ['--route', route]]) {
      const cmp = await runCli(['compare', FIXTURES, '-p', 'summarize', ...extra, '--json'], { env });
      expect(cmp.code, cmp.stderr).toBe(0);
      const dry = await runCli(['summarize', FIXTURES, ...extra, '--dry-run', '--json'], { env });
      expect(dry.code, dry.stderr).toBe(0);
      const v = JSON.parse(cmp.stdout).variants.at(-1); // with --route, the routed variant comes after the plain one
      // The same calls, the same upper bound (nothing is cached here).
      expect(v.cost_high, extra.join(' ')).toBeCloseTo(JSON.parse(dry.stdout).upper_bound_usd, 10);
      expect(JSON.parse(cmp.stdout).notes.join('\n')).toMatch(extra[0] === '--compress' ? /the cost includes \d+ condense calls of llm compression \(gpt-4\.1-nano\)/ : /the high end includes \d+ escalations/);
    }
    expect(fake.stats.requests).toBe(0);
  });

  it('an llm-compressed variant costs more than the same prompt without it: each document adds a condense call', async () => {
    const res = await runCli(['compare', FIXTURES, '-p', 'summarize', '--compress', 'none', '--compress', 'llm', '--json'], { env: testEnv(fake.baseURL) });
    expect(res.code, res.stderr).toBe(0);
    const [plain, llm] = JSON.parse(res.stdout).variants;
    expect(llm.cost_usd).toBeGreaterThan(plain.cost_usd);
    expect(llm.delta_cost_pct).toBeGreaterThan(0);
  });
});

describe('compare --live', () => {
  it('refuses --out, --report and --metrics (exit 2, nothing sent): it never wrote them; a config\'s out:/report: do not get in its way', async () => {
    const docs = makeDocs(3);
    const dir = tempDir();
    const env = testEnv(fake.baseURL);
    for (const [flag, value] of [['--out', join(dir, 'o.jsonl')], ['-o', join(dir, 'res') + '/'], ['--report', join(dir, 'r.md')], ['--metrics', join(dir, 'm.prom')]]) {
      const res = await runCli(['compare', docs, '-p', 'summarize', '-p', 'bullets', '--live', flag, value], { env });
      expect(res.code, flag).toBe(2);
      expect(res.stderr).toMatch(/^error: compare does not take --(out|report|metrics): it prints the comparison on stdout\nhint: Redirect it: llmbatch compare … --format md > compare.md/);
    }
    expect(fake.stats.requests).toBe(0);
    expect((await runCli(['compare', '--help'], { env })).stdout).not.toMatch(/--out|--report|--metrics/);
    writeFileSync(join(dir, 'llmbatch.config.yaml'), 'out: results/\nreport: report.md\n');
    const res = await runCli(['compare', docs, '-p', 'summarize', '-p', 'bullets', '--live', '--json'], { env, cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).variants).toHaveLength(2);
  });

  it('runs 2 prompts × 2 models through the engine: latency, similarity, estimate error; a re-run is cached', async () => {
    const docs = makeDocs(6, { words: 60 });
    const env = testEnv(fake.baseURL);
    fake.setOptions({ latencyMs: 20, jitterMs: 20 });
    const args = ['compare', docs, '-p', prompts.verbose, '-p', prompts.concise, '-m', 'gpt-4o-mini,gpt-4.1-mini', '--live', '-c', '3', '--json'];
    const res = await runCli(args, { env });
    expect(res.code).toBe(0);
    expect(fake.stats.requests).toBe(24);
    expect(fake.stats.maxInFlight).toBeLessThanOrEqual(3);
    expect(new Set(fake.stats.log.map((l) => l.model))).toEqual(new Set(['gpt-4o-mini', 'gpt-4.1-mini']));
    expect(res.stderr).toMatch(/variant 1\/4: verbose@gpt-4o-mini/);
    const out = JSON.parse(res.stdout);
    expect(out.live).toBe(true);
    expect(out.variants.map((v: any) => v.name)).toEqual(['verbose@gpt-4o-mini', 'verbose@gpt-4.1-mini', 'concise@gpt-4o-mini', 'concise@gpt-4.1-mini']);
    for (const v of out.variants) {
      for (const k of VARIANT_KEYS) expect(v).toHaveProperty(k);
      expect(v).toMatchObject({ documents: 6, failed: 0, output_source: 'measured' });
      expect(v.latency_ms.p50).toBeGreaterThanOrEqual(15);
      expect(v.latency_ms.p95).toBeGreaterThanOrEqual(v.latency_ms.p50);
      expect(v.similarity).toBeGreaterThanOrEqual(0);
      expect(v.similarity).toBeLessThanOrEqual(1);
      expect(v.similarity_worst).toBeLessThanOrEqual(v.similarity);
      expect(Object.keys(v.estimate_error_pct)).toEqual(['input_tokens', 'output_tokens', 'cost']);
      expect(typeof v.estimate_error_pct.input_tokens).toBe('number');
      expect(v.cost_usd).toBeGreaterThan(0);
    }
    expect(out.variants[0]).toMatchObject({ similarity: 1, similarity_worst: 1, delta_cost_pct: 0 });
    // The fake answers deterministically ("Summary (<model>): " and the prompt's first words), so
    // the scores are exact: the same prompt on the other model differs only in the model's name;
    // the concise prompt's answers share much less with the baseline's.
    const by = Object.fromEntries(out.variants.map((v: any) => [v.name, v]));
    expect(by['verbose@gpt-4.1-mini'].similarity).toBeCloseTo(30 / 33, 9);
    expect(by['concise@gpt-4o-mini'].similarity).toBeCloseTo(10 / 33, 9);
    expect(by['concise@gpt-4.1-mini'].similarity).toBeCloseTo(8 / 34, 9);
    // Costs are the measured usage at list prices (per million tokens: gpt-4o-mini $0.15 / $0.60).
    for (const name of ['verbose@gpt-4o-mini', 'concise@gpt-4o-mini']) {
      expect(by[name].cost_usd).toBeCloseTo((by[name].input_tokens * 0.15 + by[name].output_tokens * 0.6) / 1e6, 12);
    }

    // One ledger run per variant.
    const list = await runCli(['report', '--list', '--json'], { env });
    expect(JSON.parse(list.stdout).filter((r: any) => r.command.includes('[variant ')).length).toBe(4);

    fake.reset();
    const again = await runCli(args, { env });
    expect(again.code).toBe(0);
    expect(fake.stats.requests).toBe(0);
    const cached = JSON.parse(again.stdout);
    // List prices: a cached re-run compares the same costs (and gates) as the first run.
    cached.variants.forEach((v: any, i: number) => expect(v.cost_usd).toBeCloseTo(out.variants[i].cost_usd, 12));
    expect(cached.variants.every((v: any) => v.latency_ms === null)).toBe(true);
    expect(cached.notes.join('\n')).toMatch(/came from the cache/);
  });

  it('--budget is checked before anything is sent, against every variant together (each alone would fit)', async () => {
    const docs = makeDocs(4);
    const env = testEnv(fake.baseURL);
    const bound = async (prompt: string) => {
      const res = await runCli(['run', docs, '-p', prompt, '--dry-run', '--json'], { env });
      expect(res.code).toBe(0);
      return JSON.parse(res.stdout).upper_bound_usd as number;
    };
    const [verbose, concise] = [await bound(prompts.verbose), await bound(prompts.concise)];
    expect(verbose).toBeGreaterThan(0);
    expect(concise).toBeGreaterThan(0);
    const args = ['compare', docs, '-p', prompts.verbose, '-p', prompts.concise, '--live', '--json'];

    // Above either variant's bound, below both together: refused, exit 3, no request.
    const between = Math.max(verbose, concise) + Math.min(verbose, concise) / 2;
    const refused = await runCli([...args, '--budget', String(between)], { env });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^error: Estimated cost of the 2 variants up to \$[\d.]+ exceeds --budget/m);
    expect(refused.stderr).toMatch(/nothing was sent/);
    expect(refused.stdout).toBe('');
    expect(fake.stats.requests).toBe(0);

    // Enough for both: every document of both variants is sent.
    const ok = await runCli([...args, '--budget', String((verbose + concise) * 1.01)], { env });
    expect(ok.code).toBe(0);
    expect(fake.stats.requests).toBe(8);
  });

  it('a variant whose documents failed is not priced as cheaper: unknown cost when none answered, and the cost gates fail', async () => {
    fake.setOptions({ failModels: { 'gpt-4.1-nano': 500 } });
    try {
      const res = await runCli(['compare', makeDocs(3), '-p', prompts.concise, '-m', 'gpt-4o-mini,gpt-4.1-nano', '--live', '--retries', '0', '--no-cache',
        '--max-increase', '0', '--max-cost', '1', '--json'], { env: testEnv(fake.baseURL) });
      expect(res.code).toBe(3); // a gate failed (that beats exit 1 for the failed documents)
      const out = JSON.parse(res.stdout);
      const nano = out.variants.find((v: any) => v.model === 'gpt-4.1-nano');
      expect(nano).toMatchObject({ failed: 3, cost_usd: null, delta_cost_pct: null });
      const gates = out.gates.filter((g: any) => g.reason.startsWith(nano.name));
      expect(gates.map((g: any) => [g.name, g.passed])).toEqual([['max-cost', false], ['max-increase', false]]);
      expect(gates[0].reason).toMatch(/3 of 3 documents failed/);
      expect(res.stderr).toMatch(/gate failed: max-increase: .*3 of 3 documents failed/);
    } finally {
      fake.setOptions({ failModels: {} });
    }
  });

  it('renders the live table with p50/p95 and similarity columns, and needs a key for api.openai.com', async () => {
    const docs = makeDocs(3);
    const res = await runCli(['compare', docs, '-p', prompts.verbose, '-p', prompts.concise, '--live', '-q'], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/p50\s+p95\s+similarity\s+worst/);
    expect(res.stdout).toMatch(/Estimate vs actual/);
    expect(res.stderr).toBe('');

    const nokey = await runCli(['compare', docs, '-p', prompts.concise, '--live'], { env: testEnv(undefined, { OPENAI_API_KEY: undefined }) });
    expect(nokey.code).toBe(2);
    expect(nokey.stderr).toMatch(/No API key/);
  });
});

describe('compare --live passes on what the server turned out to be', () => {
  it('a server shortening long prompts is in the notes, under each variant it shortened', async () => {
    fake.setOptions({ respond: ({ messages }) => ({ content: 'A summary of what I read.', usage: { prompt_tokens: Math.min(512, Math.ceil(JSON.stringify(messages).length / 4)) } }) });
    try {
      const dir = tempDir('llmbatch-live-trunc-');
      const docs = join(dir, 'docs');
      mkdirSync(docs);
      writeFileSync(join(docs, 'long.txt'), 'The committee reviewed the budget line by line and agreed to move the spring release. '.repeat(400));
      const res = await runCli(['compare', docs, '-p', 'summarize', '-p', 'bullets', '--live', '--json'], { env: testEnv(fake.baseURL, { XDG_CACHE_HOME: join(dir, 'cache') }), cwd: dir });
      expect(res.code, res.stderr).toBe(0);
      const notes: string[] = JSON.parse(res.stdout).notes;
      const shortened = notes.filter((n) => n.includes('the server shortened a prompt for gpt-4o-mini'));
      expect(shortened.map((n) => n.split(':')[0])).toEqual(['summarize@gpt-4o-mini', 'bullets@gpt-4o-mini']);
    } finally {
      fake.setOptions({ respond: undefined });
    }
  });
});
