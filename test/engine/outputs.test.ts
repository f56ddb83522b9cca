/** JsonlFileSink (src/engine/outputs.ts): atomic output file, and write failures as one clear error. */
import { describe, expect, it } from 'vitest';
import { createWriteStream, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FolderSink, JsonlFileSink, type OutputRecord } from '../../src/engine/outputs.js';
import { LlmbatchError } from '../../src/errors.js';
import { tempDir } from '../support/cli.js';

const record = (i: number, size = 100): OutputRecord => ({
  id: `d${i}.txt`, path: `d${i}.txt`, prompt: 'summarize', model: 'gpt-4o-mini', output: 'x'.repeat(size),
  usage: { input_tokens: 1, output_tokens: 1, cached_input_tokens: 0 }, cost_usd: 0, latency_ms: 1, cached: false, attempts: 1, chunks: 1, error: null,
});

describe('JsonlFileSink', () => {
  it('writes every line in order and renames the temp file into place', async () => {
    const out = join(tempDir(), 'sub', 'out.jsonl');
    const sink = new JsonlFileSink(out, { cached: true });
    await sink.prepare();
    for (let i = 0; i < 50; i++) await sink.write(record(i, 4000)); // past the 64 KB buffer
    // Until close, the lines go to a temp file beside it; the output path does not exist yet.
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(join(out, '..'))).toEqual([expect.stringMatching(/^out\.jsonl\.tmp-/)]);
    await sink.close(true);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id);
    expect(lines).toEqual(Array.from({ length: 50 }, (_, i) => `d${i}.txt`));
    expect(readdirSync(join(out, '..'))).toEqual(['out.jsonl']);
  });

  // Linux: every write to /dev/full fails with ENOSPC.
  it.skipIf(!existsSync('/dev/full'))('a write that fails after write() returned (disk full) is one LlmbatchError, not an unhandled error event', async () => {
    const dir = tempDir();
    const out = join(dir, 'out.jsonl');
    writeFileSync(out, 'previous run\n');
    const sink = new JsonlFileSink(out, { cached: true }, () => createWriteStream('/dev/full'));
    await sink.prepare();
    const err = await (async () => {
      for (let i = 0; i < 200; i++) await sink.write(record(i, 4000));
      await sink.close(true);
    })().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(LlmbatchError);
    expect((err as LlmbatchError).message).toBe(`Cannot write ${out}: no space left on the device`);
    expect((err as LlmbatchError).exitCode).toBe(1);
    await sink.close(false);
    expect(readFileSync(out, 'utf8')).toBe('previous run\n');
  });
});

describe('FolderSink', () => {
  const withId = (id: string, output: string): OutputRecord => ({ ...record(0), id, path: id, output });

  it('ids that become the same file name (sanitised, or differing only in case) get ~2, ~3 instead of overwriting', async () => {
    const dir = tempDir();
    const sink = new FolderSink(dir, '.md', { cached: true });
    await sink.prepare();
    for (const [id, out] of [['a?.txt', 'one'], ['a*.txt', 'two'], ['A?.txt', 'three'], ['a?.txt', 'one again']]) await sink.write(withId(id, out));
    await sink.close();
    const files = Object.fromEntries(readdirSync(dir).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
    expect(files).toEqual({ 'A_.txt~3.md': 'three\n', 'a_.txt.md': 'one again\n', 'a_.txt~2.md': 'two\n' });
  });
});
