/**
 * stdout's reader may go away before llmbatch is done (`llmbatch … | head -3`). That is not a
 * crash: writes to a closed pipe fail with EPIPE, which would otherwise surface as an unhandled
 * 'error' event and a stack trace. A command that is mid-run registers a handler (run stops
 * dispatching as on Ctrl-C, so finished and in-flight work still reaches the cache and the
 * ledger); any other command finishes as it would, with its own exit code.
 */
let closed = false;
let handler: (() => void) | null = null;

export function watchStdout(stream: NodeJS.WriteStream = process.stdout): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
      if (closed) return;
      closed = true;
      // Other commands finish as they would (their exit code, e.g. a failed gate, still holds);
      // what they write from now on goes nowhere.
      handler?.();
      return;
    }
    process.stderr.write(`error: cannot write to stdout: ${e.message}\n`);
    process.exit(1);
  });
  // `… 2>&1 | head`: stderr shares the closed pipe. Nothing can be reported there any more;
  // the run still stops through stdout's handler above.
  process.stderr.on('error', () => {});
}

/** While set, a closed stdout calls `fn` instead of ending the process. */
export function onStdoutClosed(fn: (() => void) | null): void {
  handler = fn;
}
