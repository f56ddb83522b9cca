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
