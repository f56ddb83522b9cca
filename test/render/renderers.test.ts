/** Snapshots of every renderer in every format, colour off, on fixed data. */
import { describe, expect, it } from 'vitest';
import { compareJson, renderCompare } from '../../src/cli/render/compare.js';
import { renderEstimate } from '../../src/cli/render/estimate.js';
import { renderModels } from '../../src/cli/render/models.js';
import { renderRunReport } from '../../src/cli/render/run-report.js';
import { estimateResult, liveCompare, models, offlineCompare, runReport } from './fixtures.js';

const plain = { color: false };

describe('renderCompare', () => {
  it.each(['table', 'md', 'csv', 'json', 'html'] as const)('offline %s', (format) => {
    expect(renderCompare(offlineCompare(), format, plain)).toMatchSnapshot();
  });
  it.each(['table', 'md', 'csv', 'json', 'html'] as const)('live %s', (format) => {
    expect(renderCompare(liveCompare(), format, plain)).toMatchSnapshot();
  });

  it('json keeps every key but the latency arrays', () => {
    const result = liveCompare();
    const parsed = JSON.parse(compareJson(result));
    for (const v of parsed.variants) expect(v).not.toHaveProperty('latencies');
    const { variants, ...rest } = result;
    expect(parsed).toEqual({ ...rest, variants: variants.map(({ latencies: _l, ...v }) => v) });
    expect(result.variants[0].latencies).toHaveLength(4); // the input is untouched
  });

  it('colours savings green and increases red when colour is on', () => {
    const out = renderCompare(liveCompare(), 'table', { color: true });
    expect(out).toContain('\u001b[32m-50.0%\u001b[39m');
    expect(out).toContain('\u001b[31m+825.0%\u001b[39m');
  });

  it('never shows an unknown cost as $0', () => {
    const out = renderCompare(offlineCompare(), 'table', plain);
    const row = out.split('\n').find((l) => l.startsWith('concise@my-llama'))!;
    expect(row).not.toContain('$0');
    expect(row).toContain('?');
  });

  it.each(['table', 'md', 'html'] as const)('%s shows the tokens before compression only when a variant is compressed', (format) => {
    const out = renderCompare(offlineCompare(), format, plain);
    expect(out).toContain('before compression');
    expect(out).toMatch(/concise@gpt-4o-mini\+whitespace\+dedupe\D+3\D+820\D+900\D/);
    expect(renderCompare(liveCompare(), format, plain)).not.toContain('before compression');
  });

  it('quotes csv fields with commas and quotes', () => {
    const result = offlineCompare();
    result.variants[0].name = 'say "hi", twice@gpt-4o-mini';
    result.baseline = result.variants[0].name;
    const lines = renderCompare(result, 'csv', plain).split('\r\n');
    expect(lines[1].startsWith('"say ""hi"", twice@gpt-4o-mini",verbose,gpt-4o-mini,none,true,3,')).toBe(true);
    expect(lines[2]).toContain(',"whitespace,dedupe",');
    expect(lines.at(-1)).toBe('');
  });
});

describe('renderRunReport', () => {
  it.each(['text', 'md', 'csv', 'json', 'html'] as const)('%s', (format) => {
    expect(renderRunReport(runReport(), format, plain)).toMatchSnapshot();
  });

  it('text lists at most 10 skipped files, then a count', () => {
    const out = renderRunReport(runReport(), 'text', plain);
    expect(out).toContain('docs/bin/file-10.png');
    expect(out).not.toContain('docs/bin/file-11.png');
    expect(out).toContain('… and 2 more');
  });
});

describe('renderEstimate', () => {
  it.each(['table', 'md', 'csv', 'json'] as const)('%s', (format) => {
    expect(renderEstimate(estimateResult(), format, plain)).toMatchSnapshot();
  });

  it.each(['table', 'md', 'csv'] as const)('%s of a dry run says how many documents the cache answers', (format) => {
    const { by_file: _b, ...result } = estimateResult();
    const cached = { ...result, documents: 6, models: result.models.map((m) => ({ ...m, documents: 0, input_tokens: 0 })) };
    const out = renderEstimate(cached, format, { ...plain, cached: 6 });
    if (format === 'csv') {
      const [header, ...rows] = out.trim().split('\r\n');
      expect(header.split(',').at(-1)).toBe('cached');
      for (const row of rows) expect(row.split(',').at(-1)).toBe('6');
    } else {
      expect(out).toContain('cached (free): 6 of 6 documents');
    }
    expect(renderEstimate(cached, format, plain)).not.toMatch(/cached/); // estimate itself: no cache
  });

  it('per-model csv without --by-file', () => {
    const { by_file: _b, ...result } = estimateResult();
    expect(renderEstimate(result, 'csv', plain)).toMatchSnapshot();
  });
});

describe('renderModels', () => {
  it.each(['table', 'md', 'csv', 'json'] as const)('%s', (format) => {
    expect(renderModels(models(), format, plain)).toMatchSnapshot();
  });
});
