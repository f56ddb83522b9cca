/**
 * The runner with a fake provider (an object literal, STYLE.md habit 4) and a temp-file
 * cache: concurrency is checked by counting requests in flight, never by wall-clock ranges.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { runBatch, type RunOptions } from '../../src/engine/runner.js';
import type { OutputRecord, ResultSink } from '../../src/engine/outputs.js';
import type { InputItem } from '../../src/documents/types.js';
import { ModelRegistry } from '../../src/models/index.js';
import { BUILTIN_PROMPTS } from '../../src/prompt/index.js';
import { ProviderError, type CompletionRequest, type Provider } from '../../src/providers/types.js';
import { CompletionCache } from '../../src/cache/index.js';
import type { Progress, RunEvent } from '../../src/engine/events.js';
import { makeProvider } from '../../src/cli/commands/services.js';
import type { Settings } from '../../src/config/index.js';
import { LlmbatchError } from '../../src/errors.js';

async function* docs(n: number): AsyncGenerator<InputItem> {
  for (let i = 0; i < n; i++) yield { kind: 'document', document: { id: `d${i}.txt`, path: `d${i}.txt`, text: `document number ${i}`, index: i } };
}

function fakeProvider(opts: { delayMs?: number | ((req: CompletionRequest) => number); fail?: (n: number, req: CompletionRequest) => ProviderError | undefined } = {}) {
  const state = { calls: 0, inFlight: 0, maxInFlight: 0, times: [] as number[], finished: [] as string[],
    /** At the start of each call: requests in flight (itself included) and the concurrency last announced. */
    starts: [] as { inFlight: number }[] };
  const provider: Provider = {
    id: 'http://fake',
    async complete(req, { signal }) {
      const n = ++state.calls;
      state.times.push(performance.now());
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      state.starts.push({ inFlight: state.inFlight });
      try {
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, typeof opts.delayMs === 'function' ? opts.delayMs(req) : opts.delayMs ?? 5);
          signal.addEventListener('abort', () => { clearTimeout(t); reject(new ProviderError('aborted', 'aborted')); }, { once: true });
        });
        const err = opts.fail?.(n, req);
        if (err) throw err;
        state.finished.push(/number (\d+)/.exec(req.messages.at(-1)!.content)?.[1] ?? '?');
        return { content: `answer to ${req.messages.at(-1)!.content.slice(-20)}`, finish_reason: 'stop', usage: { input_tokens: 100, output_tokens: 20, cached_input_tokens: 0 } };
      } finally {
        state.inFlight--;
      }
    },
  };
  return { provider, state };
}

function sink() {
  const records: OutputRecord[] = [];
  const s: ResultSink = { async write(r) { records.push(r); }, async close() {} };
  return { s, records };
}

const base = (over: Partial<RunOptions> = {}): RunOptions => ({
  items: docs(40), prompt: BUILTIN_PROMPTS.summarize, model: 'gpt-4o-mini', concurrency: 4, retries: 3,
  timeoutMs: 5000, graceMs: 1000, secrets: [], command: 'test', ...over,
});

const registry = new ModelRegistry();

/** A model with a 400-token window ($1 per million tokens each way), and one document far longer than that. */
const tinyWindow = new ModelRegistry({ tiny: { input: 1, output: 1, context: 400, max_output: 50, encoding: 'o200k_base' } });
async function* longDocument(): AsyncGenerator<InputItem> {
  const text = Array.from({ length: 60 }, (_, i) => `Paragraph ${i} says the quarterly figures improved in every region.`).join('\n\n');
  yield { kind: 'document', document: { id: 'long.md', path: 'long.md', text, index: 0 } };
}

describe('runBatch', () => {
  it('keeps at most `concurrency` requests in flight and writes results in input order', async () => {
    // Every fifth document is slow: answers arrive out of input order.
    const { provider, state } = fakeProvider({ delayMs: (req) => (Number(/number (\d+)/.exec(req.messages.at(-1)!.content)![1]) % 5 === 0 ? 30 : 2) });
    const { s, records } = sink();
    const out = await runBatch(base({ concurrency: 5 }), { provider, registry, cache: null, ledger: null, sink: s });
    expect(out.status).toBe('done');
    expect(state.maxInFlight).toBe(5);
    const inOrder = Array.from({ length: 40 }, (_, i) => String(i));
    expect(state.finished).not.toEqual(inOrder);
    expect(records.map((r) => r.id)).toEqual(inOrder.map((i) => `d${i}.txt`));
    expect(out.report.documents).toMatchObject({ total: 40, done: 40, failed: 0 });
  });

  it('lowers concurrency on a burst of 429s and recovers', async () => {
    const { provider, state } = fakeProvider({ delayMs: 5, fail: (n) => (n >= 10 && n < 18 ? new ProviderError('rate', '429', 429, 1) : undefined) });
    const { s, records } = sink();
    const levels: number[] = [];
    // The concurrency announced when each call started, beside the calls then in flight.
    const announced: number[] = [];
    const counted: Provider = { id: provider.id, complete: (req, o) => { announced.push(levels.at(-1) ?? 8); return provider.complete(req, o); } };
    const out = await runBatch(base({ items: docs(200), concurrency: 8, retries: 6 }), { provider: counted, registry, cache: null, ledger: null, sink: s, onEvent: (e) => { if (e.type === 'concurrency') levels.push(e.value); } });
    expect(out.status).toBe('done');
    expect(records.every((r) => r.error === null)).toBe(true);
    expect(levels).toEqual([4, 5, 6, 7, 8]); // halved once for the burst, then back one step at a time
    expect(state.calls).toBe(208);
    // Lowered for real: calls started while the level was 4 never had more than 4 in flight.
    const whileLowered = state.starts.filter((_x, i) => announced[i] === 4);
    expect(whileLowered.length).toBeGreaterThan(0);
    expect(Math.max(...whileLowered.map((x) => x.inFlight))).toBeLessThanOrEqual(4);
    expect(state.maxInFlight).toBe(8);
  });

  it('honours Retry-After before retrying', async () => {
    const { provider, state } = fakeProvider({ delayMs: 1, fail: (n) => (n === 1 ? new ProviderError('rate', '429', 429, 300) : undefined) });
    const { s, records } = sink();
    const retries: RunEvent[] = [];
    // random: () => 0 makes the plain backoff 250 ms, so a 300 ms wait can only come from Retry-After.
    await runBatch(base({ items: docs(1) }), { provider, registry, cache: null, ledger: null, sink: s, random: () => 0, onEvent: (e) => { if (e.type === 'retry') retries.push(e); } });
    expect(records[0]).toMatchObject({ error: null, attempts: 2 });
    expect(state.calls).toBe(2);
    expect(retries).toMatchObject([{ attempt: 1, delayMs: 300 }]);
    expect(state.times[1] - state.times[0]).toBeGreaterThanOrEqual(295); // timers may fire ~1 ms early
  });

  it("a record's latency_ms is the answering request's time: not the failed attempt, not the wait", async () => {
    // Attempt 1 takes 200 ms and gets a 429 (Retry-After 300 ms); attempt 2 answers after 40 ms.
    const { provider } = fakeProvider({ delayMs: () => 0, fail: (n) => (n === 1 ? new ProviderError('rate', '429', 429, 300) : undefined) });
    let call = 0;
    const timed: Provider = { id: provider.id, complete: async (req, o) => { await new Promise((r) => setTimeout(r, ++call === 1 ? 200 : 40)); return provider.complete(req, o); } };
    const { s, records } = sink();
    await runBatch(base({ items: docs(1) }), { provider: timed, registry, cache: null, ledger: null, sink: s, random: () => 0 });
    expect(records[0]).toMatchObject({ error: null, attempts: 2 });
    expect(records[0].latency_ms).toBeGreaterThanOrEqual(38);
    expect(records[0].latency_ms).toBeLessThan(200); // the whole document took over 540 ms
  });

  it("latency_ms leaves out the HTTP client's loading, which the first requests of a run wait for", async () => {
    // The client takes 300 ms to load; the server answers in 20 ms.
    const { provider: answering } = fakeProvider({ delayMs: 20 });
    const settings = { baseUrl: 'http://127.0.0.1:9/v1', timeoutMs: 5000 } as Settings;
    const provider = await makeProvider(settings, false, async () => {
      await new Promise((r) => setTimeout(r, 300));
      return { createOpenAIProvider: () => answering } as unknown as typeof import('../../src/providers/openai.js');
    });
    const { s, records } = sink();
    await runBatch(base({ items: docs(3) }), { provider, registry, cache: null, ledger: null, sink: s });
    expect(records.map((r) => r.error)).toEqual([null, null, null]);
    for (const r of records) {
      expect(r.latency_ms).toBeGreaterThanOrEqual(18);
      expect(r.latency_ms).toBeLessThan(250);
    }
  });

  it('gives up after --retries and records the error; other documents are unaffected', async () => {
    const { provider } = fakeProvider({ fail: (_n, req) => (req.messages.at(-1)!.content.includes('number 3') ? new ProviderError('server', 'HTTP 500: boom', 500) : undefined) });
    const { s, records } = sink();
    const out = await runBatch(base({ items: docs(6), retries: 2 }), { provider, registry, cache: null, ledger: null, sink: s });
    expect(out.report.documents).toMatchObject({ done: 5, failed: 1 });
    expect(records.find((r) => r.id === 'd3.txt')).toMatchObject({ attempts: 3, output: null, latency_ms: null }); // no call answered: unknown, not 0
    expect(records.find((r) => r.id === 'd3.txt')!.error).toMatch(/HTTP 500: boom \(after 3 attempts\)/);
  });

  it('aborts the run on a 401 after a handful of calls', async () => {
    const { provider, state } = fakeProvider({ fail: () => new ProviderError('auth', 'HTTP 401: bad key', 401) });
    const { s } = sink();
    const out = await runBatch(base({ items: docs(500), concurrency: 4 }), { provider, registry, cache: null, ledger: null, sink: s });
    expect(out.status).toBe('aborted');
    expect(out.fatal?.exitCode).toBe(4);
    expect(state.calls).toBeLessThanOrEqual(8);
  });

  const refused = () => new ProviderError('unreachable', 'cannot connect to the server: connection refused (ECONNREFUSED)');

  it('stops the run when the server cannot be reached at all, after one document\'s retries', async () => {
    const { provider, state } = fakeProvider({ fail: refused });
    const { s, records } = sink();
    const out = await runBatch(base({ items: docs(5000), concurrency: 4, retries: 1 }), { provider, registry, cache: null, ledger: null, sink: s, random: () => 0 });
    expect(out.status).toBe('aborted');
    expect(out.fatal?.exitCode).toBe(1);
    expect(out.fatal?.message).toBe('Cannot reach the server at http://fake: connection refused (ECONNREFUSED)');
    // Other documents try while the first one backs off, but the run ends with the first one's
    // retries: at most the documents prepared ahead (256) twice each, not two per document.
    expect(state.calls).toBeLessThanOrEqual(2 * 256);
    expect(records).toHaveLength(0);
  });

  it('keeps what was done when the server goes away mid-run, then stops', async () => {
    const { provider, state } = fakeProvider({ fail: (n) => (n > 10 ? refused() : undefined) });
    const { s, records } = sink();
    const out = await runBatch(base({ items: docs(5000), concurrency: 2, retries: 1 }), { provider, registry, cache: null, ledger: null, sink: s, random: () => 0 });
    expect(out.status).toBe('aborted');
    expect(out.fatal?.code).toBe('unreachable');
    expect(records.filter((r) => r.error === null)).toHaveLength(10);
    expect(state.calls).toBeLessThan(5000);
  });

  it('a document that cannot connect while others get answers fails alone; the run goes on', async () => {
    const { provider } = fakeProvider({ fail: (_n, req) => (req.messages.at(-1)!.content.includes('number 3') ? refused() : undefined) });
    const { s, records } = sink();
    const out = await runBatch(base({ items: docs(30), concurrency: 4, retries: 2 }), { provider, registry, cache: null, ledger: null, sink: s, random: () => 0 });
    expect(out.status).toBe('done');
    expect(out.fatal).toBeUndefined();
    expect(out.report.documents).toMatchObject({ done: 29, failed: 1 });
    expect(records.find((r) => r.id === 'd3.txt')!.error).toMatch(/connection refused \(ECONNREFUSED\) \(after 3 attempts\)/);
  });

  it('a cache that can no longer be written (disk full) stops dispatching with one error; finished answers are still output', async () => {
    const { provider, state } = fakeProvider();
    const { s, records } = sink();
    let puts = 0;
    const full = new LlmbatchError('output', 'Cannot write the cache /x/cache.sqlite: the disk is full (SQLITE_FULL)');
    const cache = {
      get: async () => undefined,
      put: () => void puts++,
      flush: async () => {},
      get writeError() {
        return puts > 5 ? full : null;
      },
    } as unknown as CompletionCache;
    const out = await runBatch(base({ items: docs(500), concurrency: 4 }), { provider, registry, cache, ledger: null, sink: s });
    expect(out.status).toBe('aborted');
    expect(out.fatal).toBe(full);
    expect(out.fatal?.exitCode).toBe(1);
    expect(state.calls).toBeLessThan(30); // stopped dispatching, not 500
    expect(records.length).toBeGreaterThanOrEqual(6); // answers received are output, in flight ones included
    expect(records.every((r) => r.error === null)).toBe(true);
  });

  it('stops when a document fails after its retries while no request at all succeeded', async () => {
    const { provider, state } = fakeProvider({ fail: () => new ProviderError('server', 'HTTP 503: overloaded', 503) });
    const { s, records } = sink();
    const out = await runBatch(base({ items: docs(5000), concurrency: 4, retries: 1 }), { provider, registry, cache: null, ledger: null, sink: s, random: () => 0 });
    expect(out.status).toBe('aborted');
    expect(out.fatal?.code).toBe('server-failing');
    expect(out.fatal?.exitCode).toBe(1);
    expect(out.fatal?.message).toMatch(/^The server is failing: no request succeeded while d\d+\.txt was tried, and it failed after its retries \(HTTP 503: overloaded \(after 2 attempts\)\)$/);
    expect(state.calls).toBeLessThanOrEqual(2 * 256); // the documents prepared ahead, twice each
    expect(records.length).toBeGreaterThan(0); // the failed documents' error records are written
    expect(records.every((r) => r.error !== null)).toBe(true);
  });

  it('a server that fails some documents but answers others is not stopped', async () => {
    const failing = (req: CompletionRequest) => /number \d*[05]$/.test(req.messages.at(-1)!.content.trim());
    const { provider } = fakeProvider({ fail: (_n, req) => (failing(req) ? new ProviderError('server', 'HTTP 500: boom', 500) : undefined) });
    const { s } = sink();
    const out = await runBatch(base({ items: docs(60), concurrency: 4, retries: 1 }), { provider, registry, cache: null, ledger: null, sink: s, random: () => 0 });
    expect(out.status).toBe('done');
    expect(out.fatal).toBeUndefined();
    expect(out.report.documents).toMatchObject({ done: 48, failed: 12 });
  });

  it('stops dispatching once spend reaches --budget', async () => {
    const { provider, state } = fakeProvider({ delayMs: 2 });
    const { s, records } = sink();
    // each answer costs 100 × 0.15/1M + 20 × 0.60/1M = $0.000027
    const out = await runBatch(base({ items: docs(100), concurrency: 2, budget: 0.0001 }), { provider, registry, cache: null, ledger: null, sink: s });
    expect(out.status).toBe('budget');
    expect(state.calls).toBeLessThan(10);
    expect(records.length).toBe(state.calls);
  });

  it('the request that reaches --budget is the last sent: its slot does not go to the next document first', async () => {
    // One answer ($0.000027) is over the budget; at -c 1 the next document waits for that slot.
    // The answer's spend is counted before the slot is handed on, so nothing else goes out.
    const { provider, state } = fakeProvider({ delayMs: 2 });
    const { s, records } = sink();
    const out = await runBatch(base({ items: docs(5), concurrency: 1, budget: 0.00001 }), { provider, registry, cache: null, ledger: null, sink: s });
    expect(out.status).toBe('budget');
    expect(state.calls).toBe(1);
    expect(records.map((r) => r.error)).toEqual([null]);
  });

  it('--budget reached by the last document: exit status budget, but no warning of unprocessed documents', async () => {
    // Each answer costs $0.000027: the third and last one takes the spend past $0.00007.
    const { provider, state } = fakeProvider({ delayMs: 2 });
    const { s, records } = sink();
    const out = await runBatch(base({ items: docs(3), concurrency: 1, budget: 0.00007 }), { provider, registry, cache: null, ledger: null, sink: s });
    expect(out.status).toBe('budget'); // exit 3: the budget was reached (SPEC §14)
    expect(state.calls).toBe(3);
    expect(records.map((r) => r.error)).toEqual([null, null, null]);
    expect(out.report.warnings).toEqual(['Spend reached the budget of $0.00007 with the last document; every document was processed.']);
  });

  it('--budget reached early: the warning says how many documents were not processed', async () => {
    const { provider } = fakeProvider({ delayMs: 2 });
    const out = await runBatch(base({ items: docs(5), concurrency: 1, budget: 0.00001 }), { provider, registry, cache: null, ledger: null, sink: sink().s });
    expect(out.report.warnings).toEqual([expect.stringMatching(/^Stopped dispatching: spend reached the budget of \$0\.00001\. 4 documents were not processed; run again/)]);
    // Input still being read when the budget stops the feeder: how many follow is not known.
    async function* slowDocs(): AsyncGenerator<InputItem> {
      for await (const item of docs(5)) {
        yield item;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    const slow = await runBatch(base({ items: slowDocs(), concurrency: 1, budget: 0.00001 }), { provider, registry, cache: null, ledger: null, sink: sink().s });
    expect(slow.report.warnings).toEqual([expect.stringMatching(/\. Documents not yet read, if any, were not processed; run again/)]);
  });

  it('progress events report retries as they happen, and what has been read before anything settles', async () => {
    const { provider } = fakeProvider({ delayMs: 2, fail: (n) => (n <= 3 ? new ProviderError('server', 'HTTP 503: overloaded', 503, 1) : undefined) });
    const { s } = sink();
    const seen: Progress[] = [];
    const out = await runBatch(base({ items: docs(5), concurrency: 1 }), { provider, registry, cache: null, ledger: null, sink: s, onEvent: (e) => { if (e.type === 'progress') seen.push(e.progress); } });
    expect(out.status).toBe('done');
    expect(seen[0]).toMatchObject({ done: 0, failed: 0, retries: 0 }); // the feeder's report, before any settled
    const firstRetry = seen.find((p) => p.retries > 0)!;
    expect(firstRetry).toMatchObject({ done: 0, retries: 1, lastRetry: 'server: HTTP 503: overloaded' });
    expect(seen.at(-1)).toMatchObject({ done: 5, retries: 3 });
  });

  it('the feeder lets pending I/O in while it reads, instead of filling the whole queue first', async () => {
    // Documents that are ready at once (small files are read synchronously) used to be pulled
    // until the queue was full — 512 at -c 200 — before any reply or lookup could be handled.
    let pulled = 0;
    let pulledWhenIoRan = -1;
    async function* ready(n: number): AsyncGenerator<InputItem> {
      for (let i = 0; i < n; i++) {
        pulled++;
        yield { kind: 'document', document: { id: `d${i}.txt`, path: `d${i}.txt`, text: `document number ${i} `.repeat(50), index: i } };
      }
    }
    const { provider } = fakeProvider({ delayMs: 1 });
    const { s } = sink();
    setImmediate(() => (pulledWhenIoRan = pulled));
    const out = await runBatch(base({ items: ready(2000), concurrency: 200 }), { provider, registry, cache: null, ledger: null, sink: s });
    expect(out.report.documents.done).toBe(2000);
    expect(pulledWhenIoRan).toBeGreaterThan(0);
    expect(pulledWhenIoRan).toBeLessThan(256);
  });

  it('a failed reply the server billed (a filtered completion) counts in the record, the report and --budget', async () => {
    const billed = { input_tokens: 1000, output_tokens: 0, cached_input_tokens: 0 }; // $0.00015 at gpt-4o-mini's price
    const { provider, state } = fakeProvider({ delayMs: 2, fail: () => new ProviderError('bad-reply', 'the reply has no content (finish_reason: content_filter)', undefined, undefined, billed) });
    const { s, records } = sink();
    const out = await runBatch(base({ items: docs(100), concurrency: 2, budget: 0.0005 }), { provider, registry, cache: null, ledger: null, sink: s });
    expect(records[0]).toMatchObject({ output: null, usage: billed, cost_usd: 0.00015 });
    expect(out.status).toBe('budget'); // failures that cost money stop a run at its budget too
    expect(state.calls).toBeLessThan(10);
    expect(out.report.cost_usd).toBeCloseTo(0.00015 * records.length, 12);
  });

  it('on the signal: stops dispatching, lets in-flight requests finish within the grace period', async () => {
    const { provider, state } = fakeProvider({ delayMs: 50 });
    const { s, records } = sink();
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 120);
    const out = await runBatch(base({ items: docs(100), concurrency: 3, signal: ctrl.signal, graceMs: 2000 }), { provider, registry, cache: null, ledger: null, sink: s });
    expect(out.status).toBe('interrupted');
    expect(records.length).toBe(state.calls);
    expect(records.every((r) => r.error === null)).toBe(true);
    expect(records.length).toBeLessThan(100);
  });

  it('after the grace period, in-flight requests are aborted and not written', async () => {
    const { provider, state } = fakeProvider({ delayMs: 5000 });
    const { s, records } = sink();
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(), 50);
    const out = await runBatch(base({ items: docs(10), concurrency: 3, signal: ctrl.signal, graceMs: 100 }), { provider, registry, cache: null, ledger: null, sink: s });
    expect(out.status).toBe('interrupted');
    expect(state.calls).toBe(3);
    expect(records).toHaveLength(0);
  });

  it('a long document stopped mid-way is not written, but what its answered chunks cost is in the report', async () => {
    // A 400-token window: the document goes through chunks, one call at a time (-c 1). Two
    // chunks are answered, the third is in flight when the grace period ends.
    let answered = 0;
    const ctrl = new AbortController();
    const provider: Provider = {
      id: 'http://fake',
      async complete(_req, { signal }) {
        if (answered === 2) {
          ctrl.abort(); // Ctrl-C while the third chunk is asked
          await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new ProviderError('aborted', 'aborted')), { once: true }));
        }
        answered++;
        return { content: 'partial answer', finish_reason: 'stop', usage: { input_tokens: 300, output_tokens: 20, cached_input_tokens: 0 } };
      },
    };
    const { s, records } = sink();
    const out = await runBatch(base({ items: longDocument(), model: 'tiny', concurrency: 1, signal: ctrl.signal, graceMs: 50 }),
      { provider, registry: tinyWindow, cache: null, ledger: null, sink: s });
    expect(out.status).toBe('interrupted');
    expect(answered).toBe(2);
    expect(records).toHaveLength(0); // unfinished: a re-run does it
    expect(out.report.documents).toMatchObject({ done: 0, failed: 0 });
    expect(out.report.tokens).toMatchObject({ input: 600, output: 40 });
    expect(out.report.cost_usd).toBeCloseTo((600 * 1 + 40 * 1) / 1e6, 12);
  });

  it('--budget holds within a long document: its chunk calls stop once spend reaches it', async () => {
    // Each call costs (300 + 20) tokens at $1 per million = $0.00032; the budget is reached by the
    // second chunk, and the document's other chunks are not sent (-c 1: nothing else in flight).
    let calls = 0;
    const provider: Provider = {
      id: 'http://fake',
      async complete() {
        calls++;
        return { content: 'partial answer', finish_reason: 'stop', usage: { input_tokens: 300, output_tokens: 20, cached_input_tokens: 0 } };
      },
    };
    const out = await runBatch(base({ items: longDocument(), model: 'tiny', concurrency: 1, budget: 0.0006 }),
      { provider, registry: tinyWindow, cache: null, ledger: null, sink: sink().s });
    expect(out.status).toBe('budget');
    expect(calls).toBe(2);
    expect(out.report.cost_usd).toBeCloseTo(2 * 0.00032, 12);
  });

  it('a second run over the same cache makes no calls and costs nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmbatch-cache-'));
    const cache = await CompletionCache.open(join(dir, 'c.sqlite'));
    const first = fakeProvider();
    await runBatch(base({ items: docs(30) }), { provider: first.provider, registry, cache, ledger: null, sink: sink().s });
    const second = fakeProvider();
    const { s, records } = sink();
    const out = await runBatch(base({ items: docs(30) }), { provider: second.provider, registry, cache, ledger: null, sink: s });
    await cache.close();
    expect(second.state.calls).toBe(0);
    expect(records.every((r) => r.cached && r.cost_usd === 0)).toBe(true);
    expect(out.report.cost_usd).toBe(0);
    expect(out.report.saved_usd).toBeCloseTo(30 * 0.000027, 9);
  });

  it('documents that come from the cache do not wait for slots held by slow requests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmbatch-cache-'));
    const cache = await CompletionCache.open(join(dir, 'c.sqlite'));
    async function* some(indices: number[]): AsyncGenerator<InputItem> {
      for (const i of indices) yield { kind: 'document', document: { id: `d${i}.txt`, path: `d${i}.txt`, text: `document number ${i}`, index: i } };
    }
    const range = (a: number, b: number) => Array.from({ length: b - a }, (_, k) => a + k);
    await runBatch(base({ items: some(range(10, 20)) }), { provider: fakeProvider().provider, registry, cache, ledger: null, sink: sink().s });
    // d0–d9 are new and slow (one slot), d10–d19 are cached and come after them in input order.
    const slow = fakeProvider({ delayMs: 150 });
    let cachedAtFirstReply = -1;
    let cachedNow = 0;
    const provider: Provider = {
      id: slow.provider.id,
      async complete(req, opts) {
        const r = await slow.provider.complete(req, opts);
        if (cachedAtFirstReply < 0) cachedAtFirstReply = cachedNow;
        return r;
      },
    };
    const { s, records } = sink();
    const out = await runBatch(base({ items: some(range(0, 20)), concurrency: 1 }), {
      provider, registry, cache, ledger: null, sink: s,
      onEvent: (e) => { if (e.type === 'progress') cachedNow = e.progress.cached; },
    });
    await cache.close();
    expect(out.status).toBe('done');
    expect(slow.state.calls).toBe(10);
    expect(slow.state.maxInFlight).toBe(1);
    expect(cachedAtFirstReply).toBe(10);
    expect(records.map((r) => r.id)).toEqual(range(0, 20).map((i) => `d${i}.txt`));
  });

  it('a compression step that throws on one document fails that document only', async () => {
    const { provider } = fakeProvider();
    const { s, records } = sink();
    const transform = async (doc: { id: string; text: string }) => {
      if (doc.id === 'd2.txt') throw new TypeError('boom in a strategy');
      return { text: doc.text, tokensBefore: 1, tokensAfter: 1 };
    };
    const out = await runBatch(base({ items: docs(5), transform }), { provider, registry, cache: null, ledger: null, sink: s });
    expect(out.status).toBe('done');
    expect(out.report.documents).toMatchObject({ done: 4, failed: 1 });
    expect(records.find((r) => r.id === 'd2.txt')!.error).toBe('compression failed: boom in a strategy');
  });

  it('a failing output write stops the run with that error instead of an unhandled rejection', async () => {
    const { provider } = fakeProvider();
    const failing: ResultSink = { async write() { throw new Error('ENOSPC: no space left on device'); }, async close() {} };
    await expect(runBatch(base({ items: docs(20) }), { provider, registry, cache: null, ledger: null, sink: failing })).rejects.toThrow(/ENOSPC/);
  });

  it('an HTTP client that cannot be loaded ends the run with one error, not a retry per document', async () => {
    let loads = 0;
    const settings = { baseUrl: 'http://127.0.0.1:9/v1', apiKey: 'sk-test-secret-key-123456', timeoutMs: 5000 } as Settings;
    const provider = await makeProvider(settings, false, () => {
      loads++;
      return Promise.reject(new Error("Cannot find module '/x/dist/providers/langchain.js' (key sk-test-secret-key-123456)"));
    });
    const { s, records } = sink();
    const retries: RunEvent[] = [];
    const err = await runBatch(base({ items: docs(50), retries: 6 }), { provider, registry, cache: null, ledger: null, sink: s, onEvent: (e) => { if (e.type === 'retry') retries.push(e); } })
      .then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(LlmbatchError);
    expect((err as LlmbatchError).code).toBe('internal');
    expect((err as LlmbatchError).message).toMatch(/^Could not load the HTTP client: Cannot find module/);
    expect((err as LlmbatchError).message).not.toContain('sk-test-secret-key-123456');
    expect(loads).toBe(1);
    expect(retries).toEqual([]);
    expect(records.filter((r) => r.output !== null)).toEqual([]);
  });
});
