/**
 * BatchWriter (src/cache/batch-writer.ts): rows go out in batches, in order; a write that fails
 * (the disk is full) is kept as `error` — never an unhandled rejection — and later rows are dropped.
 */
import { describe, expect, it } from 'vitest';
import { BatchWriter } from '../../src/cache/batch-writer.js';

describe('BatchWriter', () => {
  it('writes full batches at once and the rest on flush, in order', async () => {
    const written: number[][] = [];
    const w = new BatchWriter<number>(async (rows) => void written.push(rows), 3, 60_000);
    for (let i = 1; i <= 7; i++) w.push(i);
    // Full batches go out without waiting for flush() (or the 60 s timer); the rest waits.
    expect(w.rows).toEqual([7]);
    await new Promise((r) => setImmediate(r));
    expect(written).toEqual([[1, 2, 3], [4, 5, 6]]);
    await w.flush();
    expect(written).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(w.error).toBeNull();
  });

  it('keeps the first failed write as `error`, drops later rows, and flush() still resolves', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const full = Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL' });
      const calls: number[][] = [];
      const w = new BatchWriter<number>(async (rows) => {
        calls.push(rows);
        if (rows.includes(4)) throw full;
      }, 2, 60_000);
      for (let i = 1; i <= 6; i++) w.push(i); // batches [1,2] ok, [3,4] fails, [5,6] never written
      await expect(w.flush()).resolves.toBeUndefined();
      expect(w.error).toEqual({ error: full });
      w.push(7);
      await w.flush();
      expect(calls).toEqual([[1, 2], [3, 4]]);
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
