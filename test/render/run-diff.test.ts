/** `report A B` and `report --list` renderers: figures, deltas and every format, colour off. */
import { describe, expect, it } from 'vitest';
import { diffRuns, renderRunDiff, renderRunList } from '../../src/cli/render/run-diff.js';
import type { RunRow } from '../../src/ledger/index.js';
import type { RunReport } from '../../src/report/types.js';
import { runReport } from './fixtures.js';

const plain = { color: false };

function pair(): [RunReport, RunReport] {
  const a = runReport();
  const b: RunReport = {
    ...runReport(),
    run_id: '20250102T090000-bbbbbb',
    command: 'run docs -p concise.txt',
    started_at: '2025-01-02T09:00:00.000Z',
    tokens: { ...a.tokens, input: a.tokens.input / 2, output: a.tokens.output },
    cost_usd: a.cost_usd! / 2,
    latency_ms: { p50: a.latency_ms.p50 * 2, p95: a.latency_ms.p95, max: a.latency_ms.max },
    models: [{ ...a.models[0], cost_usd: a.models[0].cost_usd! / 2 }, { model: 'gpt-4.1-nano', documents: 1, input_tokens: 10, output_tokens: 5, cost_usd: null }],
  };
  return [a, b];
}

describe('diffRuns', () => {
  it('puts the figures side by side with B relative to A in percent', () => {
    const [a, b] = pair();
    const d = diffRuns(a, b);
    const m = (name: string) => d.metrics.find((x) => x.name === name)!;
    expect(m('cost')).toMatchObject({ a: a.cost_usd, b: b.cost_usd, delta_pct: -50, lower_is_better: true });
    expect(m('input tokens').delta_pct).toBe(-50);
    expect(m('latency p50').delta_pct).toBe(100);
    expect(m('documents done')).toMatchObject({ delta_pct: 0, lower_is_better: false });
    expect(d.models.map((x) => x.model)).toEqual([...a.models.map((x) => x.model), 'gpt-4.1-nano']);
    const nano = d.models.find((x) => x.model === 'gpt-4.1-nano')!;
    expect(nano).toMatchObject({ a: null, delta_cost_pct: null });
    expect(d.models[0].delta_cost_pct).toBe(-50);
  });

  it('a zero base has no percentage (n/a), never Infinity', () => {
    const [a, b] = pair();
    const d = diffRuns({ ...a, cost_usd: 0 }, b);
    expect(d.metrics.find((x) => x.name === 'cost')!.delta_pct).toBeNull();
  });
});

describe('renderRunDiff', () => {
  it.each(['text', 'md', 'csv', 'json', 'html'] as const)('%s', (format) => {
    const [a, b] = pair();
    expect(renderRunDiff(a, b, format, plain)).toMatchSnapshot();
  });

  it('colours a cost fall green and a latency rise red', () => {
    const [a, b] = pair();
    const out = renderRunDiff(a, b, 'text', { color: true });
    expect(out).toContain('\u001b[32m-50.0%\u001b[39m');
    expect(out).toContain('\u001b[31m+100.0%\u001b[39m');
  });

  it('html is one page with no external resource and escapes the commands', () => {
    const [a, b] = pair();
    const html = renderRunDiff(a, { ...b, command: 'run <script>alert(1)</script>' }, 'html', plain);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("default-src 'none'");
    expect(html).not.toContain('<script>');
    expect(html).not.toMatch(/(src|href)=/);
  });
});

describe('renderRunList', () => {
  const runs: RunRow[] = [
    { id: '20250102T090000-bbbbbb', started_at: '2025-01-02T09:00:00.000Z', finished_at: '2025-01-02T09:01:00.000Z', command: 'run docs -p concise.txt', status: 'done', documents: 120, cost_usd: 0.0123 },
    { id: '20250101T090000-aaaaaa', started_at: '2025-01-01T09:00:00.000Z', finished_at: null, command: 'summarize docs', status: 'interrupted', documents: 3, cost_usd: null },
  ];
  it.each(['text', 'md', 'csv', 'json'] as const)('%s', (format) => {
    expect(renderRunList(runs, format, plain)).toMatchSnapshot();
  });
  it('says when there is nothing yet', () => {
    expect(renderRunList([], 'text', plain)).toBe('No runs recorded yet.\n');
    expect(JSON.parse(renderRunList([], 'json', plain))).toEqual([]);
  });
});
