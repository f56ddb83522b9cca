/** The HTML reports without a browser: escaping, no network, chart data. */
import { describe, expect, it } from 'vitest';
import { renderCompareHtml, renderRunReportHtml } from '../../src/cli/render/html.js';
import { liveCompare, offlineCompare, runReport } from './fixtures.js';
import { assertNoNetwork, chartRects } from './html-helpers.js';

describe('renderCompareHtml', () => {
  it('escapes user text: a variant called <script> stays text', () => {
    const html = renderCompareHtml(liveCompare());
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;@gpt-4o');
    expect(html).toContain('data-variant="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;@gpt-4o"');
  });

  it.each([['offline', offlineCompare()], ['live', liveCompare()]] as const)('%s: loads nothing from the network', (_name, result) => {
    const html = renderCompareHtml(result);
    assertNoNetwork(html);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it('draws one bar per variant with its value in every chart', () => {
    const result = liveCompare();
    const html = renderCompareHtml(result);
    const names = result.variants.map((v) => v.name);
    expect(chartRects(html, 'chart-cost')).toEqual(result.variants.map((v) => ({ name: v.name, series: 'cost', value: String(v.cost_usd) })));
    const tokens = chartRects(html, 'chart-tokens');
    expect(tokens.filter((r) => r.series === 'input').map((r) => [r.name, Number(r.value)])).toEqual(result.variants.map((v) => [v.name, v.input_tokens]));
    expect(tokens.filter((r) => r.series === 'output').map((r) => [r.name, Number(r.value)])).toEqual(result.variants.map((v) => [v.name, v.output_tokens]));
    expect(chartRects(html, 'chart-savings').map((r) => [r.name, Number(r.value)])).toEqual(result.variants.map((v) => [v.name, v.delta_cost_pct]));
    expect(chartRects(html, 'chart-latency').map((r) => [r.name, Number(r.value)])).toEqual(result.variants.map((v) => [v.name, v.latency_ms!.p50]));
    expect(names).toHaveLength(3);
  });

  it('offline: no latency chart, unknown values are null (never 0)', () => {
    const html = renderCompareHtml(offlineCompare());
    expect(html).not.toContain('id="chart-latency"');
    const llama = chartRects(html, 'chart-cost').find((r) => r.name === 'concise@my-llama')!;
    expect(llama.value).toBe('null');
    expect(chartRects(html, 'chart-savings').find((r) => r.name === 'concise@my-llama')!.value).toBe('null');
  });
});

describe('renderRunReportHtml', () => {
  it('charts per model and loads nothing', () => {
    const report = runReport();
    const html = renderRunReportHtml(report);
    assertNoNetwork(html);
    expect(chartRects(html, 'chart-models-cost', 'model').map((r) => [r.name, Number(r.value)])).toEqual(report.models.map((m) => [m.model, m.cost_usd]));
    const tokens = chartRects(html, 'chart-models-tokens', 'model');
    expect(tokens.filter((r) => r.series === 'input').map((r) => Number(r.value))).toEqual(report.models.map((m) => m.input_tokens));
    expect(html).toContain('docs/bin/file-12.png: binary file');
    expect(html).toContain('p50 812 ms');
  });

  it('escapes run ids and model names', () => {
    const report = runReport();
    report.run_id = '"><img src=x onerror=alert(1)>';
    report.models[0].model = '<b>m</b>';
    const html = renderRunReportHtml(report);
    assertNoNetwork(html);
    expect(html).toContain('&lt;b&gt;m&lt;/b&gt;');
  });
});
