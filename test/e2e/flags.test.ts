/** Request-shaping and rate flags reach the wire (checked in the loopback server's log). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeOpenAI } from '../support/fake-openai.js';
import { TEST_KEY, makeDocs, parseJsonl, runCli, tempDir, testEnv } from '../support/cli.js';

let fake: Awaited<ReturnType<typeof startFakeOpenAI>>;
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: TEST_KEY });
});
afterAll(async () => fake.close());

describe('flags on the wire', () => {
  it('--temperature, --max-output-tokens and --system (text or file) shape every request', async () => {
    const docs = makeDocs(3);
    const sys = join(tempDir(), 'system.txt');
    writeFileSync(sys, 'You answer in French.');
    fake.reset();
    const res = await runCli(['summarize', docs, '--no-cache', '--temperature', '0.2', '--max-output-tokens', '64', '--system', sys], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(0);
    expect(fake.stats.log).toHaveLength(3);
    for (const e of fake.stats.log as any[]) {
      expect(e.body.temperature).toBe(0.2);
      expect(e.body.max_tokens ?? e.body.max_completion_tokens).toBe(64);
      expect(e.messages[0]).toEqual({ role: 'system', content: 'You answer in French.' });
    }
    fake.reset();
    const text = await runCli(['summarize', docs, '--no-cache', '--system', 'Be terse.'], { env: testEnv(fake.baseURL) });
    expect(text.code).toBe(0);
    expect(fake.stats.log).toHaveLength(3);
    expect((fake.stats.log as any[]).every((e) => e.messages[0].content === 'Be terse.')).toBe(true);
  });

  it('--rpm and --tpm are accepted and the run completes; out-of-range values are usage errors', async () => {
    const docs = makeDocs(4);
    const ok = await runCli(['summarize', docs, '--no-cache', '--rpm', '600', '--tpm', '1000000'], { env: testEnv(fake.baseURL) });
    expect(ok.code).toBe(0);
    expect(parseJsonl(ok.stdout)).toHaveLength(4);
    for (const bad of [['--rpm', '0'], ['--tpm', 'lots'], ['--temperature', '3'], ['--max-output-tokens', '1.5']]) {
      const r = await runCli(['summarize', docs, ...bad], { env: testEnv(fake.baseURL) });
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`error: ${bad[0]} must be`));
    }
  });
});

describe('flags that would do nothing, or less than asked, say so', () => {
  it('--max-output-tokens above the model\'s maximum: a warning, and the maximum is sent', async () => {
    const env = testEnv(fake.baseURL);
    fake.reset();
    const res = await runCli(['summarize', makeDocs(1), '--max-output-tokens', '100000', '--no-cache'], { env });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain("warning: --max-output-tokens 100000 is above gpt-4o-mini's maximum of 16384 output tokens: 16384 is sent\n");
    expect(fake.stats.log[0].body.max_tokens ?? fake.stats.log[0].body.max_completion_tokens).toBe(16384);
    const est = await runCli(['estimate', makeDocs(1), '-m', 'gpt-4o-mini,gpt-4.1', '--max-output-tokens', '20000'], { env });
    expect(est.stderr).toContain("warning: --max-output-tokens 20000 is above gpt-4o-mini's maximum of 16384 output tokens: 16384 is sent\n");
    expect(est.stderr).not.toContain("gpt-4.1's maximum");
  });

  it('--api-key-env naming a variable that is not set: a warning before sending', async () => {
    const res = await runCli(['summarize', makeDocs(2), '--api-key-env', 'NOPE_VAR', '--no-cache'], { env: { ...testEnv(fake.baseURL), NOPE_VAR: undefined } });
    expect(res.stderr).toContain('warning: NOPE_VAR is not set: requests are sent without a key\n');
    expect(res.code).toBe(4); // this server wants a key
  });

  it('compare --max-increase with a single variant says it checked nothing', async () => {
    const res = await runCli(['compare', makeDocs(2), '-p', 'summarize', '--max-increase', '5', '--json'], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('warning: --max-increase compares variants with the baseline: with one variant it checked nothing');
  });
});

describe('a bad value in the config file is named by file and key, not as a flag', () => {
  it.each([
    ['compress: bogus', ['estimate', '-p', 'summarize'], /^error: (.*)llmbatch\.config\.yaml: compress: Unknown compression strategy "bogus"\n/],
    ['cacheTtl: forever', ['summarize', '--dry-run'], /^error: (.*)llmbatch\.config\.yaml: cacheTtl: Invalid cache TTL "forever"\n/],
    ['baseline: nope', ['compare', '-p', 'summarize', '-p', 'bullets'], /^error: (.*)llmbatch\.config\.yaml: baseline "nope" is not one of the variants\n/],
  ])('%s', async (line, args, message) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'llmbatch.config.yaml'), `${line}\n`);
    const res = await runCli([args[0], makeDocs(2), ...args.slice(1)], { env: testEnv(fake.baseURL), cwd: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).not.toMatch(/--(compress|cache-ttl|baseline)/);
  });
});

describe('--fill-ratio', () => {
  it('is a share of max output tokens: above 1 or 0 is a usage error on the command line, as in a config', async () => {
    const docs = makeDocs(2);
    for (const bad of ['1.5', '0', '-0.2']) {
      const res = await runCli(['estimate', docs, '-p', 'summarize', '--fill-ratio', bad], { env: testEnv(fake.baseURL) });
      expect(res.code, bad).toBe(2);
      expect(res.stderr).toBe(`error: --fill-ratio must be a number > 0 and ≤ 1, got "${bad}"\n`);
    }
    const dir = tempDir();
    writeFileSync(join(dir, 'llmbatch.config.yaml'), 'fillRatio: 0\n');
    const config = await runCli(['estimate', docs, '-p', 'summarize'], { env: testEnv(fake.baseURL), cwd: dir });
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(/fillRatio/);
    expect((await runCli(['estimate', docs, '-p', 'summarize', '--fill-ratio', '1'], { env: testEnv(fake.baseURL) })).code).toBe(0);
  });
});

describe("a prompt file's model:", () => {
  it('is the model run sends to, and the one estimate, run --dry-run and offline compare price; -m and a config model: still win', async () => {
    const docs = makeDocs(3);
    const cwd = tempDir();
    writeFileSync(join(cwd, 'x.yaml'), 'name: x\nmodel: gpt-4.1\nuser: "Summarize:\\n\\n{{document}}"\n');
    const env = testEnv(fake.baseURL);
    const json = async (args: string[]) => {
      const res = await runCli([...args, '--json'], { env, cwd });
      expect(res.stderr).not.toMatch(/^error:/m);
      return JSON.parse(res.stdout);
    };
    fake.reset();
    const est = await json(['estimate', docs, '-p', 'x.yaml']);
    const dry = await json(['run', docs, '-p', 'x.yaml', '--no-cache', '--dry-run']);
    const cmp = await json(['compare', docs, '-p', 'x.yaml']);
    // With routes, the prompt's model is the route of last resort (no rule matches here).
    writeFileSync(join(cwd, 'routes.yaml'), 'routes:\n  - when: { maxTokens: 1 }\n    model: gpt-4.1-nano\n');
    const routed = await json(['estimate', docs, '-p', 'x.yaml', '--route', 'routes.yaml']);
    expect(fake.stats.requests).toBe(0);
    // Soft: on a failure, each command's choice is reported.
    expect.soft(est.models.map((m: any) => m.model)).toEqual(['gpt-4.1']);
    expect.soft(routed.models.map((m: any) => m.model)).toEqual(['gpt-4.1']);
    expect.soft(dry.models.map((m: any) => m.model)).toEqual(['gpt-4.1']);
    expect.soft(cmp.variants.map((v: any) => v.model)).toEqual(['gpt-4.1']);
    // One request per document, nothing cached: estimate's range is the dry run's.
    expect.soft(est.models[0].cost_usd).toEqual(dry.models[0].cost_usd);

    const res = await runCli(['run', docs, '-p', 'x.yaml', '--no-cache'], { env, cwd });
    expect(res.code).toBe(0);
    expect((fake.stats.log as any[]).map((e) => e.body.model)).toEqual(['gpt-4.1', 'gpt-4.1', 'gpt-4.1']);

    // -m, or a config's model:, is chosen over the prompt file's (as run does).
    expect((await json(['estimate', docs, '-p', 'x.yaml', '-m', 'gpt-4o-mini'])).models[0].model).toBe('gpt-4o-mini');
    writeFileSync(join(cwd, 'llmbatch.config.yaml'), 'model: gpt-4.1-mini\n');
    expect((await json(['estimate', docs, '-p', 'x.yaml'])).models[0].model).toBe('gpt-4.1-mini');
  });
});
