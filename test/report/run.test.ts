import { describe, expect, it } from 'vitest';
import { summarizeRun, type RunMeta } from '../../src/report/run.js';
import type { UsageRecord } from '../../src/report/types.js';

const rec = (over: Partial<UsageRecord> & Pick<UsageRecord, 'id'>): UsageRecord => ({
  model: 'gpt-4o-mini',
  prompt: 'summarize',
  status: 'ok',
  cached: false,
  input_tokens: 0,
  output_tokens: 0,
  cached_input_tokens: 0,
  cost_usd: 0,
  saved_usd: 0,
  latency_ms: 0,
  attempts: 1,
  chunks: 1,
  ...over,
});

const meta = (over: Partial<RunMeta> = {}): RunMeta => ({
  run_id: 'r1',
  command: 'run',
  started_at: '2025-06-01T10:00:00.000Z',
  finished_at: '2025-06-01T10:00:10.000Z',
  interrupted: false,
  skipped: [{ path: 'x.bin', reason: 'binary file' }],
  total: 6,
  warnings: ['w1'],
  ...over,
});

const records: UsageRecord[] = [
  rec({ id: 'a', input_tokens: 100, output_tokens: 20, cost_usd: 0.001, latency_ms: 500, doc_tokens_before: 120, doc_tokens_after: 100 }),
  rec({ id: 'b', cached: true, input_tokens: 200, output_tokens: 30, cost_usd: 0, saved_usd: 0.002, latency_ms: 2, doc_tokens_before: 200, doc_tokens_after: 200 }),
  rec({ id: 'c', model: 'gpt-4o', input_tokens: 300, output_tokens: 50, cached_input_tokens: 128, cost_usd: 0.01, latency_ms: 1500, doc_tokens_before: 300, doc_tokens_after: 250 }),
  rec({ id: 'd', model: 'gpt-4o', status: 'error', cost_usd: null, saved_usd: null, latency_ms: 60000, error_code: 'timeout', error: 'no answer in 60 s' }),
  rec({ id: 'e', input_tokens: 50, output_tokens: 10, cost_usd: 0.0005, latency_ms: 700, doc_tokens_before: 50, doc_tokens_after: 50 }),
];

describe('summarizeRun', () => {
  it('adds up a small run by hand', () => {
    const r = summarizeRun(records, meta());
    expect(r.documents).toEqual({ total: 6, done: 4, failed: 1, skipped: 1, cached: 1 });
    expect(r.tokens).toEqual({ input: 650, output: 110, cached_input: 128, before_compression: 670, after_compression: 600 });
    expect(r.cost_usd).toBeCloseTo(0.0115, 12); // cached b and the failed d (no tokens) add nothing
    expect(r.saved_usd).toBeCloseTo(0.002, 12);
    expect(r.latency_ms).toEqual({ p50: 700, p95: 1500, max: 1500 }); // a, c, e: no cache hit, no failure
    expect(r.duration_ms).toBe(10_000);
    expect(r.throughput.documents_per_s).toBeCloseTo(0.4, 12);
    expect(r.throughput.tokens_per_s).toBeCloseTo(76, 12);
    expect(r.models).toEqual([
      { model: 'gpt-4o-mini', documents: 3, input_tokens: 350, output_tokens: 60, cost_usd: expect.closeTo(0.0015, 12) },
      { model: 'gpt-4o', documents: 1, input_tokens: 300, output_tokens: 50, cost_usd: expect.closeTo(0.01, 12) },
    ]);
    expect(r.failures).toEqual([{ id: 'd', error: 'timeout: no answer in 60 s' }]);
    expect(r.skipped).toEqual([{ path: 'x.bin', reason: 'binary file' }]);
    expect(r.warnings).toEqual(['w1']);
    expect(r).toMatchObject({ run_id: 'r1', command: 'run', interrupted: false });
  });

  it.each([
    { name: 'an ok record with no price', extra: rec({ id: 'f', model: 'llama', input_tokens: 10, cost_usd: null }), cost: null, saved: 0.002 },
    { name: 'a cache hit whose price is unknown', extra: rec({ id: 'g', model: 'llama', cached: true, cost_usd: 0, saved_usd: null }), cost: 0.0115, saved: null },
    { name: 'a failure that used tokens at an unknown price', extra: rec({ id: 'h', model: 'llama', status: 'error', input_tokens: 10, cost_usd: null }), cost: null, saved: 0.002 },
    { name: 'a billed failure', extra: rec({ id: 'i', status: 'error', input_tokens: 10, cost_usd: 0.0001 }), cost: 0.0116, saved: 0.002 },
  ])('unknown prices propagate: $name', ({ extra, cost, saved }) => {
    const r = summarizeRun([...records, extra], meta());
    if (cost === null) expect(r.cost_usd).toBeNull();
    else expect(r.cost_usd).toBeCloseTo(cost, 12);
    if (saved === null) expect(r.saved_usd).toBeNull();
    else expect(r.saved_usd).toBeCloseTo(saved, 12);
    // The other models keep their known totals.
    expect(r.models.find((m) => m.model === 'gpt-4o')?.cost_usd).toBeCloseTo(0.01, 12);
  });

  it('counts what the cache saved on documents only partly answered from it, and the tokens a failed document was billed for', () => {
    const r = summarizeRun([
      ...records,
      // a resumed map-reduce: its chunks came from the cache, the reduce was sent
      rec({ id: 'f', input_tokens: 40, output_tokens: 5, cost_usd: 0.0002, saved_usd: 0.003 }),
      // chunks answered before the document failed: billed
      rec({ id: 'g', status: 'error', input_tokens: 70, output_tokens: 7, cost_usd: 0.0004, error_code: 'context_length', error: 'too long' }),
    ], meta({ total: 8 }));
    expect(r.saved_usd).toBeCloseTo(0.002 + 0.003, 12);
    expect(r.cost_usd).toBeCloseTo(0.0115 + 0.0002 + 0.0004, 12);
    expect(r.tokens).toMatchObject({ input: 650 + 40 + 70, output: 110 + 5 + 7 });
    expect(r.models.find((m) => m.model === 'gpt-4o-mini')).toMatchObject({ documents: 4, input_tokens: 350 + 40 + 70, output_tokens: 60 + 5 + 7 });
    expect(r.documents).toMatchObject({ done: 5, failed: 2 });
  });

  it('per model: each call\'s tokens and cost under the model it went to, the document under the one that answered', () => {
    const r = summarizeRun([
      rec({ id: 'a', input_tokens: 100, output_tokens: 20, cost_usd: 0.001 }),
      // escalated: nano answered first (paid), gpt-4.1 gave the answer
      rec({ id: 'b', model: 'gpt-4.1', input_tokens: 500, output_tokens: 60, cost_usd: 0.0031,
        by_model: [{ model: 'gpt-4.1-nano', input_tokens: 200, output_tokens: 30, cost_usd: 0.0001 }, { model: 'gpt-4.1', input_tokens: 300, output_tokens: 30, cost_usd: 0.003 }] }),
    ], meta({ total: 2, skipped: [] }));
    expect(r.cost_usd).toBeCloseTo(0.0041, 12);
    expect(r.models).toEqual([
      { model: 'gpt-4o-mini', documents: 1, input_tokens: 100, output_tokens: 20, cost_usd: expect.closeTo(0.001, 12) },
      { model: 'gpt-4.1', documents: 1, input_tokens: 300, output_tokens: 30, cost_usd: expect.closeTo(0.003, 12) },
      { model: 'gpt-4.1-nano', documents: 0, input_tokens: 200, output_tokens: 30, cost_usd: expect.closeTo(0.0001, 12) },
    ]);
  });

  it('uses cache-hit latencies only when everything was cached', () => {
    const r = summarizeRun([
      rec({ id: 'a', cached: true, latency_ms: 3, saved_usd: 0.1 }),
      rec({ id: 'b', cached: true, latency_ms: 5, saved_usd: 0.2 }),
    ], meta({ total: 2, skipped: [] }));
    expect(r.latency_ms).toEqual({ p50: 3, p95: 5, max: 5 });
    expect(r.cost_usd).toBe(0);
    expect(r.saved_usd).toBeCloseTo(0.3, 12);
    expect(r.documents.cached).toBe(2);
  });

  it('a run whose documents all failed has no latency (null), not 0', () => {
    const failed = rec({ id: 'a', status: 'error', error: 'HTTP 500', error_code: 'server', latency_ms: 0 });
    expect(summarizeRun([failed], meta({ total: 1 })).latency_ms).toEqual({ p50: null, p95: null, max: null });
  });

  it('handles an empty run and an unparseable clock', () => {
    const r = summarizeRun([], meta({ total: 0, skipped: [], finished_at: 'not a date' }));
    expect(r.documents).toEqual({ total: 0, done: 0, failed: 0, skipped: 0, cached: 0 });
    expect(r.cost_usd).toBe(0);
    expect(r.saved_usd).toBe(0);
    expect(r.latency_ms).toEqual({ p50: null, p95: null, max: null }); // nothing timed: unknown, not 0 (SPEC §15)
    expect(r.tokens).toMatchObject({ before_compression: null, after_compression: null }); // no compression counted them
    expect(r.duration_ms).toBe(0);
    expect(r.throughput).toEqual({ documents_per_s: 0, tokens_per_s: 0 });
    expect(r.models).toEqual([]);
  });

  it('keeps the first 20 failures', () => {
    const failed = Array.from({ length: 25 }, (_, i) => rec({ id: `f${i}`, status: 'error', error_code: 'http_500' }));
    const r = summarizeRun(failed, meta({ total: 25 }));
    expect(r.documents.failed).toBe(25);
    expect(r.failures).toHaveLength(20);
    expect(r.failures[0]).toEqual({ id: 'f0', error: 'http_500' });
    expect(r.failures[19].id).toBe('f19');
  });

  it('accepts any iterable (a generator over the ledger)', () => {
    function* gen() { yield* records; }
    expect(summarizeRun(gen(), meta()).documents.done).toBe(4);
  });
});
