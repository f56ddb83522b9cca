import { describe, expect, it } from 'vitest';
import {
  BoilerplateIndex, buildBoilerplateIndex, dedupe, MIN_BOILERPLATE_CHARS,
} from '../../src/compress/index.js';
import { hash64, normaliseParagraph } from '../../src/compress/dedupe.js';

const P1 = 'The agent ships logs to Harbor over HTTPS, batching every second.';
const P2 = 'Retries back off exponentially, up to 5 attempts per batch.';

describe('dedupe within a document', () => {
  it.each([
    ['drops a repeated paragraph', `${P1}\n\n${P2}\n\n${P1}`, `${P1}\n\n${P2}`],
    ['compares case- and whitespace-insensitively', `${P1}\n\n${P1.toUpperCase().replace(/ /g, '  \n')}\n\nEnd.`, `${P1}\n\nEnd.`],
    ['keeps short repeats', 'Yes.\n\n---\n\nYes.\n\n---\n\nExample:', 'Yes.\n\n---\n\nYes.\n\n---\n\nExample:'],
    ['keeps repeated headings', '### Bug fixes and improvements\n\nA.\n\n### Bug fixes and improvements\n\nB.', '### Bug fixes and improvements\n\nA.\n\n### Bug fixes and improvements\n\nB.'],
    ['keeps repeated RST headings', 'Changes in this release\n=======================\n\nA.\n\nChanges in this release\n=======================', 'Changes in this release\n=======================\n\nA.\n\nChanges in this release\n======================='],
    ['keeps repeated code blocks', '```\nnpm install --save-dev orca\n```\n\n```\nnpm install --save-dev orca\n```', '```\nnpm install --save-dev orca\n```\n\n```\nnpm install --save-dev orca\n```'],
    ['keeps lines that introduce a block', '.. code-block:: python\n\n   a = 1\n\n.. code-block:: python\n\n   b = 2', '.. code-block:: python\n\n   a = 1\n\n.. code-block:: python\n\n   b = 2'],
    ['drops the blank lines after a dropped paragraph', `A first paragraph here.\n\n${P1}\n\n${P1}\n\n\nLast one.`, `A first paragraph here.\n\n${P1}\n\nLast one.`],
    ['drops a repeat at the end without leaving blanks', `${P1}\n\n${P1}\n\n`, P1],
    ['returns the text as it was when nothing repeats', `${P1}\r\n\r\n${P2}\r\n`, `${P1}\r\n\r\n${P2}\r\n`],
  ])('%s', (_name, input, expected) => {
    expect(dedupe(input)).toBe(expected);
  });
});

const LICENCE = `Copyright 2021-2024 The Tidewater Authors. Licensed under the Apache License,
Version 2.0; you may not use this file except in compliance with the License.`;
const NAV = '[Home](/) | [Guides](/guides) | [API](/api) | [Changelog](/changelog)';

describe('BoilerplateIndex', () => {
  const docs = [
    `${LICENCE}\n\n# Install\n\nRun the installer for version 2.0 on each host.`,
    `${LICENCE}\n\n# Configure\n\nEdit agent.yaml; the sink URL is required.`,
    `${LICENCE}\n\n# Upgrade\n\nUpgrading from 1.x keeps the state file.`,
    `${LICENCE}\n\n# Monitor\n\nMetrics are served on port 9464 by default.\n\n${NAV}`,
    `${LICENCE}\n\n# Secure\n\nTokens are read from a file, never from argv.`,
    `# Troubleshoot\n\nThe Frankfurt outage of 2023 is described in the incident report.\n\n${NAV}`,
  ];
  const index = buildBoilerplateIndex(docs);

  it('removes a licence header found in 5 of 6 documents', () => {
    expect(index.isBoilerplate(LICENCE)).toBe(true);
    expect(dedupe(docs[0], index)).toBe('# Install\n\nRun the installer for version 2.0 on each host.');
  });

  it('keeps paragraphs found in one or two documents', () => {
    expect(index.isBoilerplate(NAV)).toBe(false); // 2 of 6: under max(3, 30%)
    expect(dedupe(docs[5], index)).toBe(docs[5]);
    expect(dedupe(docs[3], index)).toBe(`# Monitor\n\nMetrics are served on port 9464 by default.\n\n${NAV}`);
  });

  it('matches paragraphs whatever their case and spacing', () => {
    expect(index.isBoilerplate(LICENCE.toUpperCase().replace(/ /g, '   '))).toBe(true);
  });

  it('counts a paragraph once per document', () => {
    const ix = buildBoilerplateIndex([`${LICENCE}\n\n${LICENCE}\n\n${LICENCE}`, 'other text', 'more text']);
    expect(ix.isBoilerplate(LICENCE)).toBe(false);
  });

  it.each([
    [3, 3, true], [10, 3, true], [10, 2, false], [100, 30, true], [100, 29, false],
  ])('of %i documents, a paragraph in %i is boilerplate: %s', (total, withIt, expected) => {
    const ix = new BoilerplateIndex();
    for (let i = 0; i < total; i++) ix.add(i < withIt ? `${LICENCE}\n\nDocument ${i}.` : `Document ${i}.`);
    ix.finalize(total);
    expect(ix.isBoilerplate(LICENCE)).toBe(expected);
  });

  it(`ignores paragraphs under ${MIN_BOILERPLATE_CHARS} characters`, () => {
    const ix = buildBoilerplateIndex(Array.from({ length: 5 }, (_, i) => `Back to top\n\nDoc ${i}`));
    expect(ix.isBoilerplate('Back to top')).toBe(false);
  });

  it('keeps memory bounded: hashes seen once are forgotten, frequent ones stay', () => {
    const ix = new BoilerplateIndex();
    for (let i = 0; i < 2000; i++) ix.add(`${LICENCE}\n\nUnique paragraph number ${i} with enough characters to count.`);
    ix.finalize();
    expect(ix.size).toBeLessThanOrEqual(101);
    expect(ix.isBoilerplate(LICENCE)).toBe(true);
  });

  it('stores hashes, not text', () => {
    expect(hash64(LICENCE)).toMatch(/^[0-9a-z]+\.[0-9a-z]+$/);
    expect(hash64(LICENCE)).not.toBe(hash64(LICENCE + '.'));
    // What the index keeps (its private map, read through a cast): one hash per distinct
    // paragraph, never the paragraph.
    const ix = buildBoilerplateIndex(Array.from({ length: 4 }, (_, i) => `${LICENCE}\n\nDocument number ${i} has its own body text here.`));
    const keys = [...(ix as unknown as { counts: Map<string, unknown> }).counts.keys()];
    expect(keys).toHaveLength(5);
    for (const k of keys) expect(k).toMatch(/^[0-9a-z]+\.[0-9a-z]+$/);
    expect(keys).toContain(hash64(normaliseParagraph(LICENCE)));
    expect(keys).not.toContain(normaliseParagraph(LICENCE));
  });
});
