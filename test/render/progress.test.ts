import { afterEach, describe, expect, it, vi } from 'vitest';
import { Writable } from 'node:stream';
import { createProgress, etaText } from '../../src/cli/render/progress.js';
import type { Progress } from '../../src/engine/events.js';

function stream() {
  const out: string[] = [];
  const s = new Writable({ write(chunk, _enc, cb) { out.push(String(chunk)); cb(); } }) as unknown as NodeJS.WriteStream;
  return { s, out };
}

const p = (done: number): Progress => ({ discovered: 10, inputDone: true, done, failed: 1, cached: 2, skipped: 0, inputTokens: 1000, outputTokens: 200, spent: 0.0123, inFlight: 3, retries: 0, lastRetry: null });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('progress without a TTY', () => {
  // Fake timers (and Date): a loaded machine pausing the test for a few tens of ms changed how
  // many lines real timers produced.
  afterEach(() => vi.useRealTimers());

  it('prints at most one plain line per interval, with done/total, cached, failed, tokens and $', () => {
    vi.useFakeTimers();
    const { s, out } = stream();
    const view = createProgress(s, { quiet: false, tty: false, intervalMs: 50 });
    for (let i = 0; i < 5; i++) view.update(p(i)); // within one interval: nothing yet
    expect(out).toHaveLength(0);
    vi.advanceTimersByTime(60); // the interval's line: the latest snapshot (5 finished)
    view.update(p(6));
    view.update(p(7));
    view.stop();
    expect(out).toEqual([expect.stringMatching(/^progress: 5\/10 done, 2 cached, 1 failed, 1200 tokens, \$0\.0123, [\d.]+ docs\/s\n$/)]);
    expect(out[0]).not.toMatch(/\u001b\[/);
  });

  it('keeps printing while documents are unfinished, even when nothing happens (a server slow to answer); shows retries', () => {
    vi.useFakeTimers();
    const { s, out } = stream();
    const view = createProgress(s, { quiet: false, tty: false, intervalMs: 30 });
    view.update({ ...p(0), failed: 0, retries: 8, lastRetry: 'timeout: no reply within 120 s' });
    vi.advanceTimersByTime(150);
    expect(out).toHaveLength(5); // no update came, a line every 30 ms did
    for (const line of out) expect(line).toMatch(/^progress: 0\/10 done, .*; 8 retried \(last: timeout: no reply within 120 s\)\n$/);
    view.update({ ...p(9), failed: 1 }); // all finished: no more heartbeat lines
    vi.advanceTimersByTime(300);
    expect(out).toHaveLength(5);
    view.stop();
  });

  it('stop() ends the heartbeat', async () => {
    const { s, out } = stream();
    const view = createProgress(s, { quiet: false, tty: false, intervalMs: 20 });
    view.update({ ...p(0), inputDone: false });
    view.stop();
    await sleep(80);
    expect(out).toHaveLength(0);
  });

  it('prints nothing with --quiet', async () => {
    const { s, out } = stream();
    const view = createProgress(s, { quiet: true, tty: false, intervalMs: 0 });
    view.update(p(1));
    view.stop();
    expect(out).toHaveLength(0);
  });

  it('shows ? for spend once a price is unknown, never $0', async () => {
    const { s, out } = stream();
    const view = createProgress(s, { quiet: false, tty: false, intervalMs: 0 });
    await new Promise((r) => setTimeout(r, 5));
    view.update({ ...p(3), spent: null });
    expect(out[0]).toMatch(/tokens, \?, /);
  });
});

describe('the bar\'s ETA', () => {
  const at = (over: Partial<Progress>) => ({ ...p(0), failed: 0, ...over });
  it.each([
    [at({ inputDone: false, done: 5 }), 10, '?'], // the total is not known yet
    [at({ done: 0 }), 0, '?'], // nothing finished: no rate
    [at({ done: 4 }), 2, '3s'], // 6 left at 2/s
    [at({ discovered: 1000, done: 10 }), 1, '16m 30s'],
    [at({ discovered: 100_000, done: 0 }), 10, '2h 46m'],
    [at({ done: 10 }), 5, '0s'],
  ])('%# → %s', (progress, rate, text) => {
    expect(etaText(progress, rate)).toBe(text);
  });
});
