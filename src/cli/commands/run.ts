import type { Command } from 'commander';
import { readInputs } from '../../documents/index.js';
import { LlmbatchError, ExitCode, redact } from '../../errors.js';
import { ModelRegistry } from '../../models/index.js';
import { resolvePrompt } from '../../prompt/index.js';
import { openStores, makeProvider, requireKey } from './services.js';
import { planRun } from '../../plan/run-plan.js';
import { runBatch } from '../../engine/runner.js';
import { renderEstimate } from '../render/estimate.js';
import { renderRunReport } from '../render/run-report.js';
import { createProgress } from '../render/progress.js';
import { checkOutputsAreNotInputs, commandLine, inputOptions, modelsFor, promptOptions, setup, warn, warnCappedOutput, warnUnknownRoutePrompts, writeStdout } from './shared.js';
import { bufferedStdin, interruptSignal, sinkFor } from './run-io.js';
import { checkReportPath, saveReport } from './report-file.js';
import { formatUsd } from '../render/format.js';
import { compressionPlan, prepareCompression } from '../../plan/compression.js';
import { DEFAULT_CONDENSE_MODEL } from '../../compress/index.js';
import { compileRoutes } from '../../route/index.js';
import { renderRouting } from '../render/routing.js';

export default async function runCommand(cmd: Command, inputs: string[]): Promise<void> {
  const { cli, settings, flags } = setup(cmd);
  const isSummarize = cmd.name() === 'summarize';
  if (settings.queue) throw new LlmbatchError('not-available', 'Distributed mode (--queue) is not available yet in this version', 'Run without --queue.');
  if (settings.metrics) throw new LlmbatchError('not-available', 'Prometheus metrics (--metrics) are not available yet in this version', 'Use --report FILE.json for the run figures.');
  const promptSpec = settings.prompts[0] ?? (isSummarize ? 'summarize' : undefined);
  if (!promptSpec) throw new LlmbatchError('usage', 'run needs a prompt: -p NAME|FILE', 'Built-ins: summarize, bullets, extract-json. Or use: llmbatch summarize <inputs…>');
  if (settings.prompts.length > 1) throw new LlmbatchError('usage', 'run takes one prompt', 'To compare prompts, use: llmbatch compare … -p A -p B');
  const prompt = resolvePrompt(promptSpec, promptOptions(settings));
  if (settings.models.length > 1) throw new LlmbatchError('usage', 'run takes one model', 'Use --route to send documents to several models, or compare -m A,B.');
  const model = modelsFor(settings, prompt)[0];
  const registry = new ModelRegistry(settings.modelOverrides);
  const lookup = registry.get(model);
  if (!lookup.known) warn(cli, `Model "${model}" is not in the registry: its cost is unknown (?). Add it under "models:" in the config to price it.`);
  if (!settings.dryRun) requireKey(settings, cli);
  warnCappedOutput(cli, settings, [model], registry);

  const stdin = await bufferedStdin(inputs);
  const items = () => readInputs(inputs, { ...inputOptions(settings), stdin });
  if (settings.compress.length > 1) throw new LlmbatchError('usage', 'run takes one --compress setting', 'Give one comma list (e.g. --compress whitespace,dedupe); to compare settings, use compare.');
  const compression = await prepareCompression(settings.compress[0] ?? 'none', items, lookup.info.encoding);
  if (compression.offlineSkipsLlm && (settings.dryRun || settings.budget !== undefined)) {
    warn(cli, 'llm compression makes model calls: the estimate counts the text before that step (an upper bound), and the upper bound includes the condense calls');
  }
  const routes = settings.routes ? compileRoutes(settings.routes, settings.routeSource) : undefined;
  // -m is the routes' rule of last resort; a rule that always matches leaves it nothing to do.
  const always = flags.model === undefined ? undefined : routes?.find((r) => Object.values(r.rule.when ?? {}).every((v) => v === undefined));
  if (always) warn(cli, `-m ${model} is the rule of last resort, after the routes; their rule ${always.index + 1} matches every document (no "when"), so ${model} is never used`);
  warnUnknownRoutePrompts(cli, settings, routes, [prompt.name]);
  const { cache, ledger } = await openStores(settings, { ledger: !settings.dryRun });
  const provider = await makeProvider(settings, settings.dryRun);
  try {
    if (settings.dryRun || settings.budget !== undefined) {
      const plan = await planRun({ items: items(), prompt, model, temperature: settings.temperature, maxOutputTokens: settings.maxOutputTokens, fillRatio: settings.fillRatio, registry, cache, server: provider.id, transform: compression.offlineTransform, routes, compressLabel: compression.label, condenseModels: compression.condenseModels });
      if (settings.dryRun) {
        for (const s of plan.skipped) warn(cli, `skipped ${s.path}: ${s.reason}`);
        // Nothing ran, so there are no results or run report to write: said, not silently skipped.
        const unwritten = [settings.out && `--out ${settings.out}`, settings.report && `--report ${settings.report}`].filter(Boolean);
        if (unwritten.length) warn(cli, `a dry run writes nothing: ${unwritten.join(' and ')} left as they were (the plan is on stdout; --json for JSON)`);
        const fmt = (settings.format ?? 'table') as 'table' | 'json' | 'md' | 'csv';
        // The cached count is on stdout (-q or a captured stdout must not lose it), so stderr
        // does not repeat it.
        writeStdout(cli, fmt === 'json' ? JSON.stringify(plan, null, 2) : renderEstimate(plan, fmt, { color: cli.colorOut.level > 0, cached: plan.cached }));
        if ((fmt === 'table' || fmt === 'md') && routes) writeStdout(cli, renderRouting(plan.routing, plan.documents)); // CSV stays one table
        return;
      }
      if (plan.upper_bound_usd === null) {
        throw new LlmbatchError('budget', `Cannot check --budget: the price of ${model} is unknown`, 'Add its prices under "models:" in the config, or drop --budget.');
      }
      if (plan.upper_bound_usd > settings.budget!) {
        throw new LlmbatchError('budget', `Estimated cost up to ${formatUsd(plan.upper_bound_usd)} exceeds --budget ${formatUsd(settings.budget!)}; nothing was sent`,
          `${plan.models[0].documents} document${plan.models[0].documents === 1 ? '' : 's'} to send (${plan.cached} cached). Raise --budget, lower --max-output-tokens, or compress with --compress.`);
      }
    }

    // Outputs that cannot be written fail now, before anything is sent (exit 2).
    checkOutputsAreNotInputs(inputs, settings);
    if (settings.report) await checkReportPath(settings.report);
    const sink = sinkFor(settings.out, cli, prompt.response_format === 'json', { cached: settings.cache !== false });
    await sink.prepare?.();
    const progress = createProgress(cli.stderr, { quiet: cli.quiet, tty: Boolean(cli.stderr.isTTY) });
    const interrupt = interruptSignal(cli, { cache: settings.cache !== false });
    let outcome;
    try {
      outcome = await runBatch(
        {
          items: items(), prompt, model, temperature: settings.temperature, maxOutputTokens: settings.maxOutputTokens,
          concurrency: settings.concurrency, rpm: settings.rpm, tpm: settings.tpm, retries: settings.retries,
          timeoutMs: settings.timeoutMs, graceMs: settings.graceMs, budget: settings.budget, signal: interrupt.signal,
          secrets: cli.secrets, command: commandLine(cli), transform: compression.transform, routes,
        },
        {
          provider, registry, cache, ledger, sink,
          onEvent: (e) => {
            if (e.type === 'progress') progress.update(e.progress);
            else if (e.type === 'concurrency' && cli.debug) cli.stderr.write(`concurrency → ${e.value}\n`);
          },
        },
      );
    } catch (e) {
      // The run itself failed (an output that could no longer be written, …): the temp file
      // goes, a previous output file stays as it was; the answers so far are in the cache.
      await sink.close(false).catch(() => {});
      throw e;
    } finally {
      progress.stop();
      interrupt.dispose();
    }
    const { report, status, fatal, budgetNote } = outcome;
    // A run aborted at once (a wrong key: nothing answered) does not replace a previous --out
    // file with an empty one.
    await sink.close(!fatal || report.documents.done + report.documents.failed > 0);
    if (!cli.quiet && !fatal) cli.stderr.write(redact(renderRunReport(report, 'text', { color: cli.colorErr.level > 0 }), cli.secrets));
    else if (cli.quiet && !fatal && report.documents.failed > 0) {
      // --quiet keeps errors: a run that exits 1 says why in one line (the records hold the rest).
      const first = report.failures[0];
      cli.stderr.write(redact(`${report.documents.failed} of ${report.documents.total} document${report.documents.total === 1 ? '' : 's'} failed${first ? ` (first: ${first.error.includes(first.id) ? '' : `${first.id}: `}${first.error})` : ''}; ${report.documents.failed === 1 ? 'its error record is' : 'their error records are'} in the output\n`, cli.secrets));
    }
    // Exit 3 says why, even with --quiet: a CI log must not end in a bare non-zero status.
    if (cli.quiet && budgetNote) cli.stderr.write(`${budgetNote}\n`);
    // `report` finds this run's ledger by itself unless the cache was moved with --cache.
    if (settings.report) await saveReport(settings.report, report, settings.cacheFrom === 'flag' && typeof settings.cache === 'string' ? settings.cache : undefined);
    if (fatal) throw explainCondenseModel(fatal, settings.compress[0]);
    process.exitCode = status === 'interrupted' ? ExitCode.interrupted : status === 'budget' ? ExitCode.gate : report.documents.failed > 0 ? ExitCode.someFailed : ExitCode.ok;
  } finally {
    await cache?.close();
    await ledger?.close();
  }
}

/**
 * A server that does not know `--compress llm`'s default condense model (gpt-4.1-nano: a local
 * server has its own models) gets a hint that says where that model came from.
 */
function explainCondenseModel(fatal: LlmbatchError, compress: string | undefined): LlmbatchError {
  const bare = compress !== undefined && compressionPlan(compress).specs.some((s) => s.name === 'llm' && s.arg === undefined);
  if (fatal.code !== 'model-not-found' || !bare || !fatal.message.includes(`"${DEFAULT_CONDENSE_MODEL}"`)) return fatal;
  return new LlmbatchError(fatal.code, fatal.message, `${DEFAULT_CONDENSE_MODEL} is the default condense model of --compress llm: name one this server has, e.g. --compress llm:MODEL.`, { cause: fatal });
}
