import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MODELS, startFakeOpenAI } from '../support/fake-openai.js';
import { FIXTURES, TEST_KEY, parseJsonl, runCli, tempDir, testEnv } from '../support/cli.js';
import { openDb } from '../../src/ledger/sqlite.js';

let fake: Awaited<ReturnType<typeof startFakeOpenAI>>;
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: TEST_KEY });
});
afterAll(async () => fake.close());
beforeEach(() => {
  fake.setOptions({ failModels: {}, respond: undefined, latencyMs: 0 });
  fake.reset();
});

function corpus(): string {
  const dir = tempDir('llmbatch-route-');
  mkdirSync(join(dir, 'short'), { recursive: true });
  mkdirSync(join(dir, 'long'), { recursive: true });
  for (let i = 0; i < 4; i++) writeFileSync(join(dir, 'short', `s${i}.txt`), `Short note ${i}: the build passed.\n`);
  for (let i = 0; i < 3; i++) writeFileSync(join(dir, 'long', `l${i}.txt`), `Long report ${i}. ` + 'The quarterly figures improved across every region. '.repeat(200));
  return dir;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const billed = (field: 'prompt_tokens' | 'completion_tokens') => sum(fake.stats.log.map((e: any) => e.usage[field]));

function routeFile(yaml: string): string {
  const f = join(tempDir(), 'routes.yaml');
  writeFileSync(f, yaml);
  return f;
}

/** Which model answered which document, from the server's own log. */
function modelsByDocument(): Map<string, Set<string>> {
  const m = new Map<string, Set<string>>();
  for (const e of fake.stats.log) {
    const user = e.messages.at(-1).content as string;
    const key = /(Short note \d|Long report \d)/.exec(user)?.[1] ?? 'other';
    m.set(key, (m.get(key) ?? new Set()).add(e.model));
  }
  return m;
}

describe('routing end to end', () => {
  it('sends long documents to one model and short ones to another', async () => {
    const routes = routeFile('routes:\n  - when: { maxTokens: 200 }\n    model: gpt-4.1-nano\n  - model: gpt-4.1\n');
    const res = await runCli(['summarize', corpus(), '--route', routes, '--no-cache'], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(0);
    const by = modelsByDocument();
    for (let i = 0; i < 4; i++) expect([...by.get(`Short note ${i}`)!]).toEqual(['gpt-4.1-nano']);
    for (let i = 0; i < 3; i++) expect([...by.get(`Long report ${i}`)!]).toEqual(['gpt-4.1']);
    const lines = parseJsonl(res.stdout);
    expect(lines.filter((l) => l.model === 'gpt-4.1')).toHaveLength(3);
  });

  it('--dry-run shows each document\'s model and the rule that chose it, sending nothing', async () => {
    const routes = routeFile('routes:\n  - when: { maxTokens: 200 }\n    model: gpt-4.1-nano\n  - model: gpt-4.1\n');
    const res = await runCli(['summarize', corpus(), '--route', routes, '--dry-run'], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(0);
    expect(fake.stats.requests).toBe(0);
    expect(res.stdout).toMatch(/short\/s0\.txt\s+gpt-4\.1-nano\s+\d+\s+rule 1 \(tokens ≤ 200\)/);
    expect(res.stdout).toMatch(/long\/l0\.txt\s+gpt-4\.1\s+[\d,]+\s+rule 2 \(always\)/);
    const json = await runCli(['summarize', corpus(), '--route', routes, '--dry-run', '--json'], { env: testEnv(fake.baseURL) });
    const plan = JSON.parse(json.stdout);
    expect(plan.models.map((m: any) => m.model).sort()).toEqual(['gpt-4.1', 'gpt-4.1-nano']);
    expect(plan.routing).toHaveLength(7);
    // CSV is one table: the routing table is not appended to it (estimate --route the same).
    for (const args of [['summarize', corpus(), '--route', routes, '--dry-run'], ['estimate', corpus(), '--route', routes, '-p', 'summarize']]) {
      const cwd = tempDir();
      writeFileSync(join(cwd, 'llmbatch.config.yaml'), 'format: csv\n');
      const csv = await runCli(args, { env: testEnv(fake.baseURL), cwd });
      expect(csv.code, args[0]).toBe(0);
      const rows = csv.stdout.trim().split('\n');
      expect(rows[0], args[0]).toMatch(/^model,/);
      expect(rows.every((r) => r.split(',').length === rows[0].split(',').length), csv.stdout).toBe(true);
    }
  });

  it('falls back to the next model after persistent 500s', async () => {
    fake.setOptions({ failModels: { 'gpt-4.1': 500 } });
    const routes = routeFile('routes:\n  - model: gpt-4.1\n    fallback: [gpt-4.1-mini]\n');
    const res = await runCli(['summarize', corpus(), '--route', routes, '--no-cache', '--retries', '1'], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(0);
    const lines = parseJsonl(res.stdout);
    expect(lines.every((l) => l.error === null && l.model === 'gpt-4.1-mini')).toBe(true);
    expect(fake.stats.byModel['gpt-4.1']).toBe(2 * 7);
    expect(fake.stats.byModel['gpt-4.1-mini']).toBe(7);
    // Each record counts every request made for it: two on gpt-4.1 (--retries 1), one on the fallback.
    expect(lines.map((l) => l.attempts)).toEqual(Array(7).fill(3));
  });

  it('a re-run takes the fallback\'s cached answer: the first choice is not asked again, even once it works', async () => {
    fake.setOptions({ failModels: { 'gpt-4.1': 500 } });
    const routes = routeFile('routes:\n  - model: gpt-4.1\n    fallback: [gpt-4.1-mini]\n');
    const env = testEnv(fake.baseURL);
    const docs = corpus();
    const first = await runCli(['summarize', docs, '--route', routes, '--retries', '1'], { env });
    expect(first.code).toBe(0);
    expect(fake.stats.byModel).toEqual({ 'gpt-4.1': 14, 'gpt-4.1-mini': 7 });
    // Requests were made for every document: none of them is "cached".
    expect(parseJsonl(first.stdout).map((l) => [l.model, l.cached, l.attempts])).toEqual(Array(7).fill(['gpt-4.1-mini', false, 3]));
    for (const failModels of [{ 'gpt-4.1': 500 }, {}]) {
      fake.reset();
      fake.setOptions({ failModels });
      const again = await runCli(['summarize', docs, '--route', routes, '--retries', '1'], { env });
      expect(again.code).toBe(0);
      expect(fake.stats.requests).toBe(0);
      expect(parseJsonl(again.stdout).map((l) => [l.model, l.cached, l.cost_usd])).toEqual(Array(7).fill(['gpt-4.1-mini', true, 0]));
    }
  });

  it('escalates to the stronger model when the answer is not valid JSON; both calls are costed', async () => {
    fake.setOptions({ respond: (req: any) => (req.model === 'gpt-4.1-nano' ? 'Sure! here you go: {"title":' : '{"title": "ok", "summary": "fine"}') });
    const routes = routeFile('routes:\n  - model: gpt-4.1-nano\n    escalate: { to: gpt-4.1, if: invalid-json }\n');
    const env = testEnv(fake.baseURL);
    const report = join(tempDir(), 'r.json');
    const res = await runCli(['run', corpus(), '-p', 'extract-json', '--route', routes, '--report', report], { env });
    expect(res.code).toBe(0);
    const lines = parseJsonl(res.stdout);
    expect(lines).toHaveLength(7);
    for (const l of lines) {
      expect(l.model).toBe('gpt-4.1');
      expect(JSON.parse(l.output)).toMatchObject({ title: 'ok' });
    }
    expect(fake.stats.byModel).toEqual({ 'gpt-4.1-nano': 7, 'gpt-4.1': 7 });
    // each record's usage is the sum of both calls: totals equal what the server billed
    expect(sum(lines.map((l) => l.usage.input_tokens))).toBe(billed('prompt_tokens'));
    expect(sum(lines.map((l) => l.usage.output_tokens))).toBe(billed('completion_tokens'));
    // ... and so is the cost: every call the server logged, at its model's list price (per
    // million tokens: gpt-4.1-nano $0.10 / $0.40, gpt-4.1 $2 / $8).
    const price: Record<string, number[]> = { 'gpt-4.1-nano': [0.1, 0.4], 'gpt-4.1': [2, 8] };
    const paid = sum(fake.stats.log.map((e: any) => (e.usage.prompt_tokens * price[e.model][0] + e.usage.completion_tokens * price[e.model][1]) / 1e6));
    expect(sum(lines.map((l) => l.cost_usd))).toBeCloseTo(paid, 10);
    const r = JSON.parse(readFileSync(report, 'utf8'));
    expect(r.cost_usd).toBeCloseTo(paid, 10);
    // Per model, each call under the model it went to; the documents under the one that answered.
    const paidTo = (model: string) => sum(fake.stats.log.filter((e: any) => e.model === model)
      .map((e: any) => (e.usage.prompt_tokens * price[model][0] + e.usage.completion_tokens * price[model][1]) / 1e6));
    const tokensTo = (model: string) => sum(fake.stats.log.filter((e: any) => e.model === model).map((e: any) => e.usage.prompt_tokens));
    expect(r.models).toEqual([
      { model: 'gpt-4.1', documents: 7, input_tokens: tokensTo('gpt-4.1'), output_tokens: expect.any(Number), cost_usd: expect.closeTo(paidTo('gpt-4.1'), 10) },
      { model: 'gpt-4.1-nano', documents: 0, input_tokens: tokensTo('gpt-4.1-nano'), output_tokens: expect.any(Number), cost_usd: expect.closeTo(paidTo('gpt-4.1-nano'), 10) },
    ]);
    // a re-run answers both steps from the cache
    fake.reset();
    const again = await runCli(['run', corpus(), '-p', 'extract-json', '--route', routes], { env });
    expect(again.code).toBe(0);
    expect(fake.stats.requests).toBe(0);
  });

  it('the ledger has a row for each call of an escalated document: the first answer (escalated), the escalation, and the main row', async () => {
    const routes = routeFile('routes:\n  - model: gpt-4.1-mini\n    escalate: { to: gpt-4.1, if: "shorter-than:1000" }\n');
    const env = testEnv(fake.baseURL);
    const doc = join(FIXTURES, 'docs/release-notes/v1.1.md');
    const rows = async () => {
      const db = await openDb(join(env.XDG_CACHE_HOME!, 'llmbatch/ledger.sqlite'));
      try {
        return await db.all<{ kind: string; model: string; status: string; input_tokens: number; output_tokens: number }>(
          'SELECT kind, model, status, input_tokens, output_tokens FROM requests WHERE run_id = (SELECT id FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 1) ORDER BY seq');
      } finally {
        await db.close();
      }
    };
    const res = await runCli(['summarize', doc, '--no-cache', '--route', routes, '-q'], { env });
    expect(res.code).toBe(0);
    const [first, second] = fake.stats.log.map((e: any) => [e.model, e.usage.prompt_tokens, e.usage.completion_tokens]);
    expect(first[0]).toBe('gpt-4.1-mini');
    const got = await rows();
    expect(got.map((r) => [r.kind, r.model, r.input_tokens, r.output_tokens])).toEqual([
      ['escalated', ...first],
      ['escalate', ...second],
      ['main', 'gpt-4.1', first[1] + second[1], first[2] + second[2]],
    ]);

    // An escalation that fails still leaves one row per call; the first answer stands.
    fake.setOptions({ failModels: { 'gpt-4.1': 400 } });
    fake.reset();
    const failed = await runCli(['summarize', doc, '--no-cache', '--route', routes, '-q'], { env });
    expect(failed.code).toBe(0);
    expect((await rows()).map((r) => [r.kind, r.model, r.status])).toEqual([
      ['escalated', 'gpt-4.1-mini', 'ok'], ['escalate', 'gpt-4.1', 'error'], ['main', 'gpt-4.1-mini', 'ok'],
    ]);
  });

  it('the --budget upper bound includes escalations and llm-compression calls (as if every document needed them)', async () => {
    const env = testEnv(fake.baseURL);
    const docs = corpus();
    const plain = routeFile('routes:\n  - model: gpt-4.1-nano\n');
    const escalating = routeFile('routes:\n  - model: gpt-4.1-nano\n    escalate: { to: gpt-4.1, if: invalid-json }\n');
    const plan = async (...args: string[]) => {
      const res = await runCli(['summarize', docs, '--max-output-tokens', '100', '--dry-run', '--json', ...args], { env });
      expect(res.code).toBe(0);
      return JSON.parse(res.stdout);
    };
    const base = await plan('--route', plain);
    const input = base.models[0].input_tokens;
    // nano: $0.10 / $0.40 per million; the escalation model gpt-4.1: $2 / $8, same encoding.
    expect(base.upper_bound_usd).toBeCloseTo((input * 0.1 + 7 * 100 * 0.4) / 1e6, 12);
    const withEscalation = await plan('--route', escalating);
    expect(withEscalation.upper_bound_usd).toBeCloseTo(base.upper_bound_usd + (input * 2 + 7 * 100 * 8) / 1e6, 12);
    // llm compression: a condense call per document on nano, up to 1,024 tokens of output each.
    const withCondense = await plan('--route', plain, '--compress', 'llm');
    expect(withCondense.upper_bound_usd).toBeGreaterThan(base.upper_bound_usd + (7 * 1024 * 0.4) / 1e6);
    // And --budget refuses a run whose escalations could go over it, sending nothing.
    const between = ((base.upper_bound_usd + withEscalation.upper_bound_usd) / 2).toFixed(6);
    const refused = await runCli(['summarize', docs, '--max-output-tokens', '100', '--route', escalating, '--budget', between], { env });
    expect(refused.code).toBe(3);
    expect(fake.stats.requests).toBe(0);
  });

  it('compression shrinks what is sent, and the report shows tokens before and after', async () => {
    const report = join(tempDir(), 'r.json');
    const res = await runCli(['summarize', join(FIXTURES, 'docs'), '--compress', 'whitespace,dedupe,markup', '--no-cache', '--report', report], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(0);
    const r = JSON.parse(readFileSync(report, 'utf8'));
    expect(r.tokens.before_compression).toBeGreaterThan(r.tokens.after_compression);
    expect(r.tokens.after_compression).toBeGreaterThan(0);
    const n = (x: number) => x.toLocaleString('en-US');
    expect(res.stderr).toContain(`(documents ${n(r.tokens.before_compression)} → ${n(r.tokens.after_compression)} after compression)`);
    const sent = fake.stats.log.map((e: any) => e.messages.at(-1).content).join('\n');
    expect(sent).not.toMatch(/<\/?(div|span|p)\b/);
  });

  it('a .md file with an RST-looking line keeps its indented code block under dedupe and markup, as the dry run counts it', async () => {
    const dir = tempDir();
    // Shared by every file, so the content guess (RST: prose) would also make it boilerplate.
    const code = '    indented <b>code</b>   block [z](w), the same in every file';
    for (let i = 0; i < 3; i++) writeFileSync(join(dir, `t${i}.md`), `Intro text ${i} here.\n\n${code}\n\n.. note::\n\n   hello ${i}\n`);
    const env = testEnv(fake.baseURL);
    const args = ['summarize', dir, '--compress', 'dedupe,markup', '--no-cache'];
    const report = join(tempDir(), 'r.json');
    const res = await runCli([...args, '--report', report], { env });
    expect(res.code).toBe(0);
    const sent = fake.stats.log.map((e: any) => (e.messages.at(-1).content as string).split('\n'));
    expect(sent).toHaveLength(3);
    for (const lines of sent) expect(lines).toContain(code);
    const dry = JSON.parse((await runCli([...args, '--dry-run', '--json'], { env })).stdout);
    expect(sum(dry.routing.map((r: any) => r.tokens))).toBe(JSON.parse(readFileSync(report, 'utf8')).tokens.after_compression);
  });

  it('the CSV run report has the documents\' tokens before and after compression, as JSON, Markdown and HTML do', async () => {
    const dir = tempDir();
    const res = await runCli(['summarize', corpus(), '--compress', 'whitespace,markup', '--no-cache', '--report', join(dir, 'r.csv')], { env: testEnv(fake.baseURL) });
    expect(res.code, res.stderr).toBe(0);
    const [header, ...rows] = readFileSync(join(dir, 'r.csv'), 'utf8').trim().split(/\r?\n/).map((l) => l.split(','));
    const total = rows.find((r) => r[1] === '(total)')!;
    const before = Number(total[header.indexOf('tokens_before_compression')]);
    const after = Number(total[header.indexOf('tokens_after_compression')]);
    expect(before).toBeGreaterThan(after);
    expect(after).toBeGreaterThan(0);
  });

  it('source code and config files are code throughout: whitespace and markup keep their indentation and strings', async () => {
    const dir = tempDir();
    const py = 'def f():\n    html = "<b>link</b> [x](y)"\n    return "**bold**   spaced"   \n\n\n\nclass A:\n    pass\n';
    const yaml = 'server:\n  host:   "a  b"\n  ports:\n    - 80\n';
    writeFileSync(join(dir, 'app.py'), py);
    writeFileSync(join(dir, 'conf.yaml'), yaml);
    writeFileSync(join(dir, 'p.txt'), '{{document}}');
    const res = await runCli(['run', join(dir, 'app.py'), join(dir, 'conf.yaml'), '-p', join(dir, 'p.txt'), '--compress', 'whitespace,markup', '--no-cache'], { env: testEnv(fake.baseURL) });
    expect(res.code, res.stderr).toBe(0);
    const sent = fake.stats.log.map((e: any) => e.messages.at(-1).content as string);
    // Only trailing spaces and blank-line runs go.
    expect(sent).toEqual([
      'def f():\n    html = "<b>link</b> [x](y)"\n    return "**bold**   spaced"\n\nclass A:\n    pass',
      'server:\n  host:   "a  b"\n  ports:\n    - 80',
    ]);
  });

  it('-m beside routes whose rule always matches: a warning that -m is never used', async () => {
    const routes = routeFile('routes:\n  - when: { maxTokens: 100 }\n    model: gpt-4.1-nano\n  - model: gpt-4.1-mini\n');
    const res = await runCli(['summarize', corpus(), '--route', routes, '-m', 'gpt-4o', '--dry-run'], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('warning: -m gpt-4o is the rule of last resort, after the routes; their rule 2 matches every document (no "when"), so gpt-4o is never used\n');
    const without = await runCli(['summarize', corpus(), '--route', routes, '--dry-run'], { env: testEnv(fake.baseURL) });
    expect(without.stderr).not.toContain('rule of last resort');
  });

  it('a server without --compress llm\'s default condense model: the hint says where that model came from', async () => {
    fake.setOptions({ models: ['gpt-4o-mini'] });
    try {
      const res = await runCli(['summarize', corpus(), '--compress', 'llm', '--no-cache'], { env: testEnv(fake.baseURL) });
      expect(res.code).toBe(4);
      expect(res.stderr).toMatch(/^error: The server does not know model "gpt-4\.1-nano".*\nhint: gpt-4\.1-nano is the default condense model of --compress llm: name one this server has, e\.g\. --compress llm:MODEL\.\n$/s);
    } finally {
      fake.setOptions({ models: DEFAULT_MODELS });
    }
  });

  it('llm compression condenses through a cheap model first, and its cost is counted', async () => {
    const res = await runCli(['summarize', corpus(), '--compress', 'llm:gpt-4.1-nano', '--no-cache', '-m', 'gpt-4o'], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(0);
    expect(fake.stats.byModel).toEqual({ 'gpt-4.1-nano': 7, 'gpt-4o': 7 });
    const mains = fake.stats.log.filter((e: any) => e.model === 'gpt-4o');
    expect(mains.every((e: any) => e.messages.at(-1).content.includes('Summary (gpt-4.1-nano)'))).toBe(true);
    const lines = parseJsonl(res.stdout);
    expect(sum(lines.map((l) => l.usage.input_tokens))).toBe(billed('prompt_tokens'));
    expect(sum(lines.map((l) => l.usage.output_tokens))).toBe(billed('completion_tokens'));
  });

  it('compare adds a routed variant, priced per document on the model its rule picks (offline and live)', async () => {
    const routes = routeFile('routes:\n  - when: { maxTokens: 200 }\n    model: gpt-4.1-nano\n  - model: gpt-4.1\n');
    const env = testEnv(fake.baseURL);
    const dir = corpus();
    const off = await runCli(['compare', dir, '-m', 'gpt-4.1-nano,gpt-4.1', '--route', routes, '--json'], { env });
    expect(off.code).toBe(0);
    const r = JSON.parse(off.stdout);
    const by = Object.fromEntries(r.variants.map((v: any) => [v.name, v]));
    expect(Object.keys(by)).toEqual(['summarize@gpt-4.1-nano', 'summarize@gpt-4.1', 'summarize@routes']);
    // all three models share o200k_base: same input tokens; the routed cost lies between the two
    expect(by['summarize@routes'].input_tokens).toBe(by['summarize@gpt-4.1'].input_tokens);
    expect(by['summarize@routes'].cost_usd).toBeGreaterThan(by['summarize@gpt-4.1-nano'].cost_usd);
    expect(by['summarize@routes'].cost_usd).toBeLessThan(by['summarize@gpt-4.1'].cost_usd);
    // Exactly: the short documents priced on nano plus the long ones on gpt-4.1, each alone.
    const priced = async (sub: string, model: string) =>
      JSON.parse((await runCli(['compare', join(dir, sub), '-m', model, '--json'], { env })).stdout).variants[0].cost_usd as number;
    expect(by['summarize@routes'].cost_usd).toBeCloseTo((await priced('short', 'gpt-4.1-nano')) + (await priced('long', 'gpt-4.1')), 10);
    const note = r.notes.find((n: string) => n.startsWith('summarize@routes: each document priced on the model its route picks'));
    expect(note).toMatch(/gpt-4\.1-nano 4/);
    expect(note).toMatch(/gpt-4\.1 3/);
    expect(fake.stats.requests).toBe(0);

    const live = await runCli(['compare', dir, '-m', 'gpt-4.1-nano', '--route', routes, '--live', '--json', '--no-cache'], { env });
    expect(live.code).toBe(0);
    // 7 documents for the nano variant, then 4 + 3 for the routed one
    expect(fake.stats.byModel).toEqual({ 'gpt-4.1-nano': 11, 'gpt-4.1': 3 });
    const lv = JSON.parse(live.stdout).variants.find((v: any) => v.name === 'summarize@routes');
    expect(lv.documents).toBe(7);
    expect(lv.similarity).not.toBeNull();
  });
});

describe('a route whose prompt condition names no prompt', () => {
  it('is said in run and compare (a typo would silently never match); a known prompt this command does not use is not', async () => {
    const docs = corpus();
    const routes = routeFile('routes:\n  - when: { prompt: sumarize }\n    model: gpt-4.1\n  - when: { prompt: bullets }\n    model: gpt-4.1-mini\n');
    const run = await runCli(['summarize', docs, '--route', routes, '--dry-run'], { env: testEnv(fake.baseURL) });
    expect(run.code).toBe(0);
    const lines = run.stderr.split('\n').filter((l) => l.includes('never matches here'));
    expect(lines).toEqual([`warning: ${routes}: routes: rule 1: prompt "sumarize" is not a built-in or configured prompt, nor the one this command uses (summarize): the rule never matches here`]);
    const compare = await runCli(['compare', docs, '-p', 'summarize', '-p', 'extract-json', '--route', routes], { env: testEnv(fake.baseURL) });
    expect(compare.code).toBe(0);
    expect(compare.stderr).toContain('prompt "sumarize" is not a built-in or configured prompt, nor the one this command uses (summarize, extract-json)');
    expect(compare.stderr).not.toContain('prompt "bullets"');
  });
});
