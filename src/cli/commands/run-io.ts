/** Run plumbing that touches the process: sinks for stdout, signals, stdin buffering. */
import type { Cli } from '../context.js';
import { FolderSink, JsonlFileSink, type OutputRecord, type ResultSink, type SinkOptions } from '../../engine/outputs.js';
import { onStdoutClosed } from '../stdout.js';
import { bufferStdin, type BufferedStdin } from '../../documents/index.js';

/**
 * Results as JSONL on stdout. Once the reader has gone (`| head`), records are dropped: the run
 * is stopping (stdout.ts), and every answer is in the cache for a re-run with --out.
 */
export class StdoutSink implements ResultSink {
  constructor(private readonly out: NodeJS.WriteStream) {}
  async write(record: OutputRecord): Promise<void> {
    if (this.out.destroyed) return; // EPIPE destroyed it (stdout.ts)
    if (this.out.write(JSON.stringify(record) + '\n')) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.out.off('drain', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('close', done);
    });
  }
  async close(): Promise<void> {}
}

export function sinkFor(out: string | undefined, cli: Cli, json: boolean, opts: SinkOptions): ResultSink {
  if (!out) return new StdoutSink(cli.stdout);
  if (/\.(jsonl|ndjson)$/i.test(out)) return new JsonlFileSink(out, opts);
  return new FolderSink(out, json ? '.json' : '.md', opts);
}

/**
 * First Ctrl-C / SIGTERM: abort the returned signal (stop dispatching, grace period).
 * Second: exit at once with 130. A closed stdout (its reader exited) stops the run the same way.
 */
export function interruptSignal(cli: Cli, opts: { cache: boolean }): { signal: AbortSignal; dispose(): void } {
  const ctrl = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (ctrl.signal.aborted) {
      cli.stderr.write('\ninterrupted again: exiting now\n');
      process.exit(130);
    }
    if (!cli.quiet) cli.stderr.write(`\ninterrupted: finishing in-flight requests (${signal === 'SIGINT' ? 'Ctrl-C' : `${signal}`} again to exit now)…\n`);
    ctrl.abort();
  };
  const onClosed = () => {
    if (ctrl.signal.aborted) return;
    cli.stderr.write(opts.cache
      ? '\nstdout was closed by its reader: stopping; finished answers are in the cache (run again with --out FILE to get them all)\n'
      : '\nstdout was closed by its reader: stopping (with --no-cache, a run again with --out FILE sends everything again)\n');
    ctrl.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  onStdoutClosed(onClosed);
  return {
    signal: ctrl.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      onStdoutClosed(null);
    },
  };
}

/** `-` may be read twice (plan, then run): stdin is read once (up to the document limit). */
export async function bufferedStdin(inputs: string[]): Promise<BufferedStdin | undefined> {
  return inputs.includes('-') ? bufferStdin(process.stdin) : undefined;
}
