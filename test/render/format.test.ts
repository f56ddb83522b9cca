import { describe, expect, it } from 'vitest';
import { formatDuration, formatInt, formatPct, formatPrice, formatRate, formatTokens, formatUsd, formatUsdRange, makeChalk } from '../../src/cli/render/format.js';
import { csvField, escapeHtml, mdCell, mdTable, toCsv } from '../../src/cli/render/markup.js';
import { bar, textTable, visibleWidth } from '../../src/cli/render/table.js';

describe('formatUsd', () => {
  it.each([
    { v: null, want: '?' },
    { v: undefined, want: '?' },
    { v: Number.NaN, want: '?' },
    { v: 0, want: '$0' },
    { v: 0.0123, want: '$0.0123' },
    { v: 0.01234567, want: '$0.0123' },
    { v: 0.5, want: '$0.50' },
    { v: 0.123, want: '$0.123' },
    { v: 0.000195, want: '$0.000195' },
    { v: 0.0000001234, want: '$0.000000123' },
    { v: 1e-10, want: '<$0.00000001' },
    { v: 1, want: '$1.00' },
    { v: 12.345, want: '$12.35' },
    { v: 1234.5, want: '$1,234.50' },
    { v: -0.25, want: '-$0.25' },
  ])('$v → $want', ({ v, want }) => {
    expect(formatUsd(v)).toBe(want);
  });
});

describe('formatPct', () => {
  it.each([
    { v: 12.345, want: '+12.3%' },
    { v: -4, want: '-4.0%' },
    { v: 0, want: '0.0%' },
    { v: -0.04, want: '0.0%' },
    { v: 1490.909, want: '+1490.9%' },
    { v: null, want: 'n/a' },
  ])('$v → $want', ({ v, want }) => {
    expect(formatPct(v)).toBe(want);
  });
});

describe('numbers', () => {
  it.each([
    { got: formatInt(1234567), want: '1,234,567' },
    { got: formatInt(12.6), want: '13' },
    { got: formatInt(null), want: '?' },
    { got: formatTokens(1234, true), want: '~1,234' },
    { got: formatTokens(1234), want: '1,234' },
    { got: formatPrice(0.15), want: '$0.15' },
    { got: formatPrice(2.5), want: '$2.50' },
    { got: formatPrice(0.075), want: '$0.075' },
    { got: formatPrice(null), want: '?' },
    { got: formatUsdRange(0.01, 0.015), want: '$0.01–$0.015' },
    { got: formatUsdRange(0.01, 0.01), want: '$0.01' },
    { got: formatUsdRange(null, null), want: '?' },
    { got: formatDuration(850), want: '850 ms' },
    { got: formatDuration(12_345), want: '12.3 s' },
    { got: formatDuration(245_000), want: '4m 05s' },
    { got: formatDuration(3_725_000), want: '1h 02m' },
    { got: formatRate(0.3077, 'documents'), want: '0.31 documents/s' },
    { got: formatRate(1234.4, 'tokens'), want: '1,234 tokens/s' },
  ])('$got', ({ got, want }) => {
    expect(got).toBe(want);
  });
});

describe('textTable', () => {
  it('aligns columns, right-aligns numbers, ignores ANSI in widths', () => {
    const c = makeChalk({ color: true });
    const out = textTable([{ header: 'name' }, { header: 'n', align: 'right' }], [[c.red('a'), '1,000'], ['bbbb', '5']]);
    expect(out.replace(/\u001b\[[0-9;]*m/g, '')).toBe(['name      n', '────  ─────', 'a     1,000', 'bbbb      5'].join('\n'));
    expect(out).toContain('\u001b[31ma\u001b[39m');
    expect(visibleWidth(c.green('≈12'))).toBe(3);
  });

  it('no colour when color is false', () => {
    expect(makeChalk({ color: false }).red('x')).toBe('x');
  });
});

describe('bar', () => {
  it.each([
    { v: 10, max: 10, w: 4, want: '████' },
    { v: 5, max: 10, w: 4, want: '██' },
    { v: 1, max: 8, w: 1, want: '▏' },
    { v: 0.001, max: 10, w: 4, want: '▏' },
    { v: 3, max: 8, w: 1, want: '▍' },
    { v: 0, max: 10, w: 4, want: '' },
    { v: null, max: 10, w: 4, want: '' },
    { v: 5, max: 0, w: 4, want: '' },
  ])('$v of $max in $w cells', ({ v, max, w, want }) => {
    expect(bar(v, max, w)).toBe(want);
  });
});

describe('csv (RFC 4180)', () => {
  it.each([
    { v: 'plain', want: 'plain' },
    { v: 'a,b', want: '"a,b"' },
    { v: 'say "hi"', want: '"say ""hi"""' },
    { v: 'two\nlines', want: '"two\nlines"' },
    { v: 'cr\r', want: '"cr\r"' },
    { v: null, want: '' },
    { v: 0.5, want: '0.5' },
    { v: false, want: 'false' },
  ])('$v', ({ v, want }) => {
    expect(csvField(v)).toBe(want);
  });

  it('has a header row and CRLF line ends', () => {
    expect(toCsv(['a', 'b'], [['x, y', 1], [null, 'q"']])).toBe('a,b\r\n"x, y",1\r\n,"q"""\r\n');
  });
});

describe('markdown and html escaping', () => {
  it('escapes pipes and raw html in md cells', () => {
    expect(mdCell('a|b <script>')).toBe('a\\|b &lt;script>');
    expect(mdTable(['x', 'n'], [['a|b', '1']], [false, true])).toBe('| x | n |\n| --- | ---: |\n| a\\|b | 1 |');
  });

  it('escapes html', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('number formats without Intl (ICU costs ~15 ms of start-up on first use)', () => {
  // The same strings Intl gives, over a spread of magnitudes, rounding halves and signs.
  const intl = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const values = [0, 1, 9, 10, 99, 100, 999, 1000, 1001, 9999, 10000, 99999, 100000, 999999, 1e6, 1234567, 12345678.5, 2 ** 31, 2 ** 53 - 1, 0.4, 0.5, 1.5, 2.5, 999.5, -1, -999.5, -1234, -1234567.49];
  let seed = 12345; // a fixed LCG: the same 200 values every run
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < 200; i++) values.push(Math.floor(next() * 10 ** (1 + (i % 12))) / (i % 3 === 0 ? 7 : 1));
  it('formatInt matches Intl.NumberFormat en-US (whole numbers)', () => {
    for (const v of values) expect(formatInt(v), String(v)).toBe(intl.format(v));
  });
  it('formatUsd from $1 up matches toLocaleString en-US with cents', () => {
    for (const v of [1, 1.005, 1.015, 9.995, 12.345, 999.999, 1000, 1234.5, 1234567.891, 98765.4321]) {
      expect(formatUsd(v), String(v)).toBe(`$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
      expect(formatUsd(-v), String(-v)).toBe(`-$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
    }
  });
});
