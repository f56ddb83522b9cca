import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { readInputs } from '../../documents/index.js';
import type { Settings } from '../../config/index.js';
import { ExitCode, LlmbatchError, redact } from '../../errors.js';
import { Ledger } from '../../ledger/index.js';
import { ModelRegistry } from '../../models/index.js';
import { compareLive, compareOffline, type CompareOptions, type OutputHistory } from '../../plan/compare.js';
import { promptHash, resolvePrompt } from '../../prompt/index.js';
import type { CompareResult } from '../../report/types.js';
import { renderCompare, type CompareFormat } from '../render/compare.js';
import { createProgress, type ProgressView } from '../render/progress.js';
import type { Cli } from '../context.js';
import { bufferedStdin, interruptSignal } from './run-io.js';
import { checkStorePaths, makeProvider, openStores, requireKey } from './services.js';
import { commandLine, inputOptions, promptOptions, setup, warn, warnCappedOutput, warnUnknownRoutePrompts, writeStdout } from './shared.js';
import { compileRoutes } from '../../route/index.js';

const FORMATS: readonly CompareFormat[] = ['table', 'json', 'md', 'csv', 'html'];

export default async function compareCommand(cmd: Command, inputs: string[]): Promise<void> {
  const { cli, settings, flags } = setup(cmd);
  const format = (settings.format ?? 'table') as CompareFormat;
  if (!FORMATS.includes(format)) throw new LlmbatchError('usage', `compare cannot print format "${format}"`, `Use --format ${FORMATS.join('|')}.`);
  if (settings.queue) throw new LlmbatchError('not-available', 'compare does not run on a queue (--queue)', 'Run compare without --queue.');
  // Run options compare has no use for: its product is the comparison, on stdout. Accepting
  // them silently left a user waiting for a file that was never written. (The flags only: a
  // config's out:/report: are for run and summarize.)
  const unused = (['out', 'report', 'metrics'] as const).find((k) => flags[k] !== undefined);
  if (unused) {
    const flag = `--${unused}`;
    throw new LlmbatchError('usage', `compare does not take ${flag}: it prints the comparison on stdout`,
      'Redirect it: llmbatch compare … --format md > compare.md (or json, csv, html). Per-document results and run reports are for run/summarize. Nothing was sent.');
  }
  const live = Boolean(flags.live) && !settings.dryRun;
  if (live) requireKey(settings, cli);
  const registry = new ModelRegistry(settings.modelOverrides);
  warnCappedOutput(cli, settings, settings.models, registry);
  const prompts = (settings.prompts.length > 0 ? settings.prompts : ['summarize']).map((p) => resolvePrompt(p, promptOptions(settings)));
  const stdin = await bufferedStdin(inputs);
  const routes = settings.routes ? compileRoutes(settings.routes, settings.routeSource) : undefined;
  warnUnknownRoutePrompts(cli, settings, routes, prompts.map((p) => p.name));
  const base: CompareOptions = {
    items: () => readInputs(inputs, { ...inputOptions(settings), stdin }),
    prompts, models: settings.models, compress: settings.compress, promptModels: settings.modelIsDefault,
    routes,
    registry, baseline: settings.baseline,
    baselineLabel: flags.baseline === undefined && settings.configPath ? `${settings.configPath}: baseline` : undefined, maxOutputTokens: settings.maxOutputTokens,
    fillRatio: settings.fillRatio, gates: { maxCost: settings.maxCost, maxIncreasePct: settings.maxIncrease },
  };

  let result: CompareResult;
  let status = 'done';
  if (!live) {
    result = await compareOffline({ ...base, outputHistory: await historyIfAny(settings) });
  } else {
    const { cache, ledger } = await openStores(settings, { ledger: true });
    const interrupt = interruptSignal(cli, { cache: settings.cache !== false });
    let progress: ProgressView | null = null;
    try {
      const history = lookup(await ledger!.outputHistory());
      const provider = await makeProvider(settings, false);
      const out = await compareLive({
        ...base, outputHistory: history,
        run: {
          temperature: settings.temperature, concurrency: settings.concurrency, rpm: settings.rpm, tpm: settings.tpm, retries: settings.retries,
          timeoutMs: settings.timeoutMs, graceMs: settings.graceMs, budget: settings.budget, signal: interrupt.signal, secrets: cli.secrets,
          command: commandLine(cli),
        },
      }, {
        provider, cache, ledger,
        onVariant: (v) => {
          progress?.stop();
          if (!cli.quiet) cli.stderr.write(redact(`variant ${v.index + 1}/${v.total}: ${v.name}\n`, cli.secrets));
          progress = createProgress(cli.stderr, { quiet: cli.quiet, tty: Boolean(cli.stderr.isTTY) });
        },
        onEvent: (e) => { if (e.type === 'progress') progress?.update(e.progress); },
      });
      result = out;
      status = out.status;
    } finally {
      (progress as ProgressView | null)?.stop();
      interrupt.dispose();
      await cache?.close();
      await ledger?.close();
    }
  }

  if (settings.maxIncrease !== undefined && result.variants.length < 2) {
    warn(cli, '--max-increase compares variants with the baseline: with one variant it checked nothing (add -p, -m or --compress)');
  }
  writeStdout(cli, renderCompare(result, format, { color: cli.colorOut.level > 0 }));
  process.exitCode = exitCode(cli, result, status);
}

/** Offline: the ledger's history of output lengths when there is a ledger (never create one). */
async function historyIfAny(settings: Settings): Promise<OutputHistory | undefined> {
  if (!existsSync(settings.ledgerPath)) return undefined;
  checkStorePaths(settings, { cache: false, ledger: true });
  const ledger = await Ledger.open(settings.ledgerPath);
  try {
    return lookup(await ledger.outputHistory());
  } finally {
    await ledger.close();
  }
}

/** The ledger's history is keyed by the prompt's text (its hash), not its name: an edited prompt has none. */
function lookup(history: Map<string, { mean: number; samples: number }>): OutputHistory {
  return (p, m) => history.get(`${promptHash(p)}\0${m}`) ?? null;
}

function exitCode(cli: Cli, result: CompareResult, status: string): number {
  const failed = result.gates.filter((g) => !g.passed);
  for (const g of failed) cli.stderr.write(`${cli.colorErr.red('gate failed:')} ${redact(`${g.name}: ${g.reason}`, cli.secrets)}\n`);
  if (status === 'interrupted') return ExitCode.interrupted;
  if (failed.length > 0 || status === 'budget') return ExitCode.gate;
  return result.variants.some((v) => v.failed > 0) ? ExitCode.someFailed : ExitCode.ok;
}
