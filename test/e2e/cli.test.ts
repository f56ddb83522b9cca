/**
 * The built CLI, spawned (run `npx tsc -p tsconfig.json` first): exit codes, help and version,
 * `estimate` (SPEC §11, JSON shape §15) and `models`, offline; one module-loading test uses the
 * loopback server.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { FIXTURES, ROOT, TEST_KEY, makeDocs, runCli, tempDir, testEnv, type CliResult } from '../support/cli.js';
import { startFakeOpenAI } from '../support/fake-openai.js';
import { countChat } from '../../src/tokens/index.js';
import { BUILTIN_PROMPTS } from '../../src/prompt/index.js';
import { ModelRegistry } from '../../src/models/index.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

/** The oracle: tiktoken itself, special-token strings as ordinary text (not llmbatch's counter). */
function tiktokenCount(text: string, encoding: 'o200k_base' | 'cl100k_base'): number {
  const enc = (createRequire(import.meta.url)('tiktoken') as { get_encoding(e: string): { encode_ordinary(t: string): Uint32Array; free(): void } }).get_encoding(encoding);
  try {
    return enc.encode_ordinary(text).length;
  } finally {
    enc.free();
  }
}
const ANSI = /\x1b\[/;
const STACK = /^\s+at .+:\d+/m;

const COMMANDS = ['run', 'summarize', 'compare', 'estimate', 'report', 'models', 'cache', 'worker', 'batch'];

interface EstimateJson {
  documents: number;
  skipped: { path: string; reason: string }[];
  models: {
    model: string;
    input_tokens: number;
    output_tokens_estimate: number;
    cost_usd: { low: number | null; high: number | null };
    over_context: number;
  }[];
  largest: { id: string; tokens: number }[];
  by_file?: { id: string; tokens: number; cost_usd: Record<string, number | null> }[];
}

async function estimateJson(args: string[], opts: Parameters<typeof runCli>[1] = {}): Promise<{ res: CliResult; json: EstimateJson }> {
  const res = await runCli(['estimate', ...args, '--json'], opts);
  expect(res.stderr).not.toMatch(/^error:/m);
  expect(res.code).toBe(0);
  return { res, json: JSON.parse(res.stdout) as EstimateJson };
}

/** Every error the CLI prints is `error:` (+ `hint:`), never a stack trace, never the key. */
function expectUsageError(res: CliResult, ...mentions: string[]): void {
  expect(res.code).toBe(2);
  expect(res.stderr).toMatch(/^error: /m);
  expect(res.stderr).not.toMatch(STACK);
  expect(res.stderr + res.stdout).not.toContain(TEST_KEY);
  for (const m of mentions) expect(res.stderr).toContain(m);
}

describe('--version and --help', () => {
  it.each([['--version'], ['-V']])('%s prints the package version and exits 0', async (flag) => {
    const res = await runCli([flag]);
    expect(res.code).toBe(0);
    expect(res.stdout.trim()).toBe(pkg.version);
    expect(res.stderr).toBe('');
  });

  it('--help lists every command of the SPEC', async () => {
    const res = await runCli(['--help']);
    expect(res.code).toBe(0);
    const commands = res.stdout.split('Commands:')[1];
    for (const name of COMMANDS) expect(commands).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
  });

  it.each([
    ['cache', ['stats', 'clear', 'prune']],
    ['batch', ['submit', 'status', 'collect']],
  ])('%s --help lists its subcommands', async (cmd, subs) => {
    const res = await runCli([cmd, '--help']);
    expect(res.code).toBe(0);
    for (const s of subs) expect(res.stdout).toMatch(new RegExp(`^  ${s}\\b`, 'm'));
  });

  // Snapshots keep the README's command reference and the CLI in step: a changed flag shows up
  // here in review. Update with `npx vitest run test/e2e/cli.test.ts -u`.
  it.each([[['--help']], [['estimate', '--help']], [['run', '--help']]])('%j matches its snapshot', async (args) => {
    const res = await runCli(args);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatchSnapshot();
  });
});

describe('--version and --help load no LLM library, tokenizer or database', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir('llmbatch-trace-');
    // CommonJS loads (tiktoken and sqlite3 are CJS; tiktoken comes in through createRequire).
    writeFileSync(
      join(dir, 'trace.cjs'),
      `const Module = require('node:module');
const fs = require('node:fs');
const log = process.env.TRACE_LOG;
const load = Module._load;
Module._load = function (request, parent, isMain) {
  let where = request;
  try { where = Module._resolveFilename(request, parent, isMain); } catch {}
  fs.appendFileSync(log, 'cjs ' + where + '\\n');
  return load.apply(this, arguments);
};
`,
    );
    // ES module resolutions (@langchain/*, openai, chalk, commander …), through a resolve hook.
    writeFileSync(
      join(dir, 'hook.mjs'),
      `import { appendFileSync } from 'node:fs';
let log;
export async function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, 'esm ' + result.url + '\\n');
  return result;
}
`,
    );
    writeFileSync(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module';
register('./hook.mjs', import.meta.url, { data: { log: process.env.TRACE_LOG } });
`,
    );
  });

  async function loadedBy(args: string[]): Promise<{ res: CliResult; loaded: string[] }> {
    const log = join(dir, `${args.join('_').replace(/[^\w]/g, '')}-${Math.random().toString(36).slice(2)}.log`);
    writeFileSync(log, '');
    const env = testEnv(undefined, {
      TRACE_LOG: log,
      NODE_OPTIONS: `--require ${join(dir, 'trace.cjs')} --import ${join(dir, 'register.mjs')}`,
    });
    const res = await runCli(args, { env });
    return { res, loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
  }

  // dist/providers/langchain.js loads the build's single-file bundle of @langchain/openai and openai.
  const HEAVY = ['@langchain', 'langsmith', 'tiktoken', 'sqlite3', '@keyv', '/openai/', 'dist/providers/langchain', 'bullmq', 'ioredis', 'prom-client', 'cli-progress', '/yaml/'];

  it('the trace works: estimate loads tiktoken, and the CLI entry point is seen', async () => {
    const { res, loaded } = await loadedBy(['estimate', join(FIXTURES, 'docs/faq-short.txt')]);
    expect(res.code).toBe(0);
    expect(loaded.some((l) => l.startsWith('esm ') && l.includes('dist/cli/main.js'))).toBe(true);
    expect(loaded.some((l) => l.startsWith('esm ') && l.includes('commander'))).toBe(true);
    expect(loaded.some((l) => l.startsWith('cjs ') && l.includes('tiktoken'))).toBe(true);
  });

  it('zod loads as the one module the build vendors (dist/vendor/zod.js), never file by file from the package', async () => {
    // A config and a prompt file: both are validated with zod.
    const cfg = join(dir, 'zod-config.yaml');
    writeFileSync(cfg, 'model: gpt-4o-mini\n');
    const prompt = join(dir, 'zod-prompt.yaml');
    writeFileSync(prompt, 'name: brief\nuser: "Brief: {{document}}"\n');
    const { res, loaded } = await loadedBy(['estimate', join(FIXTURES, 'docs/faq-short.txt'), '--config', cfg, '-p', prompt]);
    expect(res.code).toBe(0);
    expect(loaded.filter((l) => l.startsWith('esm ') && l.includes('dist/vendor/zod.js'))).not.toEqual([]);
    expect(loaded.filter((l) => l.includes('/node_modules/zod/'))).toEqual([]);
    // Its validation messages are zod's own, as from the package.
    writeFileSync(prompt, 'name: brief\nuser: "Brief: {{document}}"\ntemperature: 7\n');
    const bad = await runCli(['estimate', join(FIXTURES, 'docs/faq-short.txt'), '-p', prompt]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/invalid prompt at "temperature": Too big: expected number to be <=2/);
  });

  it.each([[['--version']], [['--help']], [['estimate', '--help']], [['run', '--help']]])('%j', async (args) => {
    const { res, loaded } = await loadedBy(args);
    expect(res.code).toBe(0);
    expect(loaded.some((l) => l.includes('dist/cli/main.js'))).toBe(true);
    for (const heavy of HEAVY) expect(loaded.filter((l) => l.includes(heavy))).toEqual([]);
  });

  it('a fully cached re-run never loads the HTTP client; the cold run does (so the check can fail)', async () => {
    const fake = await startFakeOpenAI({ apiKey: TEST_KEY });
    try {
      const docs = makeDocs(5);
      const state = testEnv(fake.baseURL);
      const trace = async (args: string[]) => {
        const log = join(dir, `warm-${Math.random().toString(36).slice(2)}.log`);
        writeFileSync(log, '');
        const res = await runCli(args, { env: { ...state, TRACE_LOG: log, NODE_OPTIONS: `--require ${join(dir, 'trace.cjs')} --import ${join(dir, 'register.mjs')}` } });
        return { res, loaded: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
      };
      const cold = await trace(['summarize', docs, '-o', join(tempDir(), 'a.jsonl')]);
      expect(cold.res.code).toBe(0);
      expect(fake.stats.requests).toBe(5);
      expect(cold.loaded.filter((l) => l.includes('dist/providers/langchain.js'))).not.toEqual([]);
      fake.reset();
      const warm = await trace(['summarize', docs, '-o', join(tempDir(), 'b.jsonl')]);
      expect(warm.res.code).toBe(0);
      expect(fake.stats.requests).toBe(0);
      expect(warm.loaded.filter((l) => l.includes('dist/providers/langchain') || l.includes('dist/providers/openai') || l.includes('@langchain') || l.includes('/openai/'))).toEqual([]);
    } finally {
      await fake.close();
    }
  });
});

describe('usage errors exit 2', () => {
  it.each([
    [['frobnicate'], 'unknown command'],
    [['estimate', 'fixtures', '--frobnicate'], 'unknown option'],
    [['--frobnicate'], 'unknown option'],
    [['estimate'], 'missing required argument'],
    [['estimate', 'fixtures', '--format', 'xml'], 'xml'],
    [['estimate', 'fixtures', '--top', 'many'], '--top'],
    [['estimate', 'fixtures', '-p', 'no-such-prompt'], 'no-such-prompt'],
    [['estimate', 'fixtures', '-p', 'summarize', '-p', 'bullets'], 'one prompt'],
  ])('%j', async (args, mention) => {
    expectUsageError(await runCli(args), mention);
  });

  it('--system shaped like a file name that names no file: a warning (it is sent as text), not silence', async () => {
    const typo = await runCli(['estimate', FIXTURES + '/docs/faq-short.txt', '-p', 'summarize', '--system', 'prompts/sytem.txt']);
    expect(typo.code).toBe(0);
    expect(typo.stderr).toContain('warning: --system "prompts/sytem.txt" names no file: it is sent as the system message text itself');
    const text = await runCli(['estimate', FIXTURES + '/docs/faq-short.txt', '-p', 'summarize', '--system', 'Answer in French.']);
    expect(text.stderr).not.toMatch(/--system/);
  });

  it('worker (distributed mode, not in this version) says so, with or without --queue', async () => {
    for (const args of [['worker'], ['worker', '--queue', 'redis://127.0.0.1:6379']]) {
      const res = await runCli(args);
      expect(res.code).toBe(2);
      expect(res.stderr).toBe('error: "worker" is not available yet in this version\nhint: See the README for what this version ships.\n');
    }
  });

  it('estimate nonexistent/ → error and hint lines, no stack trace', async () => {
    const res = await runCli(['estimate', 'nonexistent/']);
    expectUsageError(res, 'nonexistent/');
    expect(res.stderr).toMatch(/^hint: /m);
    expect(res.stdout).toBe('');
  });

  it.each([
    ['llmbatch.config.yaml', 'model: gpt-4o-mini\nconcurency: 4\n', 'concurency'],
    ['llmbatch.config.json', '{"models": {"my-llama": {"input": "free"}}}', 'models.my-llama.input'],
    ['llmbatch.config.yaml', 'routes:\n  - when: { maxTokens: 100 }\n', 'routes: rule 1 (model)'],
    ['llmbatch.config.yaml', 'model: [unclosed\n', 'not valid YAML'],
  ])('a bad %s in cwd → exit 2 naming the file and %s', async (name, text, key) => {
    const cwd = tempDir('llmbatch-badconfig-');
    writeFileSync(join(cwd, name), text);
    const res = await runCli(['estimate', FIXTURES], { cwd });
    expectUsageError(res, join(cwd, name), key);
    expect(res.stdout).toBe('');
  });

  it.each([
    ['a duplicate key', 'model: gpt-4o-mini\nconcurrency: 4\nmodel: gpt-4.1\n', '3:1', 'Map keys must be unique'],
    ['a tab as indentation', 'models:\n\tmy-llama:\n    input: 0\n', '2:1', 'Tabs are not allowed as indentation'],
    ['an alias to a missing anchor', 'model: gpt-4o-mini\nconcurrency: *workers\n', '2:14', 'Unresolved alias (the anchor must be set before the alias): workers'],
  ])('a YAML syntax error (%s) in llmbatch.config.yaml → exit 2, FILE:LINE:COL and the reason in one error line, no stack', async (_label, text, at, reason) => {
    const cwd = tempDir('llmbatch-badyaml-');
    writeFileSync(join(cwd, 'llmbatch.config.yaml'), text);
    const res = await runCli(['estimate', FIXTURES], { cwd });
    expectUsageError(res);
    expect(res.stderr).toBe(`error: ${join(cwd, 'llmbatch.config.yaml')}:${at}: not valid YAML: ${reason}\nhint: Fix the syntax, or pass --config with another file.\n`);
    expect(res.stdout).toBe('');
  });

  it('a bad --config FILE → exit 2 naming the file and key; models too', async () => {
    const dir = tempDir('llmbatch-badconfig-');
    const file = join(dir, 'team.json');
    writeFileSync(file, '{"concurrency": "lots"}');
    expectUsageError(await runCli(['--config', file, 'estimate', FIXTURES]), file, 'concurrency');
    expectUsageError(await runCli(['models', '--config', file]), file, 'concurrency');
    expectUsageError(await runCli(['--config', join(dir, 'missing.yaml'), 'models']), 'missing.yaml');
  });

  it('--debug adds the stack trace', async () => {
    const res = await runCli(['--debug', 'estimate', 'nonexistent/']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(STACK);
  });
});

describe('estimate fixtures --json (SPEC §15)', () => {
  let res: CliResult;
  let json: EstimateJson;
  beforeAll(async () => {
    ({ res, json } = await estimateJson(['fixtures']));
  });

  it('has the §15 shape', () => {
    expect(json.documents).toBe(37); // as the README says: 14 files under docs/ that are read, 23 records
    expect(json.models).toHaveLength(1);
    const [m] = json.models;
    expect(m.model).toBe('gpt-4o-mini');
    expect(Number.isInteger(m.input_tokens) && m.input_tokens > 0).toBe(true);
    // Output: max tokens (1,024) × the fill ratio (0.35) per document; the high end, every
    // answer at max tokens. Priced at gpt-4o-mini's list prices, $0.15 / $0.60 per million.
    expect(m.output_tokens_estimate).toBe(Math.round(37 * 1024 * 0.35));
    expect(m.cost_usd.low).toBeCloseTo((m.input_tokens * 0.15 + m.output_tokens_estimate * 0.6) / 1e6, 12);
    expect(m.cost_usd.high).toBeCloseTo((m.input_tokens * 0.15 + 37 * 1024 * 0.6) / 1e6, 12);
    expect(m.over_context).toBe(0);
  });

  it('lists the empty and the binary file as skipped, with the reason', () => {
    expect(json.skipped).toEqual([
      { path: 'docs/empty.txt', reason: expect.stringMatching(/empty/) },
      { path: 'docs/logo.png', reason: expect.stringMatching(/binary/) },
    ]);
  });

  it('warns on stderr about the skipped files and the malformed JSONL line', () => {
    expect(res.stderr).toMatch(/warning:.*docs\/empty\.txt/);
    expect(res.stderr).toMatch(/warning:.*docs\/logo\.png/);
    expect(res.stderr).toMatch(/warning:.*records\/reviews\.jsonl:6/);
  });

  it('counts the documents alone exactly (o200k_base): a single file equals tiktoken', async () => {
    const file = join(FIXTURES, 'docs/guides/configuration.md');
    const { json: one } = await estimateJson([file]);
    expect(one.documents).toBe(1);
    expect(one.models[0].input_tokens).toBe(tiktokenCount(readFileSync(file, 'utf8'), 'o200k_base'));
  });

  it('-p summarize counts the rendered prompts: more input tokens than the documents alone', async () => {
    const { json: withPrompt } = await estimateJson(['fixtures', '-p', 'summarize']);
    expect(withPrompt.documents).toBe(json.documents);
    const extra = withPrompt.models[0].input_tokens - json.models[0].input_tokens;
    // For every document: the chat framing (3 per message + the reply's 3), both roles, the
    // system message and the user template around the document.
    const { system, user } = BUILTIN_PROMPTS.summarize;
    const perDocument = 3 + 2 * 3 + tiktokenCount('system', 'o200k_base') + tiktokenCount('user', 'o200k_base')
      + tiktokenCount(system!, 'o200k_base') + tiktokenCount(user.replace('{{document}}', ''), 'o200k_base');
    expect(extra).toBe(json.documents * perDocument);
  });

  it('-m gpt-4o-mini,gpt-4.1 gives two models, in order, priced', async () => {
    const { json: two } = await estimateJson(['fixtures', '-m', 'gpt-4o-mini,gpt-4.1']);
    expect(two.models.map((m) => m.model)).toEqual(['gpt-4o-mini', 'gpt-4.1']);
    expect(two.models[0].input_tokens).toBe(json.models[0].input_tokens);
    expect(two.models[1].cost_usd.low).toBeGreaterThan(two.models[0].cost_usd.low!);
    const g = two.models[1]; // gpt-4.1: $2 / $8 per million
    expect(g.cost_usd.low).toBeCloseTo((g.input_tokens * 2 + g.output_tokens_estimate * 8) / 1e6, 12);
  });

  it('an unknown model has cost null (never 0) and a warning', async () => {
    const { res: r, json: j } = await estimateJson(['fixtures', '-m', 'gpt-4o-mini,acme-unreleased-9000']);
    const unknown = j.models.find((m) => m.model === 'acme-unreleased-9000')!;
    expect(unknown.cost_usd).toEqual({ low: null, high: null });
    expect(unknown.input_tokens).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/warning:.*acme-unreleased-9000/);
  });

  it('an unknown model shows ? in the table, not $0', async () => {
    const r = await runCli(['estimate', 'fixtures', '-m', 'acme-unreleased-9000']);
    expect(r.code).toBe(0);
    const row = r.stdout.split('\n').find((l) => l.startsWith('acme-unreleased-9000'))!;
    expect(row).toMatch(/\s\?\s/);
    expect(row).not.toMatch(/\$0(\.0+)?\b/);
    expect(r.stderr).toMatch(/warning:.*acme-unreleased-9000/);
  });

  it('--by-file: one row per document, with a cost per model', async () => {
    const { json: j } = await estimateJson(['fixtures', '--by-file', '-m', 'gpt-4o-mini,gpt-4.1']);
    expect(j.by_file).toHaveLength(json.documents);
    expect(j.by_file!.reduce((n, f) => n + f.tokens, 0)).toBe(json.models[0].input_tokens);
    expect(j.by_file!.map((f) => f.id)).toContain('docs/guides/configuration.md');
    for (const f of j.by_file!) expect(Object.keys(f.cost_usd)).toEqual(['gpt-4o-mini', 'gpt-4.1']);
    // The files' costs add up to each model's (low) total.
    for (const [i, model] of (['gpt-4o-mini', 'gpt-4.1'] as const).entries()) {
      expect(j.by_file!.reduce((n, f) => n + (f.cost_usd[model] ?? NaN), 0)).toBeCloseTo(j.models[i].cost_usd.low!, 5);
    }
  });

  it('--top 2: the two largest documents, largest first', async () => {
    const { json: j } = await estimateJson(['fixtures', '--top', '2', '--by-file']);
    expect(j.largest).toHaveLength(2);
    const sorted = [...j.by_file!].sort((a, b) => b.tokens - a.tokens);
    expect(j.largest).toEqual(sorted.slice(0, 2).map(({ id, tokens }) => ({ id, tokens })));
  });

  it('the table shows --by-file and --top', async () => {
    const r = await runCli(['estimate', 'fixtures', '--by-file', '--top', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('largest documents:');
    expect(r.stdout).toContain('by file:');
    const largest = r.stdout.split('largest documents:')[1].split('by file:')[0];
    expect(largest.trim().split('\n').filter((l) => /\d\s*$/.test(l))).toHaveLength(2);
  });
});

describe('estimate --format md|csv', () => {
  it('md: a Markdown table with the model row', async () => {
    const r = await runCli(['estimate', 'fixtures', '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^### /);
    expect(r.stdout).toMatch(/^\| model \|/m);
    expect(r.stdout).toMatch(/^\| gpt-4o-mini \|/m);
  });

  it('csv: a header and one row per model that parse', async () => {
    const r = await runCli(['estimate', 'fixtures', '--format', 'csv', '-m', 'gpt-4o-mini,gpt-4.1']);
    expect(r.code).toBe(0);
    const [header, ...rows] = r.stdout.trim().split(/\r?\n/).map((l) => l.split(','));
    expect(header).toEqual(expect.arrayContaining(['model', 'input_tokens', 'cost_usd_low', 'cost_usd_high', 'over_context']));
    expect(rows.map((row) => row[header.indexOf('model')])).toEqual(['gpt-4o-mini', 'gpt-4.1']);
    expect(Number(rows[0][header.indexOf('input_tokens')])).toBeGreaterThan(0);
  });

  it('csv --by-file: one row per document', async () => {
    const r = await runCli(['estimate', 'fixtures/docs', '--format', 'csv', '--by-file']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split(/\r?\n/);
    expect(lines[0].split(',')[0]).toBe('id');
    // Every document that is read (not the empty file or the PNG), once.
    expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual([
      'api/client.rst', 'archive/changelog.md.gz', 'faq-short.txt', 'guides/configuration.md', 'guides/getting-started.md',
      'guides/troubleshooting.txt', 'meetings/2024-03-12-q2-planning.txt', 'meetings/2024-05-03-release-retro.md',
      'policy/data-retention-policy.md', 'policy/security.rst', 'release-notes/v1.0.md', 'release-notes/v1.1.md',
      'release-notes/v2.0.md', 'special-tokens.md',
    ]);
  });
});

describe('estimate: stdin and special tokens', () => {
  it('estimate - reads one document from stdin', async () => {
    const text = 'The quick brown fox jumps over the lazy dog.\nSecond line, with ünïcödé and 日本語.\n';
    const { json } = await estimateJson(['-'], { stdin: text });
    expect(json.documents).toBe(1);
    expect(json.models[0].input_tokens).toBe(tiktokenCount(text, 'o200k_base'));
  });

  it('a gigabyte on stdin is skipped as too large once past the limit: the rest is never read', async () => {
    const mib = Buffer.alloc(1024 * 1024, 'x');
    let sent = 0;
    function* gigabyte() {
      for (let i = 0; i < 1024; i++, sent++) yield mib;
    }
    const { json } = await estimateJson(['-'], { stdinSource: gigabyte() });
    expect(json.documents).toBe(0);
    expect(json.skipped).toEqual([{ path: '-', reason: 'too large: over 256 MiB (the limit is 256 MiB per document; split it)' }]);
    // Past the limit the CLI closed stdin: the writer got EPIPE long before the end (the pipe
    // and the stream buffers hold a few MiB at most).
    expect(sent).toBeGreaterThan(256);
    expect(sent).toBeLessThan(300);
  });

  it.each([
    ['stdin', ['-'], 'logs say <|endoftext|> and <|im_start|>system<|im_end|> and <|fim_prefix|>\n'],
    ['the fixture file', [join(FIXTURES, 'docs/special-tokens.md')], readFileSync(join(FIXTURES, 'docs/special-tokens.md'), 'utf8')],
  ])('a document with <|endoftext|> (%s) counts as ordinary text, in both encodings', async (_label, args, text) => {
    const { json } = await estimateJson([...args, '-m', 'gpt-4o-mini,gpt-4'], { stdin: text });
    expect(json.models.map((m) => m.input_tokens)).toEqual([tiktokenCount(text, 'o200k_base'), tiktokenCount(text, 'cl100k_base')]);
  });

  it('a document holding {{id}} and {{document}} is rendered in one pass: exact count of the request', async () => {
    const text = 'Literal {{id}} and {{document}} and {{field.x}} in the text. '.repeat(20);
    const { json } = await estimateJson(['-', '-p', 'summarize'], { stdin: text });
    const { system, user } = BUILTIN_PROMPTS.summarize;
    const request = [
      { role: 'system' as const, content: system! },
      { role: 'user' as const, content: user.split('{{document}}').join(text) },
    ];
    expect(json.models[0].input_tokens).toBe(countChat(request, 'o200k_base'));
  });
});

describe('models', () => {
  it('--json parses and holds gpt-4o-mini with its registry prices', async () => {
    const r = await runCli(['models', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { name: string; input: number | null; output: number | null; cached_input: number | null; context: number; max_output: number; encoding: string; checked: string; batch_discount: number }[];
    const mini = list.find((m) => m.name === 'gpt-4o-mini')!;
    const info = new ModelRegistry({}).get('gpt-4o-mini').info;
    expect(mini).toMatchObject({ input: info.input, output: info.output, cached_input: info.cached_input, context: info.context, encoding: 'o200k_base' });
    // OpenAI's list prices (per million tokens) and limits, written out rather than read back from the registry.
    expect(mini).toMatchObject({ input: 0.15, output: 0.6, cached_input: 0.075, context: 128_000, max_output: 16_384 });
    expect(mini.input).toBeGreaterThan(0);
    expect(mini.output).toBeGreaterThan(mini.input!);
    expect(mini.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const family of ['gpt-4.1', 'gpt-5', 'claude', 'gemini', 'mistral']) {
      expect(list.some((m) => m.name.includes(family))).toBe(true);
    }
  });

  it('--format md: a Markdown table with gpt-4o-mini', async () => {
    const r = await runCli(['models', '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\| model \|/);
    expect(r.stdout).toMatch(/^\| gpt-4o-mini \|.*\$0\.15/m);
  });

  it('config models: add an entry that models and estimate use', async () => {
    const cwd = tempDir('llmbatch-models-');
    writeFileSync(join(cwd, 'llmbatch.config.yaml'), 'models:\n  my-llama:\n    input: 0.2\n    output: 0.4\n    context: 8192\n    max_output: 2048\n    encoding: cl100k_base\n');
    const r = await runCli(['models', '--json'], { cwd });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { name: string }[]).find((m) => m.name === 'my-llama')).toMatchObject({ input: 0.2, output: 0.4, context: 8192 });
    const { json } = await estimateJson([FIXTURES, '-m', 'my-llama,gpt-4o-mini'], { cwd });
    const [llama, mini] = json.models;
    // Its own encoding (cl100k_base counts these files differently from o200k_base) and prices.
    expect(llama.input_tokens).not.toBe(mini.input_tokens);
    expect(llama.cost_usd.low).toBeCloseTo((llama.input_tokens * 0.2 + llama.output_tokens_estimate * 0.4) / 1e6, 12);
  });
});

describe('colour and quiet', () => {
  it('NO_COLOR: no ANSI escapes on stdout or stderr, even with FORCE_COLOR', async () => {
    for (const args of [['estimate', 'fixtures'], ['models'], ['estimate', 'nonexistent/']]) {
      const r = await runCli(args, { env: testEnv(undefined, { NO_COLOR: '1', FORCE_COLOR: '1' }) });
      expect(r.stdout).not.toMatch(ANSI);
      expect(r.stderr).not.toMatch(ANSI);
    }
  });

  it('FORCE_COLOR without NO_COLOR does colour (so the check above can fail)', async () => {
    const r = await runCli(['estimate', 'fixtures'], { env: testEnv(undefined, { NO_COLOR: undefined, FORCE_COLOR: '1' }) });
    expect(r.stdout + r.stderr).toMatch(ANSI);
  });

  it('--no-color beats FORCE_COLOR', async () => {
    const r = await runCli(['--no-color', 'estimate', 'fixtures'], { env: testEnv(undefined, { NO_COLOR: undefined, FORCE_COLOR: '1' }) });
    expect(r.code).toBe(0); // (an unknown option's usage error has no colour either)
    expect(r.stdout).toMatch(/^gpt-4o-mini\s+37\s/m);
    expect(r.stdout + r.stderr).not.toMatch(ANSI);
  });

  it('--quiet keeps stderr to errors', async () => {
    const r = await runCli(['--quiet', 'estimate', 'fixtures']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^gpt-4o-mini\s+37\s/m); // the result itself is not quieted
    const e = await runCli(['--quiet', 'estimate', 'nonexistent/']);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/^error: /m); // nor are errors
  });

  it('no output of estimate or models holds the key', async () => {
    for (const args of [['estimate', 'fixtures'], ['models'], ['estimate', 'nonexistent/']]) {
      const r = await runCli(args);
      expect(r.stdout + r.stderr).not.toContain(TEST_KEY);
    }
  });
});
