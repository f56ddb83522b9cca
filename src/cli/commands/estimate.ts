import type { Command } from 'commander';
import { readInputs } from '../../documents/index.js';
import { ModelRegistry } from '../../models/index.js';
import { resolvePrompt } from '../../prompt/index.js';
import { estimate } from '../../plan/estimate.js';
import { renderEstimate } from '../render/estimate.js';
import { inputOptions, modelsFor, promptOptions, setup, warn, warnCappedOutput, writeStdout } from './shared.js';
import { LlmbatchError } from '../../errors.js';
import { prepareCompression } from '../../plan/compression.js';
import { planRun } from '../../plan/run-plan.js';
import { compileRoutes } from '../../route/index.js';
import { renderRouting } from '../render/routing.js';
import { bufferedStdin } from './run-io.js';
import type { Cli } from '../context.js';
import type { EstimateResult } from '../../report/types.js';

export default async function estimateCommand(cmd: Command, inputs: string[]): Promise<void> {
  const { cli, settings, flags } = setup(cmd);
  if (settings.prompts.length > 1) throw new LlmbatchError('usage', 'estimate takes one prompt', 'To compare prompts side by side, use: llmbatch compare … -p A -p B');
  const prompt = settings.prompts[0]
    ? resolvePrompt(settings.prompts[0], promptOptions(settings))
    : null;
  const top = flags.top === undefined ? 5 : Number(flags.top);
  if (!Number.isInteger(top) || top < 0) throw new LlmbatchError('usage', `--top must be a whole number, got "${flags.top}"`);
  if (settings.compress.length > 1) throw new LlmbatchError('usage', 'estimate takes one --compress setting', 'To compare compression settings side by side, use: llmbatch compare … --compress none --compress whitespace,dedupe');
  // A prompt file's `model:` applies when no model was chosen, as in `run`.
  const models = modelsFor(settings, prompt);
  const registry = new ModelRegistry(settings.modelOverrides);
  warnCappedOutput(cli, settings, models, registry);
  const stdin = await bufferedStdin(inputs);
  const items = () => readInputs(inputs, { ...inputOptions(settings), stdin });
  const encoding = registry.get(models[0]).info.encoding;
  const compression = await prepareCompression(settings.compress[0] ?? 'none', items, encoding);
  if (compression.offlineSkipsLlm) warn(cli, 'llm compression makes model calls: estimate counts the text before that step (an upper bound)');
  const transform = compression.offlineTransform;
  if (settings.routes) {
    // With routes, each document is priced on the model its rule picks (as run would send it).
    if (!prompt) throw new LlmbatchError('usage', 'estimate with routes needs a prompt (-p): routes may depend on it', 'e.g. llmbatch estimate docs/ -p summarize --route routes.yaml');
    const plan = await planRun({ items: items(), prompt, model: models[0], temperature: settings.temperature, maxOutputTokens: settings.maxOutputTokens, fillRatio: settings.fillRatio, registry, cache: null, server: '', transform, routes: compileRoutes(settings.routes, settings.routeSource), compressLabel: compression.label });
    report(cli, plan, settings.format);
    if (['table', 'md'].includes(settings.format ?? 'table')) writeStdout(cli, renderRouting(plan.routing, plan.documents)); // CSV stays one table
    return;
  }
  const result = await estimate({
    items: items(),
    transform,
    compressLabel: compression.label,
    prompt,
    models,
    registry,
    maxOutputTokens: settings.maxOutputTokens,
    fillRatio: settings.fillRatio,
    top,
    byFile: Boolean(flags.byFile),
  });
  report(cli, result, settings.format);
}

function report(cli: Cli, result: EstimateResult, format = 'table'): void {
  for (const w of result.warnings) warn(cli, w);
  for (const s of result.skipped) warn(cli, `skipped ${s.path}: ${s.reason}`);
  for (const e of result.errors) warn(cli, e.message);
  writeStdout(cli, renderEstimate(result, format as 'table' | 'json' | 'md' | 'csv', { color: cli.colorOut.level > 0 }));
}
