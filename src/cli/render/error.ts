import type { ChalkInstance } from 'chalk';
import { isLlmbatchError, redact } from '../../errors.js';

/** `error: …` and `hint: …` lines; a stack only with --debug. */
export function formatError(err: unknown, opts: { color: ChalkInstance; debug: boolean; secrets: string[] }): string {
  const c = opts.color;
  const lines: string[] = [];
  if (isLlmbatchError(err)) {
    lines.push(`${c.red('error:')} ${err.message}`);
    if (err.hint) lines.push(`${c.dim('hint:')} ${err.hint}`);
  } else {
    const e = err as Error;
    lines.push(`${c.red('error:')} ${e?.message ?? String(err)}`);
    if (!opts.debug) lines.push(`${c.dim('hint:')} this is a bug in llmbatch; run again with --debug for the stack trace and report it`);
  }
  if (opts.debug && err instanceof Error && err.stack) lines.push(c.dim(err.stack));
  return redact(lines.join('\n'), opts.secrets) + '\n';
}
