import { describe, expect, it } from 'vitest';
import { applyBaseline, evaluateGates, variantName } from '../../src/report/compare.js';
import type { CompareVariant } from '../../src/report/types.js';
import { LlmbatchError } from '../../src/errors.js';

const v = (name: string, input: number, output: number, cost: number | null, over: Partial<CompareVariant> = {}): CompareVariant => ({
  name, prompt: name.split('@')[0], model: name.split('@')[1] ?? 'gpt-4o-mini', compress: 'none', documents: 10,
  input_tokens: input, input_tokens_before_compression: input, output_tokens: output, output_source: 'measured', output_samples: 0,
  cost_usd: cost, cost_low: cost, cost_high: cost, cost_per_1k_docs: cost == null ? null : cost * 100,
  delta_tokens_pct: null, delta_cost_pct: null, latency_ms: null, similarity: null, similarity_worst: null,
  estimate_error_pct: null, failed: 0, ...over,
});

describe('variantName', () => {
  it.each([
    { p: 'concise', m: 'gpt-4o-mini', c: 'none', want: 'concise@gpt-4o-mini' },
    { p: 'concise', m: 'gpt-4o-mini', c: '', want: 'concise@gpt-4o-mini' },
    { p: 'concise', m: 'gpt-4o-mini', c: 'whitespace,dedupe', want: 'concise@gpt-4o-mini+whitespace+dedupe' },
    { p: 'v', m: 'gpt-4o', c: 'whitespace', want: 'v@gpt-4o+whitespace' },
  ])('$p $m $c → $want', ({ p, m, c, want }) => {
    expect(variantName(p, m, c)).toBe(want);
  });
});

describe('applyBaseline', () => {
  const vs = [v('verbose@gpt-4o-mini', 1000, 300, 0.4), v('concise@gpt-4o-mini', 800, 240, 0.2), v('concise@llama', 800, 240, null), v('free@local', 0, 0, 0)];

  it('fills deltas against the baseline, which gets 0', () => {
    const out = applyBaseline(vs, 'verbose@gpt-4o-mini');
    expect(out.map((x) => [x.name, x.delta_tokens_pct, x.delta_cost_pct])).toEqual([
      ['verbose@gpt-4o-mini', 0, 0],
      ['concise@gpt-4o-mini', -20, -50],
      ['concise@llama', -20, null],
      ['free@local', -100, -100],
    ]);
    expect(vs[1].delta_cost_pct).toBeNull(); // input not mutated
  });

  it('gives null deltas against a zero or unknown baseline', () => {
    const free = applyBaseline(vs, 'free@local');
    expect(free.map((x) => [x.delta_tokens_pct, x.delta_cost_pct])).toEqual([[null, null], [null, null], [null, null], [0, 0]]);
    const unknown = applyBaseline(vs, 'concise@llama');
    expect(unknown.map((x) => x.delta_cost_pct)).toEqual([null, null, null, null]);
  });

  it('names the choices when the baseline does not exist', () => {
    expect(() => applyBaseline(vs, 'nope')).toThrow(LlmbatchError);
    expect(() => applyBaseline(vs, 'nope')).toThrow(/No variant named "nope"/);
  });
});

describe('evaluateGates', () => {
  const variants = applyBaseline([
    v('verbose@gpt-4o-mini', 1000, 300, 0.4),
    v('concise@gpt-4o', 800, 240, 0.5368),
    v('concise@gpt-4o-mini', 800, 240, 0.2),
  ], 'verbose@gpt-4o-mini');
  const live = { baseline: 'verbose@gpt-4o-mini', live: true, variants };

  it('returns no gate when none is asked for', () => {
    expect(evaluateGates(live, {})).toEqual([]);
  });

  it('max-increase: fails the variant above the limit, with the numbers', () => {
    expect(evaluateGates(live, { maxIncreasePct: 10 })).toEqual([
      { name: 'max-increase', passed: false, reason: 'concise@gpt-4o: +34.2% cost vs baseline verbose@gpt-4o-mini (limit +10%)' },
      { name: 'max-increase', passed: true, reason: 'concise@gpt-4o-mini: -50.0% cost vs baseline verbose@gpt-4o-mini (limit +10%)' },
    ]);
    expect(evaluateGates(live, { maxIncreasePct: 50 }).every((g) => g.passed)).toBe(true);
  });

  it('max-cost: live cost against the limit', () => {
    expect(evaluateGates(live, { maxCost: 0.45 })).toEqual([
      { name: 'max-cost', passed: true, reason: 'verbose@gpt-4o-mini: cost $0.40 within limit $0.45' },
      { name: 'max-cost', passed: false, reason: 'concise@gpt-4o: cost $0.537 exceeds limit $0.45' },
      { name: 'max-cost', passed: true, reason: 'concise@gpt-4o-mini: cost $0.20 within limit $0.45' },
    ]);
  });

  it('max-cost: offline uses the high end of the estimate', () => {
    const offline = { baseline: 'a@m', live: false, variants: [v('a@m', 10, 10, 0.3, { cost_low: 0.1, cost_high: 0.6 })] };
    const [gate] = evaluateGates(offline, { maxCost: 0.5 });
    expect(gate.passed).toBe(false);
    expect(gate.reason).toBe('a@m: estimated cost (high end) $0.60 exceeds limit $0.50');
  });

  it('an unknown cost fails every cost gate', () => {
    const vs = applyBaseline([v('a@gpt-4o-mini', 10, 10, 0.1), v('b@llama', 10, 10, null)], 'a@gpt-4o-mini');
    const gates = evaluateGates({ baseline: 'a@gpt-4o-mini', live: true, variants: vs }, { maxCost: 1, maxIncreasePct: 10 });
    expect(gates.map((g) => [g.name, g.passed])).toEqual([['max-cost', true], ['max-cost', false], ['max-increase', false]]);
    expect(gates[1].reason).toContain('cost unknown');
    expect(gates[2].reason).toContain('cost unknown');
  });

  it('an unknown baseline cost fails max-increase; a free baseline fails any paid variant', () => {
    const unknown = applyBaseline([v('a@llama', 10, 10, null), v('b@gpt-4o-mini', 10, 10, 0.1)], 'a@llama');
    const [g1] = evaluateGates({ baseline: 'a@llama', live: true, variants: unknown }, { maxIncreasePct: 10 });
    expect(g1).toMatchObject({ passed: false, reason: expect.stringContaining('cost unknown') });
    const free = applyBaseline([v('a@local', 10, 10, 0), v('b@gpt-4o-mini', 10, 10, 0.1), v('c@local', 10, 10, 0)], 'a@local');
    const gates = evaluateGates({ baseline: 'a@local', live: true, variants: free }, { maxIncreasePct: 10 });
    expect(gates.map((g) => g.passed)).toEqual([false, true]);
  });
});
