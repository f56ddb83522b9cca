import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fakePromptTokens, startFakeOpenAI, type RespondRequest } from '../support/fake-openai.js';
import { TEST_KEY, parseJsonl, runCli, tempDir, testEnv } from '../support/cli.js';
import { countChat, countTokens, decodeTokens, encodeTokens } from '../../src/tokens/index.js';

// A 300-token window with up to 50 output tokens: a few hundred words already need chunks.
const CONFIG = 'models:\n  tiny: { input: 1000, output: 1000, context: 300, max_output: 50, encoding: o200k_base }\n';
const ENC = 'o200k_base' as const;
const ANSWER = 'Partial answer: the quarterly figures improved across every region and team. '.repeat(20);

let fake: Awaited<ReturnType<typeof startFakeOpenAI>>;
beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: TEST_KEY, models: '*' });
});
afterAll(async () => fake.close());
beforeEach(() => fake.reset());

let answers = 0;
/**
 * Answers of exactly `max_tokens` tokens (the worst case the --budget bound must cover), billed
 * in the tool's own tokenizer so the run's tokens and cost are comparable with the plan's.
 */
function worstCase({ messages, body }: RespondRequest) {
  // Each answer differs: identical reduce requests would share one call and spend less.
  const content = decodeTokens(encodeTokens(`Partial answer ${++answers}. ${ANSWER}`, ENC).slice(0, body.max_tokens ?? body.max_completion_tokens), ENC);
  return { content, usage: { prompt_tokens: countChat(messages, ENC), completion_tokens: countTokens(content, ENC) } };
}

/** Documents of 1 to 60 sentences, one each, so every chunk boundary up to 8 chunks is crossed; and two odd ones. */
function corpus(): { cwd: string; docs: string } {
  const cwd = tempDir('llmbatch-chunks-');
  writeFileSync(join(cwd, 'llmbatch.config.yaml'), CONFIG);
  const docs = join(cwd, 'docs');
  mkdirSync(docs);
  for (let n = 1; n <= 60; n++) {
    const sentences = Array.from({ length: n }, (_, i) => `In file ${n}, note ${i} says the Orion team shipped release ${i}.${n} on time.`);
    // Paragraphs of one to three sentences: the splitter packs at paragraph, then sentence, boundaries.
    const paras: string[] = [];
    for (let i = 0; i < sentences.length; i += 1 + (i % 3)) paras.push(sentences.slice(i, i + 1 + (i % 3)).join(' '));
    writeFileSync(join(docs, `d${String(n).padStart(2, '0')}.txt`), paras.join('\n\n') + '\n');
  }
  // Blank space the splitter drops (the old plan counted it), and one sentence longer than a chunk.
  const spaced = Array.from({ length: 30 }, (_, i) => `In file 61, note ${i} says release ${i} shipped.`).join('\n\n   \n\n\t\n\n');
  writeFileSync(join(docs, 'd61.txt'), spaced);
  writeFileSync(join(docs, 'd62.txt'), Array.from({ length: 120 }, (_, i) => `in file 62, step ${i} passed`).join(' and '));
  return { cwd, docs };
}

describe('the dry run plans map-reduce exactly as the run cuts it', () => {
  it('same chunks and chunk input tokens per document, and the --budget bound covers the run', async () => {
    fake.setOptions({ respond: worstCase });
    const { cwd, docs } = corpus();
    const env = testEnv(fake.baseURL);
    const args = ['run', docs, '-p', 'summarize', '-m', 'tiny', '-c', '1', '--no-cache'];
    const dry = await runCli([...args, '--dry-run', '--json'], { env, cwd });
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(fake.stats.requests).toBe(0);

    const report = join(tempDir(), 'r.json');
    const res = await runCli([...args, '--report', report], { env, cwd });
    expect(res.code).toBe(0);
    const records = parseJsonl(res.stdout);
    expect(records).toHaveLength(62);
    expect(records.every((r) => r.error === null)).toBe(true);

    // The prompt tokens of each document's chunk requests, as the server received them.
    const sentTo = new Map<string, number>();
    for (const e of fake.stats.log as any[]) {
      const user = e.messages.at(-1).content as string;
      if (user.includes('Partial answer')) continue; // a reduce call
      const file = /in file (\d+),/i.exec(user)![1];
      const id = `d${file.padStart(2, '0')}.txt`;
      sentTo.set(id, (sentTo.get(id) ?? 0) + countChat(e.messages, ENC));
    }
    const planned = new Map<string, any>(plan.routing.map((r: any) => [r.id, r]));
    const chunked = records.filter((r) => r.chunks > 1);
    expect(chunked.length).toBeGreaterThan(30);
    expect(Math.max(...chunked.map((r) => r.chunks))).toBeGreaterThanOrEqual(5); // partials need more than one reduce round
    const spent = JSON.parse(readFileSync(report, 'utf8'));
    // Soft: on a failure, each of the three is reported.
    expect.soft(records.map((r) => `${r.id}: ${planned.get(r.id).chunks}`)).toEqual(records.map((r) => `${r.id}: ${r.chunks}`));
    // Every answer was as long as allowed: the run spent the most it could, within the bound.
    expect.soft(spent.cost_usd).toBeLessThanOrEqual(plan.upper_bound_usd + 1e-12);
    expect.soft(chunked.map((r) => `${r.id}: ${planned.get(r.id).chunk_input_tokens}`)).toEqual(chunked.map((r) => `${r.id}: ${sentTo.get(r.id)}`));
    // And a --budget just under the bound refuses to start, sending nothing.
    fake.reset();
    const refused = await runCli([...args, '--budget', String(plan.upper_bound_usd * 0.999)], { env, cwd });
    expect(refused.code).toBe(3);
    expect(fake.stats.requests).toBe(0);
  });
});

describe('estimate prices documents over the window the way the run map-reduces them', () => {
  it('the same chunks as the dry run, and a high bound the run stays under', async () => {
    fake.setOptions({ respond: worstCase });
    const { cwd, docs } = corpus();
    const env = testEnv(fake.baseURL);
    const est = await runCli(['estimate', docs, '-p', 'summarize', '-m', 'tiny', '--json'], { env, cwd });
    expect(est.code).toBe(0);
    const estimated = JSON.parse(est.stdout).models[0];
    const dry = await runCli(['summarize', docs, '-m', 'tiny', '--no-cache', '--dry-run', '--json'], { env, cwd });
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(fake.stats.requests).toBe(0);
    const report = join(tempDir(), 'r.json');
    const res = await runCli(['summarize', docs, '-m', 'tiny', '-c', '1', '--no-cache', '--report', report], { env, cwd });
    expect(res.code).toBe(0);
    const byId = new Map(parseJsonl(res.stdout).map((r) => [r.id, r]));
    const spent = JSON.parse(readFileSync(report, 'utf8'));

    // The documents the run map-reduced, as the dry run plans them.
    const planned = plan.routing.filter((r: any) => r.chunk_input_tokens !== undefined);
    expect(planned.length).toBeGreaterThan(30);
    // Soft: on a failure, each of them is reported.
    expect.soft(estimated.over_context).toBe(planned.length);
    expect.soft(estimated.over_context_chunks).toBe(planned.reduce((n: number, p: any) => n + p.chunks, 0));
    expect.soft(estimated.over_context_chunks).toBe(planned.reduce((n: number, p: any) => n + byId.get(p.id).chunks, 0));
    // Every answer was as long as allowed: the run spent the most it could, within the range.
    expect.soft(spent.cost_usd).toBeLessThanOrEqual(estimated.cost_usd.high + 1e-12);
    expect.soft(spent.cost_usd).toBeGreaterThan(estimated.cost_usd.low);
    // One planning, so one price: estimate's row is the dry run's.
    expect.soft(estimated).toEqual(plan.models[0]);
  });

  it('each model of -m A,B on its own window; a document the prompt leaves no room for is an error record, priced at $0', async () => {
    const { cwd, docs } = corpus();
    const env = testEnv(fake.baseURL);
    const one = JSON.parse((await runCli(['estimate', docs, '-p', 'summarize', '-m', 'tiny', '--json'], { env, cwd })).stdout).models[0];
    const both = JSON.parse((await runCli(['estimate', docs, '-p', 'summarize', '-m', 'tiny,gpt-4o-mini', '--json'], { env, cwd })).stdout).models;
    expect(both[0]).toEqual(one);
    expect(both[1]).toMatchObject({ model: 'gpt-4o-mini', over_context: 0, over_context_chunks: 0 });

    // A prompt of ~360 tokens leaves no room in a 300-token window: the run fails every document, sending nothing.
    writeFileSync(join(cwd, 'long.txt'), 'Summarize this carefully. '.repeat(60) + '\n\n{{document}}');
    const est = await runCli(['estimate', docs, '-p', 'long.txt', '-m', 'tiny', '--json'], { env, cwd });
    expect(est.code).toBe(0);
    const r = JSON.parse(est.stdout);
    expect(r.models[0]).toMatchObject({ documents: 62, over_context: 62, over_context_chunks: 0, input_tokens: 0, cost_usd: { low: 0, high: 0 } });
    expect(r.errors).toHaveLength(62);
    expect(r.errors[0].message).toMatch(/fails on tiny, sending nothing: the prompt alone \(\d+ tokens\) \+ 50 max output tokens leave no room/);
    expect(est.stderr).toMatch(/fails on tiny, sending nothing/);
    expect(fake.stats.requests).toBe(0);
  });
});

describe('offline compare prices documents over the window the way the run map-reduces them', () => {
  it("per variant (model, compression): estimate's chunks and figures, and a high end the live run stays under", async () => {
    fake.setOptions({ respond: worstCase });
    const { cwd, docs } = corpus();
    const env = testEnv(fake.baseURL);
    // whitespace changes d61 (blank runs collapsed) before the window check, as the run does.
    const args = ['compare', docs, '-p', 'summarize', '-m', 'tiny,gpt-4o-mini', '--compress', 'none', '--compress', 'whitespace', '--json'];
    const off = await runCli(args, { env, cwd });
    expect(off.code).toBe(0);
    const offline = JSON.parse(off.stdout).variants;
    expect(offline.map((v: any) => v.name)).toEqual(['summarize@tiny', 'summarize@tiny+whitespace', 'summarize@gpt-4o-mini', 'summarize@gpt-4o-mini+whitespace']);
    for (const v of offline) {
      const compress = v.compress === 'none' ? [] : ['--compress', v.compress];
      const est = JSON.parse((await runCli(['estimate', docs, '-p', 'summarize', '-m', v.model, ...compress, '--json'], { env, cwd })).stdout).models[0];
      // Soft: on a failure, each variant's difference is reported.
      expect.soft({ name: v.name, over: v.over_context, chunks: v.over_context_chunks, input: v.input_tokens, output: v.output_tokens, low: v.cost_low, high: v.cost_high })
        .toEqual({ name: v.name, over: est.over_context, chunks: est.over_context_chunks, input: est.input_tokens, output: est.output_tokens_estimate, low: est.cost_usd.low, high: est.cost_usd.high });
    }
    expect(offline[0].over_context_chunks).toBeGreaterThan(100);
    expect(offline[2].over_context_chunks).toBe(0);
    expect(fake.stats.requests).toBe(0);

    // The tiny variants live, every answer at its max tokens: the most they can spend.
    const live = await runCli(['compare', docs, '-p', 'summarize', '-m', 'tiny', '--compress', 'none', '--compress', 'whitespace', '-c', '1', '--no-cache', '--live', '--json'], { env, cwd });
    expect(live.code).toBe(0);
    const measured = JSON.parse(live.stdout).variants;
    expect(measured.map((v: any) => v.failed)).toEqual([0, 0]);
    for (const [i, v] of measured.entries()) {
      expect.soft(v.cost_usd, v.name).toBeLessThanOrEqual(offline[i].cost_high + 1e-12);
      expect.soft(v.cost_usd, v.name).toBeGreaterThan(offline[i].cost_low);
    }
    // And the --max-cost gate checks that high end: just under it fails, sending nothing.
    fake.reset();
    const gated = await runCli([...args.slice(0, 6), '--max-cost', String(offline[0].cost_high * 0.999), '--json'], { env, cwd });
    expect(gated.code).toBe(3);
    expect(fake.stats.requests).toBe(0);
  });
});

describe('a server whose window is smaller than the registry says', () => {
  // `local-small` is not in the registry (assumed window 8,192); the server's is 1,500 tokens and it
  // counts ~4 characters a token (more tokens than llmbatch's o200k count of the same prose).
  function longDoc(n: number): string {
    return Array.from({ length: 90 }, (_, i) => `Section ${n}.${i}: the Orion team reviewed the quarterly plan and agreed on the next steps for release ${i}.`)
      .reduce((acc, s, i) => acc + s + (i % 3 === 2 ? '\n\n' : ' '), '');
  }

  it('plans the document again for the window the server states, and says so once with the config line', async () => {
    fake.setOptions({ respond: undefined, contextLimits: { 'local-small': 1500 } });
    const cwd = tempDir('llmbatch-window-');
    const docs = join(cwd, 'docs');
    mkdirSync(docs);
    writeFileSync(join(docs, 'a-long.txt'), longDoc(1));
    writeFileSync(join(docs, 'b-long.txt'), longDoc(2));
    writeFileSync(join(docs, 'c-short.txt'), 'A short note about the Orion release.\n');
    const out = join(cwd, 'out.jsonl');
    const report = join(cwd, 'report.json');
    const r = await runCli(['run', docs, '-p', 'summarize', '-m', 'local-small', '-c', '1', '--no-cache', '-o', out, '--report', report], { env: testEnv(fake.baseURL), cwd });
    expect(r.code, r.stderr).toBe(0);
    const records = parseJsonl(readFileSync(out, 'utf8'));
    expect(records.map((x) => [x.id, x.error])).toEqual([['a-long.txt', null], ['b-long.txt', null], ['c-short.txt', null]]);
    expect(records[0].chunks).toBeGreaterThan(1);
    expect(records[1].chunks).toBeGreaterThan(1);
    expect(records[2].chunks).toBe(1);
    // The first long document met the window (once, or a few times while the planned window
    // shrank to fit the server's count); every request that was over it was refused unbilled.
    const refused = fake.stats.byStatus[400] ?? 0;
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(refused).toBeLessThanOrEqual(4);
    expect(fake.stats.log.filter((e) => e.status === 200).every((e) => fakePromptTokens(e.body.messages) + (e.body.max_tokens ?? 0) <= 1500)).toBe(true);
    const warning = r.stderr.split('\n').filter((l) => l.includes("local-small's context window is 1,500 tokens"));
    expect(warning).toHaveLength(1);
    expect(warning[0]).toMatch(/assumed 8,192/);
    const planned = Number(/"local-small": \{context: (\d+)\}/.exec(warning[0])?.[1]);
    expect(planned).toBeGreaterThan(0);
    expect(planned).toBeLessThanOrEqual(1350);
    expect(JSON.parse(readFileSync(report, 'utf8')).warnings.some((w: string) => w.includes('1,500 tokens'))).toBe(true);
  });

  it('a window the server does not state is still a failed document (exit 1), as before', async () => {
    fake.setOptions({ contextLimits: {}, failModels: {} });
    const cwd = tempDir('llmbatch-window-');
    const docs = join(cwd, 'docs');
    mkdirSync(docs);
    writeFileSync(join(docs, 'a.txt'), longDoc(1));
    // A proxy that answers 400 context_length_exceeded without the window in its message.
    fake.setOptions({ respond: () => ({ status: 400, error: { message: 'Input is too long for this model.', type: 'invalid_request_error', code: 'context_length_exceeded' } }) });
    const r = await runCli(['run', docs, '-p', 'summarize', '-m', 'local-small', '--no-cache'], { env: testEnv(fake.baseURL), cwd });
    expect(r.code).toBe(1);
    expect(parseJsonl(r.stdout)[0].error).toMatch(/too long/);
    expect(fake.stats.requests).toBe(1);
  });
});

describe('map-reduce whose answers would grow every round', () => {
  it('stops after the map step instead of paying for rounds that get longer', async () => {
    // 400 output tokens beside a 700-token window: each ~250-token chunk may answer with 400.
    fake.setOptions({ respond: worstCase, contextLimits: {} });
    const cwd = tempDir('llmbatch-grow-');
    writeFileSync(join(cwd, 'llmbatch.config.yaml'), 'models:\n  cramped: { input: 1, output: 1, context: 700, max_output: 400, encoding: o200k_base }\n');
    const docs = join(cwd, 'docs');
    mkdirSync(docs);
    writeFileSync(join(docs, 'long.txt'), Array.from({ length: 120 }, (_, i) => `Item ${i}: the Orion team shipped release ${i} and wrote it down.`).join('\n\n'));
    const r = await runCli(['run', docs, '-p', 'summarize', '-m', 'cramped', '--max-output-tokens', '400', '--no-cache'], { env: testEnv(fake.baseURL), cwd });
    expect(r.code).toBe(1);
    const [rec] = parseJsonl(r.stdout);
    expect(rec.error).toMatch(/no shorter than what they answer .*Lower --max-output-tokens/);
    // Only the map step's chunk requests were sent (the old code went on for 4 growing rounds).
    const chunkCalls = fake.stats.requests;
    expect(chunkCalls).toBeGreaterThan(1);
    expect(chunkCalls).toBeLessThan(20);
  });
});
