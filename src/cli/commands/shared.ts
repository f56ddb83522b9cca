import path from 'node:path';
import { existsSync, statSync, type Stats } from 'node:fs';
import type { Command } from 'commander';
import { LlmbatchError, redact } from '../../errors.js';
import { resolveSettings, type Settings } from '../../config/index.js';
import { makeCli, rememberSecrets, type Cli } from '../context.js';
import type { InputOptions } from '../../documents/types.js';
import { BUILTIN_PROMPTS, type PromptTemplate, type ResolvePromptOptions } from '../../prompt/index.js';
import type { CompiledRule } from '../../route/index.js';
import type { ModelRegistry } from '../../models/index.js';

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
  // --system is TEXT or FILE: a value shaped like a file name that names no file is probably a
  // typo, and would be sent as the system message itself.
  const system = settings.system;
  if (system !== undefined && /^[^\s]+\.(txt|md|prompt|ya?ml|json)$/i.test(system) && !existsSync(path.resolve(settings.cwd, system))) {
    warn(cli, `--system "${system}" names no file: it is sent as the system message text itself`);
  }
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

const statOrNull = (p: string): Stats | null => {
  try {
    return statSync(p);
  } catch {
    return null;
  }
};

/**
 * Before anything is sent: an --out or --report that is one of the input files would replace it
 * with results (`run data.jsonl -o data.jsonl`), and an --out folder that holds an input folder
 * would make every file in it count as an output, never read. Inside an input folder is fine:
 * the tool's own files are skipped there. Globs, stdin and missing inputs are checked later.
 */
export function checkOutputsAreNotInputs(inputs: readonly string[], settings: Settings): void {
  const outputs = ([['--out', settings.out], ['--report', settings.report]] as const)
    .filter((o): o is readonly ['--out' | '--report', string] => typeof o[1] === 'string' && o[1] !== '' && o[1] !== '-')
    .map(([flag, given]) => {
      const abs = path.resolve(settings.cwd, given);
      return { flag, given, abs, st: statOrNull(abs) };
    });
  for (const input of inputs) {
    if (input === '-') continue;
    const abs = path.resolve(settings.cwd, input);
    const st = statOrNull(abs);
    if (!st) continue;
    for (const out of outputs) {
      if (st.isFile() && (out.abs === abs || (out.st?.isFile() && out.st.dev === st.dev && out.st.ino === st.ino))) {
        throw new LlmbatchError('usage', `${out.flag} ${out.given} is also an input: writing it would replace that file`, `Choose another ${out.flag} path. Nothing was sent.`);
      }
      if (st.isDirectory() && out.flag === '--out' && (abs === out.abs || abs.startsWith(out.abs + path.sep))) {
        throw new LlmbatchError('usage', `--out ${out.given} holds the input folder ${input}: its files would count as outputs and never be read`,
          'Write to another folder; one inside the input folder is fine (e.g. docs/summaries/). Nothing was sent.');
      }
    }
  }
}

/** The command as typed, for the report and the ledger, with anything that looks like a secret redacted (a password in --base-url). */
export function commandLine(cli: Cli): string {
  return redact(process.argv.slice(2).join(' '), cli.secrets);
}

/**
 * The models a command sends to or prices: -m (or the config's `model:`), else a prompt file's
 * own `model:`, else the default — what `run` sends to, so that estimate prices the same model.
 */
export function modelsFor(settings: Settings, prompt: PromptTemplate | null): string[] {
  return settings.modelIsDefault && prompt?.model ? [prompt.model] : settings.models;
}

/** How -p is resolved: config prompts, built-ins, files relative to the working folder, --system. */
export function promptOptions(settings: Settings): ResolvePromptOptions {
  return { configPrompts: settings.configPrompts, configPath: settings.configPath, cwd: settings.cwd, system: settings.system };
}

/**
 * A route's `prompt:` condition naming no prompt llmbatch knows (a built-in, one under `prompts:`
 * in the config) nor one this command uses can never match here — usually a typo (`sumarize`):
 * said, since the rule is otherwise skipped silently.
 */
export function warnUnknownRoutePrompts(cli: Cli, settings: Settings, routes: readonly CompiledRule[] | undefined, used: readonly string[]): void {
  const known = new Set([...Object.keys(BUILTIN_PROMPTS), ...Object.keys(settings.configPrompts), ...used]);
  for (const r of routes ?? []) {
    const name = r.rule.when?.prompt;
    if (name !== undefined && !known.has(name)) {
      warn(cli, `${settings.routeSource ?? 'routes'}: rule ${r.index + 1}: prompt "${name}" is not a built-in or configured prompt, nor the one this command uses (${used.join(', ')}): the rule never matches here`);
    }
  }
}

/** --max-output-tokens above a model's maximum is sent as that maximum: said, not silent. */
export function warnCappedOutput(cli: Cli, settings: Settings, models: readonly string[], registry: ModelRegistry): void {
  const asked = settings.maxOutputTokens;
  if (asked === undefined) return;
  for (const m of new Set(models)) {
    const max = registry.get(m).info.max_output;
    if (asked > max) warn(cli, `--max-output-tokens ${asked} is above ${m}'s maximum of ${max} output tokens: ${max} is sent`);
  }
}

/** Warnings go to stderr unless --quiet. */
export function warn(cli: Cli, message: string): void {
  // Warnings echo what the user typed (a model name, a path): a key pasted in the wrong place is redacted.
  if (!cli.quiet) cli.stderr.write(`${cli.colorErr.yellow('warning:')} ${redact(message, cli.secrets)}\n`);
}

export function writeStdout(cli: Cli, text: string): void {
  cli.stdout.write(text.endsWith('\n') ? text : text + '\n');
}
