/** Fixed, small report data for renderer snapshots. */
import type { ModelInfo } from '../../src/models/types.js';
import type { CompareResult, CompareVariant, EstimateResult, RunReport } from '../../src/report/types.js';

const variant = (over: Partial<CompareVariant> & Pick<CompareVariant, 'name' | 'prompt' | 'model' | 'compress'>): CompareVariant => ({
  documents: 3,
  input_tokens: 1000,
  input_tokens_before_compression: 1000,
  output_tokens: 300,
  output_source: 'fill-ratio',
  output_samples: 0,
  cost_usd: 0.00033,
  cost_low: 0.00015,
  cost_high: 0.00069,
  cost_per_1k_docs: 0.11,
  delta_tokens_pct: null,
  delta_cost_pct: null,
  latency_ms: null,
  similarity: null,
  similarity_worst: null,
  estimate_error_pct: null,
  failed: 0,
  ...over,
});

export function offlineCompare(): CompareResult {
  return {
    baseline: 'verbose@gpt-4o-mini',
    live: false,
    documents: 3,
    skipped: [{ path: 'docs/logo.png', reason: 'binary file' }],
    fill_ratio: 0.35,
    variants: [
      variant({ name: 'verbose@gpt-4o-mini', prompt: 'verbose', model: 'gpt-4o-mini', compress: 'none', delta_tokens_pct: 0, delta_cost_pct: 0 }),
      variant({
        name: 'concise@gpt-4o-mini+whitespace+dedupe', prompt: 'concise', model: 'gpt-4o-mini', compress: 'whitespace,dedupe',
        input_tokens: 820, input_tokens_before_compression: 900, output_tokens: 120, output_source: 'ledger', output_samples: 12,
        cost_usd: 0.000195, cost_low: 0.000195, cost_high: 0.000195, cost_per_1k_docs: 0.065, delta_tokens_pct: -27.692, delta_cost_pct: -40.909,
      }),
      variant({
        name: 'concise@gpt-4o', prompt: 'concise', model: 'gpt-4o', compress: 'none',
        input_tokens: 900, input_tokens_before_compression: 900, output_tokens: 300, cost_usd: 0.00525, cost_low: 0.00225, cost_high: 0.01125, cost_per_1k_docs: 1.75,
        delta_tokens_pct: -7.692, delta_cost_pct: 1490.909,
      }),
      variant({
        name: 'concise@my-llama', prompt: 'concise', model: 'my-llama', compress: 'none',
        input_tokens: 900, input_tokens_before_compression: 900, cost_usd: null, cost_low: null, cost_high: null, cost_per_1k_docs: null, delta_tokens_pct: -7.692, delta_cost_pct: null,
      }),
    ],
    gates: [
      { name: 'max-increase', passed: true, reason: 'concise@gpt-4o-mini+whitespace+dedupe: -40.9% cost vs baseline verbose@gpt-4o-mini (limit +10%)' },
      { name: 'max-increase', passed: false, reason: 'concise@gpt-4o: +1490.9% cost vs baseline verbose@gpt-4o-mini (limit +10%)' },
    ],
    notes: ['prices checked 2025-06-01'],
  };
}

export function liveCompare(): CompareResult {
  return {
    baseline: 'verbose@gpt-4o-mini',
    live: true,
    documents: 4,
    skipped: [],
    variants: [
      variant({
        name: 'verbose@gpt-4o-mini', prompt: 'verbose', model: 'gpt-4o-mini', compress: 'none', documents: 4,
        output_source: 'measured', cost_usd: 0.0004, cost_low: 0.0004, cost_high: 0.0004, cost_per_1k_docs: 0.1,
        delta_tokens_pct: 0, delta_cost_pct: 0, latency_ms: { p50: 420, p95: 910 }, similarity: 1, similarity_worst: 1,
        estimate_error_pct: { input_tokens: 0, output_tokens: 12.5, cost: 5.25 }, latencies: [910, 420, 380, 455],
      }),
      variant({
        name: 'concise@gpt-4o-mini', prompt: 'concise', model: 'gpt-4o-mini', compress: 'none', documents: 4,
        input_tokens: 880, output_tokens: 140, output_source: 'measured', cost_usd: 0.0002, cost_low: 0.0002, cost_high: 0.0002,
        cost_per_1k_docs: 0.05, delta_tokens_pct: -21.538, delta_cost_pct: -50, latency_ms: { p50: 300, p95: 610 },
        similarity: 0.62, similarity_worst: 0.41, estimate_error_pct: { input_tokens: 0, output_tokens: -30, cost: -18.2 },
        latencies: [300, 610, 280, 330], failed: 1,
      }),
      variant({
        name: '<script>alert("x")</script>@gpt-4o', prompt: '<script>alert("x")</script>', model: 'gpt-4o', compress: 'none', documents: 4,
        input_tokens: 880, output_tokens: 150, output_source: 'measured', cost_usd: 0.0037, cost_low: 0.0037, cost_high: 0.0037,
        cost_per_1k_docs: 0.925, delta_tokens_pct: -20.769, delta_cost_pct: 825, latency_ms: { p50: 700, p95: 1500 },
        similarity: 0.7, similarity_worst: 0.55, estimate_error_pct: { input_tokens: 0, output_tokens: null, cost: null },
        latencies: [700, 1500, 650, 720],
      }),
    ],
    gates: [{ name: 'max-cost', passed: true, reason: 'verbose@gpt-4o-mini: cost $0.0004 within limit $1.00' }],
    notes: [],
  };
}

export function runReport(): RunReport {
  return {
    run_id: 'r-20250601-abc123',
    command: 'summarize',
    started_at: '2025-06-01T10:00:00.000Z',
    finished_at: '2025-06-01T10:01:05.000Z',
    duration_ms: 65000,
    interrupted: false,
    documents: { total: 26, done: 20, failed: 2, skipped: 12, cached: 5 },
    tokens: { input: 48210, output: 6034, cached_input: 1024, before_compression: 51000, after_compression: 47000 },
    cost_usd: 0.0108,
    saved_usd: 0.0021,
    latency_ms: { p50: 812, p95: 2430, max: 4100 },
    throughput: { documents_per_s: 0.3077, tokens_per_s: 834.5 },
    models: [
      { model: 'gpt-4o-mini', documents: 15, input_tokens: 36000, output_tokens: 4500, cost_usd: 0.0081 },
      { model: 'gpt-4.1-mini', documents: 5, input_tokens: 12210, output_tokens: 1534, cost_usd: 0.0027 },
    ],
    skipped: Array.from({ length: 12 }, (_, i) => ({ path: `docs/bin/file-${i + 1}.png`, reason: 'binary file' })),
    failures: [
      { id: 'notes/a', error: 'http_429: rate limited after 5 attempts' },
      { id: 'notes/b', error: 'timeout: no answer in 60 s' },
    ],
    warnings: ['model gpt-4.1-mini: prices checked 2025-04-14'],
  };
}

export function estimateResult(): EstimateResult {
  return {
    documents: 3,
    skipped: [{ path: 'big/archive.zip', reason: 'binary file' }],
    errors: [{ id: 'bad.jsonl:7', message: 'line 7: not valid JSON' }],
    prompt: 'concise',
    compress: 'whitespace',
    models: [
      {
        model: 'gpt-4o-mini', documents: 3, input_tokens: 12345, input_tokens_before_compression: 13000, output_tokens_estimate: 1500,
        cost_usd: { low: 0.0019, high: 0.0028 }, over_context: 0, over_context_ids: [], over_context_chunks: 0, exact: true, price_known: true,
      },
      {
        model: 'llama-3-8b', documents: 3, input_tokens: 12900, input_tokens_before_compression: 13600, output_tokens_estimate: 1500,
        cost_usd: { low: null, high: null }, over_context: 1, over_context_ids: ['docs/huge.md'], over_context_chunks: 3, exact: false, price_known: false,
      },
    ],
    largest: [{ id: 'docs/huge.md', tokens: 9000 }, { id: 'docs/b.md', tokens: 2345 }],
    by_file: [
      { id: 'docs/huge.md', tokens: 9000, cost_usd: { 'gpt-4o-mini': 0.00135, 'llama-3-8b': null } },
      { id: 'docs/b, c.md', tokens: 2345, cost_usd: { 'gpt-4o-mini': 0.00035, 'llama-3-8b': null } },
    ],
    output_estimate: { method: 'fill-ratio', fill_ratio: 0.35 },
    warnings: ['no price known for llama-3-8b: cost shown as ?'],
  };
}

export function models(): ModelInfo[] {
  return [
    { name: 'gpt-4o-mini', provider: 'openai', input: 0.15, output: 0.6, cached_input: 0.075, batch_discount: 0.5, context: 128000, max_output: 16384, encoding: 'o200k_base', exact: true, checked: '2025-06-01' },
    { name: 'gpt-4.1', provider: 'openai', input: 2, output: 8, cached_input: 0.5, batch_discount: 0.5, context: 1047576, max_output: 32768, encoding: 'o200k_base', exact: true, checked: '2025-06-01' },
    { name: 'llama-3-8b', provider: 'local', input: null, output: null, cached_input: null, batch_discount: 0, context: 8192, max_output: 2048, encoding: 'cl100k_base', exact: false, checked: '2025-06-01' },
  ];
}
