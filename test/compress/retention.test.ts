import { describe, expect, it } from 'vitest';
import { retention, visibleText } from '../../src/compress/index.js';
import { extractNumbers, extractTerms } from '../../src/compress/retention.js';

describe('retention', () => {
  it.each([
    ['all kept', 'Node 20 and Deno 1.40 in 2024.', 'Node 20, Deno 1.40, 2024', 1, 1],
    ['half the numbers', 'Costs 3.14 or 2,000 EUR.', 'Costs 3.14 EUR.', 0.5, 1],
    ['a third of the terms', 'Alice met Bob in Paris.', 'Alice met someone.', 1, 1 / 3],
    ['nothing to keep counts as kept', 'all lowercase words here', '', 1, 1],
    ['everything lost', 'Version 7 of Orca', 'x', 0, 0],
    ['a number must match whole', 'It holds 2,000 rows.', 'It holds 2 rows and 000.', 0, 1],
    ['sentence-start words are not terms', 'The cat. This dog. When Anna came.', 'Anna', 1, 1],
  ])('%s', (_name, original, compressed, numbers, terms) => {
    const r = retention(original, compressed);
    expect(r.numbers).toBeCloseTo(numbers, 10);
    expect(r.terms).toBeCloseTo(terms, 10);
  });

  it('reports how many distinct items the original had', () => {
    expect(retention('Alice has 3 cats and 3 dogs; Alice is 40.', '')).toMatchObject({ numbersTotal: 2, termsTotal: 1 });
  });

  it.each([
    ['digit groups', 'v2.0.1, 3.14, 2,000, sha256, 2024-06-01, 10:30', ['2.0.1', '3.14', '2,000', '256', '2024', '06', '01', '10', '30']],
  ])('extracts numbers: %s', (_name, text, expected) => {
    expect([...extractNumbers(text)]).toEqual(expected);
  });

  it('extracts capitalised terms, Unicode included', () => {
    expect([...extractTerms('The JSON API of Zürich and O2 uses iPhone; This is A test.')]).toEqual(['JSON', 'API', 'Zürich', 'O2']);
  });

  it.each([
    ['URLs', 'See https://x.io/v3/Guide-7 and www.Example.com/9 now', ['See', 'and', 'now']],
    ['Markdown link targets and reference labels', '[Guide 2](https://x.io/Page-5) and [FAQ][ref-8]', ['Guide 2', 'FAQ']],
    ['reference definitions', 'Text\n[ref-8]: https://x.io/Page-5 "Title 9"', ['Text']],
    ['HTML comments, tags, attributes', '<!-- Draft 3 --><img src="a-4.png" alt="Logo 5" width="160"> <b>Bold 6</b>', ['Bold 6']],
    ['script and style', '<script>var V = 7;</script><style>.A { width: 8px }</style>Shown', ['Shown']],
    ['RST comments and targets', '.. Copyright 2020 ACME\n   Corp 2021\n\n.. _Target-1: https://x.io\n\nBody 9', ['Body 9']],
    ['RST roles and link targets', ':ref:`Setup <setup-3>` and `Docs <https://x.io/4>`_', ['Setup', 'and', 'Docs']],
    ['directive options and resource paths', '.. image:: Img-3.png\n   :width: 400px\n   :alt: Flow 5\n\n.. note:: Keep 6', ['Flow 5', 'Keep 6']],
  ])('ignores what no reader sees: %s', (_name, text, visible) => {
    const v = visibleText(text);
    for (const piece of visible) expect(v).toContain(piece);
    const numbers = visible.join(' ').match(/\d+/g) ?? [];
    expect([...extractNumbers(v)].sort()).toEqual([...new Set(numbers)].sort());
  });

  it('decodes entities before counting', () => {
    expect([...extractNumbers(visibleText('&#169; 2024 &amp; &#x41;cme'))]).toEqual(['2024']);
    expect(visibleText('&#x41;cme')).toBe('Acme');
  });
});
