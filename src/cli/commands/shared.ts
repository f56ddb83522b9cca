import path from 'node:path';
import type { Command } from 'commander';
import { resolveSettings, type Settings } from '../../config/index.js';
import { makeCli, rememberSecrets, type Cli } from '../context.js';
import type { InputOptions } from '../../documents/types.js';
import type { ResolvePromptOptions } from '../../prompt/index.js';

export interface Setup {
  cli: Cli;
  settings: Readonly<Settings>;
  flags: Record<string, unknown>;
}

/** Flags (with globals) → the CLI context and the one resolved settings object. */
export function setup(cmd: Command): Setup {
  const flags = cmd.optsWithGlobals() as Record<string, unknown>;
  const cli = makeCli(flags);
  const settings = resolveSettings(flags, cli.env, cli.cwd);
  rememberSecrets(cli, settings);
  return { cli, settings, flags };
}

export function inputOptions(settings: Settings): InputOptions {
  return {
    include: settings.include,
    exclude: settings.exclude,
    textField: settings.textField,
    idField: settings.idField,
    cwd: settings.cwd,
    stdin: process.stdin,
    ignore: ownFiles(settings),
  };
}

/** What the tool itself writes, so `-o docs/summaries/` inside `docs/` is never read back as input. */
function ownFiles(settings: Settings): string[] {
  return [settings.ledgerPath, settings.cache, settings.out, settings.report]
    .filter((p): p is string => typeof p === 'string' && p !== '')
    .map((p) => path.resolve(settings.cwd, p));
}

/** How -p is resolved: config prompts, built-ins, files relative to the working folder, --system. */
export function promptOptions(settings: Settings): ResolvePromptOptions {
  return { configPrompts: settings.configPrompts, cwd: settings.cwd, system: settings.system };
}

/** Warnings go to stderr unless --quiet. */
export function warn(cli: Cli, message: string): void {
  if (!cli.quiet) cli.stderr.write(`${cli.colorErr.yellow('warning:')} ${message}\n`);
}

export function writeStdout(cli: Cli, text: string): void {
  cli.stdout.write(text.endsWith('\n') ? text : text + '\n');
}
