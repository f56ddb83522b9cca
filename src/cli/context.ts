/** What a command needs from the outside world; the only place that touches process I/O. */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Settings } from '../config/index.js';

export interface Cli {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Colour on stderr (progress, summaries). */
  colorErr: ChalkInstance;
  /** Colour for stdout renderings. */
  colorOut: ChalkInstance;
  quiet: boolean;
  debug: boolean;
  json: boolean;
  /** Secrets to redact from anything printed. */
  secrets: string[];
}

export interface GlobalFlags {
  config?: string;
  json?: boolean;
  quiet?: boolean;
  color?: boolean;
  debug?: boolean;
}

function colorLevel(flags: GlobalFlags, env: NodeJS.ProcessEnv, tty: boolean): 0 | 1 | 2 | 3 {
  if (flags.color === false || ('NO_COLOR' in env && env.NO_COLOR !== '')) return 0;
  if (env.FORCE_COLOR !== undefined) {
    const n = env.FORCE_COLOR === '' || env.FORCE_COLOR === 'true' ? 1 : Number(env.FORCE_COLOR);
    return (Number.isFinite(n) ? Math.min(3, Math.max(0, n)) : 1) as 0 | 1 | 2 | 3;
  }
  return tty ? 1 : 0;
}

export function makeCli(flags: GlobalFlags): Cli {
  const env = process.env;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env,
    cwd: process.cwd(),
    colorErr: new Chalk({ level: colorLevel(flags, env, Boolean(process.stderr.isTTY)) }),
    colorOut: new Chalk({ level: colorLevel(flags, env, Boolean(process.stdout.isTTY)) }),
    quiet: Boolean(flags.quiet),
    debug: Boolean(flags.debug),
    json: Boolean(flags.json),
    secrets: knownSecrets,
  };
}

/** Literal secrets in use (the API key), redacted from everything printed, errors included. */
export const knownSecrets: string[] = [];

/** Register the API key (once known) so every later print redacts it. */
export function rememberSecrets(cli: Cli, settings: Pick<Settings, 'apiKey'>): void {
  if (settings.apiKey && !knownSecrets.includes(settings.apiKey)) knownSecrets.push(settings.apiKey);
}
