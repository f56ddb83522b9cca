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

/** `; 3 retried (last: timeout: no reply within 120 s)`, or nothing before the first retry. */
const retried = (p: Progress) => (p.retries > 0 ? `; ${p.retries} retried (last: ${p.lastRetry ?? '?'})` : '');

export function createProgress(stream: NodeJS.WriteStream, opts: { quiet: boolean; tty: boolean; intervalMs?: number }): ProgressView {
  if (opts.quiet) return { update() {}, stop() {} };
  const started = Date.now();
  if (!opts.tty) {
    let last = Date.now();
    let latest: Progress | null = null;
    const interval = opts.intervalMs ?? 10_000;
    const line = (p: Progress) => {
      last = Date.now();
      const rate = (p.done + p.failed) / Math.max(0.001, (last - started) / 1000);
      stream.write(`progress: ${p.done + p.failed}/${p.discovered}${p.inputDone ? '' : '+'} done, ${p.cached} cached, ${p.failed} failed, ${p.inputTokens + p.outputTokens} tokens, ${money(p)}, ${rate.toFixed(1)} docs/s${retried(p)}\n`);
    };
    // Also when nothing happens: a server that takes minutes to answer (or never does) must not
    // look like a hung tool in a CI log. Only while documents are unfinished.
    const pending = (p: Progress) => !p.inputDone || p.done + p.failed < p.discovered;
    const heartbeat = setInterval(() => {
      if (latest && pending(latest) && Date.now() - last >= interval) line(latest);
    }, Math.max(interval, 10));
    heartbeat.unref();
    return {
      update(p) {
        latest = p;
        if (Date.now() - last >= interval) line(p);
      },
      stop() {
        clearInterval(heartbeat);
      },
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      stream,
      // Count and ETA are ours: the bar's own show a total of 1 before any document is read,
      // and "NF" for an ETA it cannot compute yet.
      format: ' {bar} {count} | cached {cached} | failed {failed} | {tokens} tok | {spent} | {rate}/s | ETA {timeLeft}{retried}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      fps: 8,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0, { count: '0/0+', cached: 0, failed: 0, tokens: 0, spent: '$0', rate: '0', timeLeft: '?', retried: '' });
  return {
    update(p) {
      const finished = p.done + p.failed;
      const rate = finished / Math.max(0.001, (Date.now() - started) / 1000);
      bar.setTotal(Math.max(p.discovered, 1));
      bar.update(finished, {
        count: `${finished}/${p.discovered}${p.inputDone ? '' : '+'}`, cached: p.cached, failed: p.failed, tokens: p.inputTokens + p.outputTokens,
        spent: money(p), rate: rate.toFixed(1), timeLeft: etaText(p, rate), retried: p.retries > 0 ? ` | retried ${p.retries}` : '',
      });
    },
    stop() {
      bar.stop();
    },
  };
}

/** Time left at the rate so far: '?' until the total is known and something has finished. */
export function etaText(p: Progress, perSecond: number): string {
  const left = p.discovered - p.done - p.failed;
  if (left <= 0) return '0s';
  if (!p.inputDone || !(perSecond > 0)) return '?';
  const s = Math.ceil(left / perSecond);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
