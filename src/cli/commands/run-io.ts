/** Run plumbing that touches the process: sinks for stdout, signals, stdin buffering. */
import type { Cli } from '../context.js';
import { FolderSink, JsonlFileSink, type OutputRecord, type ResultSink } from '../../engine/outputs.js';

export class StdoutSink implements ResultSink {
  constructor(private readonly out: NodeJS.WriteStream) {}
  async write(record: OutputRecord): Promise<void> {
    if (!this.out.write(JSON.stringify(record) + '\n')) await new Promise<void>((r) => this.out.once('drain', () => r()));
  }
  async close(): Promise<void> {}
}

export function sinkFor(out: string | undefined, cli: Cli, json: boolean): ResultSink {
  if (!out) return new StdoutSink(cli.stdout);
  if (/\.(jsonl|ndjson)$/i.test(out)) return new JsonlFileSink(out);
  return new FolderSink(out, json ? '.json' : '.md');
}

/**
 * First Ctrl-C / SIGTERM: abort the returned signal (stop dispatching, grace period).
 * Second: exit at once with 130.
 */
export function interruptSignal(cli: Cli): { signal: AbortSignal; dispose(): void } {
  const ctrl = new AbortController();
  const handler = () => {
    if (ctrl.signal.aborted) {
      cli.stderr.write('\ninterrupted again: exiting now\n');
      process.exit(130);
    }
    if (!cli.quiet) cli.stderr.write('\ninterrupted: finishing in-flight requests (Ctrl-C again to exit now)…\n');
    ctrl.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: ctrl.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** `-` may be read twice (plan, then run): buffer stdin once. */
export async function bufferedStdin(inputs: string[]): Promise<AsyncIterable<Buffer> | undefined> {
  if (!inputs.includes('-')) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  const all = Buffer.concat(chunks);
  return { async *[Symbol.asyncIterator]() { yield all; } };
}
