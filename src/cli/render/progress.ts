/**
 * Progress on stderr (SPEC §14): a cli-progress bar on a TTY; otherwise at most one plain line
 * every 10 s (CI logs stay readable); nothing with --quiet.
 */
import cliProgress from 'cli-progress';
import type { Progress } from '../../engine/events.js';
import { formatUsd } from './format.js';

export interface ProgressView {
  update(p: Progress): void;
  stop(): void;
}

const money = (p: Progress) => (p.spent === null ? '?' : formatUsd(p.spent));

export function createProgress(stream: NodeJS.WriteStream, opts: { quiet: boolean; tty: boolean; intervalMs?: number }): ProgressView {
  if (opts.quiet) return { update() {}, stop() {} };
  const started = Date.now();
  if (!opts.tty) {
    let last = Date.now();
    const interval = opts.intervalMs ?? 10_000;
    return {
      update(p) {
        const now = Date.now();
        if (now - last < interval) return;
        last = now;
        const rate = (p.done + p.failed) / Math.max(0.001, (now - started) / 1000);
        stream.write(`progress: ${p.done + p.failed}/${p.discovered}${p.inputDone ? '' : '+'} done, ${p.cached} cached, ${p.failed} failed, ${p.inputTokens + p.outputTokens} tokens, ${money(p)}, ${rate.toFixed(1)} docs/s\n`);
      },
      stop() {},
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: ' {bar} {value}/{total}{more} | cached {cached} | failed {failed} | {tokens} tok | {spent} | {rate}/s | ETA {eta_formatted}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      fps: 8,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0, { cached: 0, failed: 0, tokens: 0, spent: '$0', rate: '0', more: '+' });
  return {
    update(p) {
      const finished = p.done + p.failed;
      const rate = finished / Math.max(0.001, (Date.now() - started) / 1000);
      bar.setTotal(Math.max(p.discovered, 1));
      bar.update(finished, { cached: p.cached, failed: p.failed, tokens: p.inputTokens + p.outputTokens, spent: money(p), rate: rate.toFixed(1), more: p.inputDone ? '' : '+' });
    },
    stop() {
      bar.stop();
    },
  };
}
