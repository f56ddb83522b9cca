/**
 * The bundled `fixtures/` folder: a small, realistic batch about a fictional log-shipping
 * project ("Tidewater", by "Northwind Analytics"), used by the README's first command and by
 * other stages' end-to-end tests. It is deliberately not described by a README inside it,
 * because that README would be walked as a document.
 *
 * fixtures/docs/ (14 documents, 2 skipped)
 *   api/client.rst                       RST API reference with directives (.. class::, .. note::, tables)
 *   archive/changelog.md.gz              gzip of a Markdown changelog (read transparently)
 *   empty.txt                            0 bytes: skipped, reason 'empty'
 *   faq-short.txt                        ~90 words
 *   guides/configuration.md              ~2,200 words: tables, YAML code blocks, HTML fragments, links
 *   guides/getting-started.md            ~500 words: code blocks, a table, an image, an HTML callout
 *   guides/troubleshooting.txt           ~400 words, plain text
 *   logo.png                             a real 1x1 PNG: skipped, reason 'binary'
 *   meetings/2024-03-12-q2-planning.txt  ~1,500 words of meeting notes with actions
 *   meetings/2024-05-03-release-retro.md ~250 words with a table
 *   policy/data-retention-policy.md      ~2,300 words, a formal policy with numbered sections
 *   policy/security.rst                  ~400 words, RST with tables and directives
 *   release-notes/v1.0.md, v1.1.md, v2.0.md  short release notes
 *   special-tokens.md                    contains <|endoftext|>, <|im_start|>, {{id}} and {{document}} as text
 * Most long files start with the same Apache licence header (HTML comment, RST comment or
 * plain text), as boilerplate for the compression strategies to strip.
 *
 * fixtures/records/
 *   faq.json       array of 5 objects, text in `content`, ids in `id`        → 5 documents
 *   reviews.jsonl  11 records with `id` and `text`, a blank line, and line 6 malformed → 10 documents, 1 error
 *   tickets.csv    8 rows (id,title,body) with quoted fields, doubled quotes, and one
 *                  body holding a comma and a newline                          → 8 documents
 *
 * Walking `fixtures/` with defaults: 37 documents, 2 skipped, 1 error.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collect, docs, errors, skips, summary } from './helpers.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('the bundled fixtures', () => {
  it('walks to exactly 37 documents, 2 skipped files and 1 error, in this order', async () => {
    const items = await collect(['fixtures'], { cwd: repo });
    expect(summary(items)).toEqual([
      'doc docs/api/client.rst',
      'doc docs/archive/changelog.md.gz',
      'skip docs/empty.txt (empty)',
      'doc docs/faq-short.txt',
      'doc docs/guides/configuration.md',
      'doc docs/guides/getting-started.md',
      'doc docs/guides/troubleshooting.txt',
      'skip docs/logo.png (binary)',
      'doc docs/meetings/2024-03-12-q2-planning.txt',
      'doc docs/meetings/2024-05-03-release-retro.md',
      'doc docs/policy/data-retention-policy.md',
      'doc docs/policy/security.rst',
      'doc docs/release-notes/v1.0.md',
      'doc docs/release-notes/v1.1.md',
      'doc docs/release-notes/v2.0.md',
      'doc docs/special-tokens.md',
      'doc records/faq.json#install-offline',
      'doc records/faq.json#cpu-usage',
      'doc records/faq.json#docker-logs',
      'doc records/faq.json#gdpr',
      'doc records/faq.json#license',
      'doc records/reviews.jsonl#r-1001',
      'doc records/reviews.jsonl#r-1002',
      'doc records/reviews.jsonl#r-1003',
      'doc records/reviews.jsonl#r-1004',
      'doc records/reviews.jsonl#r-1005',
      'error records/reviews.jsonl:6',
      'doc records/reviews.jsonl#r-1007',
      'doc records/reviews.jsonl#r-1008',
      'doc records/reviews.jsonl#r-1009',
      'doc records/reviews.jsonl#r-1010',
      'doc records/reviews.jsonl#r-1011',
      'doc records/tickets.csv#T-4101',
      'doc records/tickets.csv#T-4102',
      'doc records/tickets.csv#T-4103',
      'doc records/tickets.csv#T-4104',
      'doc records/tickets.csv#T-4105',
      'doc records/tickets.csv#T-4106',
      'doc records/tickets.csv#T-4107',
      'doc records/tickets.csv#T-4108',
    ]);
    expect([docs(items).length, skips(items).length, errors(items).length]).toEqual([37, 2, 1]);
    expect(errors(items)[0]).toMatchObject({ path: 'records/reviews.jsonl', index: 24 });
    expect(docs(items).at(-1)?.index).toBe(37);
  });

  it('keeps special tokens and template placeholders verbatim', async () => {
    const [doc] = docs(await collect(['fixtures/docs/special-tokens.md'], { cwd: repo }));
    expect(doc.id).toBe('special-tokens.md');
    for (const s of ['<|endoftext|>', '<|im_start|>', '{{id}}', '{{document}}']) expect(doc.text).toContain(s);
  });

  it('reads the gzipped changelog and the CSV row with an embedded comma and newline', async () => {
    const items = await collect(['fixtures/docs/archive/changelog.md.gz', 'fixtures/records/tickets.csv'], { cwd: repo });
    const [changelog, ...tickets] = docs(items);
    expect(changelog.text).toMatch(/^# Changelog \(1\.x series, archived\)/);
    const t4104 = tickets.find((d) => d.id === 'tickets.csv#T-4104');
    expect(t4104?.text).toBe('Please support Windows Server 2019. We have 140 hosts on it,\nand moving them to 2022 is planned for 2025 at the earliest.');
    expect(t4104?.fields).toEqual({ id: 'T-4104', title: 'Feature request: Windows Server 2019', body: t4104?.text });
  });

  it('has the long documents the compression stages need', async () => {
    const words = (t: string) => t.split(/\s+/).filter(Boolean).length;
    const long = docs(await collect(['fixtures/docs'], { cwd: repo })).filter((d) => words(d.text) >= 2000);
    expect(long.map((d) => d.id)).toEqual(['guides/configuration.md', 'policy/data-retention-policy.md']);
  });
});
