import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, tempDir, testEnv } from '../support/cli.js';

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
});
