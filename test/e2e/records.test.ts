import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseJsonl, runCli, tempDir, testEnv } from '../support/cli.js';
import { startFakeOpenAI } from '../support/fake-openai.js';

let fake: Awaited<ReturnType<typeof startFakeOpenAI>>;
beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(async () => fake.close());

describe('record files from the command line', () => {
  it('--text-field and --id-field pick the fields; --include filters the walk', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.jsonl'), [
      JSON.stringify({ key: 'a1', note: 'The first note about Orion 2.0.', text: 'ignored' }),
      JSON.stringify({ key: 'b2', note: 'A second, longer note about the Orion 2.1 release plan.' }),
    ].join('\n') + '\n');
    writeFileSync(join(dir, 'other.txt'), 'not included');
    const res = await runCli(['estimate', dir, '--include', '*.jsonl', '--text-field', 'note', '--id-field', 'key', '--by-file', '--json'], { env: testEnv() });
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out.documents).toBe(2);
    expect(out.by_file.map((r: any) => r.id)).toEqual(['notes.jsonl#a1', 'notes.jsonl#b2']);
    expect(out.by_file[1].tokens).toBeGreaterThan(out.by_file[0].tokens);
  });

  it('a record without the text field is an error naming file:line; the rest still counts', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'r.jsonl'), `${JSON.stringify({ id: 1, body: 'hello there' })}\n${JSON.stringify({ id: 2, title: 'no text' })}\n`);
    const res = await runCli(['estimate', dir, '--json'], { env: testEnv() });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout).documents).toBe(1);
    expect(res.stderr).toMatch(/r\.jsonl:2: record has no text field/);
  });

  it('a .json file that is not an array of objects is one text document, and the run says so (stderr, --report)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'settings.json'), '{"theme": "dark", "text": "an object, not records"}\n');
    writeFileSync(join(dir, 'notes.md'), '# Notes\n\nA plain document.\n');
    const out = join(tempDir(), 'out.jsonl');
    const report = join(tempDir(), 'report.json');
    fake.reset();
    const res = await runCli(['summarize', dir, '-o', out, '--report', report, '--no-cache'], { env: testEnv(fake.baseURL) });
    expect(res.code).toBe(0);
    expect(fake.stats.requests).toBe(2);
    expect(parseJsonl(readFileSync(out, 'utf8')).map((r) => r.id)).toEqual(['notes.md', 'settings.json']);
    const warning = 'settings.json is a JSON object, not an array of objects: it is read as one text document, not as records';
    expect(res.stderr).toContain(`warning: ${warning}\n`);
    expect(JSON.parse(readFileSync(report, 'utf8')).warnings).toEqual([warning]);

    // Said before anything is sent, too: estimate and --dry-run.
    const est = await runCli(['estimate', dir, '--json'], { env: testEnv() });
    expect(JSON.parse(est.stdout).warnings).toEqual([warning]);
    expect(est.stderr).toBe(`warning: ${warning}\n`);
    const dry = await runCli(['summarize', dir, '--dry-run', '--json'], { env: testEnv() });
    expect(JSON.parse(dry.stdout).warnings).toEqual([warning]);
  });

  it('many such files make one warning line; an array with a stray element keeps its records (the element is an error record)', async () => {
    const dir = tempDir();
    for (const name of ['a', 'b', 'c', 'd', 'e']) writeFileSync(join(dir, `${name}.json`), `{"name": "${name}"}`);
    writeFileSync(join(dir, 'r.json'), '[\n  {"id": "x", "text": "first record"},\n  "stray",\n  {"id": "y", "text": "second record"}\n]\n');
    const res = await runCli(['estimate', dir, '--json'], { env: testEnv() });
    expect(res.code).toBe(0);
    const json = JSON.parse(res.stdout);
    expect(json.documents).toBe(7);
    expect(json.warnings).toEqual([expect.stringMatching(/^5 \.json files are not arrays of objects: each is read as one text document, not as records \(a\.json: a JSON object, not an array of objects; .*; and 2 more\)$/)]);
    expect(res.stderr.split('\n').filter((l) => l.includes('.json files are not arrays'))).toHaveLength(1);
    expect(res.stderr).toContain('warning: r.json:3: not a record (expected an object, got a string)');
  });
});

