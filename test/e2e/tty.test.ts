/** The progress bar on a real terminal: `script` gives the CLI a pseudo-terminal. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { startFakeOpenAI } from '../support/fake-openai.js';
import { BIN, TEST_KEY, makeDocs, testEnv } from '../support/cli.js';

const haveScript = spawnSync('script', ['--version']).status === 0;
let fake: Awaited<ReturnType<typeof startFakeOpenAI>>;
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: TEST_KEY, latencyMs: 20 });
});
afterAll(async () => fake.close());

describe.skipIf(!haveScript)('on a TTY (util-linux script)', () => {
  it('draws the cli-progress bar (done/total, cached, failed, tokens, $, rate, ETA) on stderr', async () => {
    const docs = makeDocs(60);
    const env = { ...testEnv(fake.baseURL), NO_COLOR: undefined } as Record<string, string | undefined>;
    // Asynchronously: the fake server lives in this process and must keep answering.
    const child = spawn('script', ['-qec', `${process.execPath} ${BIN} summarize ${docs} -c 4 -o ${docs}/out.jsonl`, '/dev/null'], {
      env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv,
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const res = { status, stdout };
    expect(res.status).toBe(0);
    const screen = res.stdout.replace(/\r/g, '\n');
    expect(screen).toMatch(/█+░* 60\/60 \| cached 0 \| failed 0 \| [\d,]+ tok \| \$[\d.]+ \| [\d.]+\/s \| ETA \d+s/);
    expect(screen).toMatch(/60 done, 0 failed, 0 skipped, 0 cached/);
    // Before anything is known: no made-up total of 1, no "NF" for the ETA.
    expect(screen).not.toMatch(/ 0\/1\+ |ETA NF/);
    expect(screen).not.toContain(TEST_KEY);
  });
});
