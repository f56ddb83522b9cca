import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { createProgress } from '../../src/cli/render/progress.js';
import type { Progress } from '../../src/engine/events.js';

function stream() {
  const out: string[] = [];
  const s = new Writable({ write(chunk, _enc, cb) { out.push(String(chunk)); cb(); } }) as unknown as NodeJS.WriteStream;
  return { s, out };
}

const p = (done: number): Progress => ({ discovered: 10, inputDone: true, done, failed: 1, cached: 2, skipped: 0, inputTokens: 1000, outputTokens: 200, spent: 0.0123, inFlight: 3 });

describe('progress without a TTY', () => {
  it('prints at most one plain line per interval, with done/total, cached, failed, tokens and $', async () => {
    const { s, out } = stream();
    const view = createProgress(s, { quiet: false, tty: false, intervalMs: 50 });
    for (let i = 0; i < 5; i++) view.update(p(i)); // within one interval: nothing yet
    expect(out).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 60));
    view.update(p(6));
    view.update(p(7));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^progress: 7\/10 done, 2 cached, 1 failed, 1200 tokens, \$0\.0123, [\d.]+ docs\/s\n$/);
    expect(out[0]).not.toMatch(/\u001b\[/);
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
