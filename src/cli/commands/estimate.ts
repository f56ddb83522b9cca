import type { Command } from 'commander';
import { readInputs } from '../../documents/index.js';
import { ModelRegistry } from '../../models/index.js';
import { resolvePrompt } from '../../prompt/index.js';
import { estimate } from '../../plan/estimate.js';
import { renderEstimate } from '../render/estimate.js';
import { inputOptions, setup, warn, writeStdout } from './shared.js';
import { LlmbatchError } from '../../errors.js';

export default async function estimateCommand(cmd: Command, inputs: string[]): Promise<void> {
  const { cli, settings, flags } = setup(cmd);
  if (settings.prompts.length > 1) throw new LlmbatchError('usage', 'estimate takes one prompt', 'To compare prompts side by side, use: llmbatch compare … -p A -p B');
  const prompt = settings.prompts[0]
    ? resolvePrompt(settings.prompts[0], { configPrompts: settings.configPrompts, cwd: settings.cwd, system: settings.system })
    : null;
  const top = flags.top === undefined ? 5 : Number(flags.top);
  if (!Number.isInteger(top) || top < 0) throw new LlmbatchError('usage', `--top must be a whole number, got "${flags.top}"`);
  const result = await estimate({
    items: readInputs(inputs, inputOptions(settings)),
    prompt,
    models: settings.models,
    registry: new ModelRegistry(settings.modelOverrides),
    maxOutputTokens: settings.maxOutputTokens,
    fillRatio: settings.fillRatio,
    top,
    byFile: Boolean(flags.byFile),
  });
  for (const w of result.warnings) warn(cli, w);
  for (const s of result.skipped) warn(cli, `skipped ${s.path}: ${s.reason}`);
  for (const e of result.errors) warn(cli, e.message);
  const format = (settings.format ?? 'table') as 'table' | 'json' | 'md' | 'csv';
  writeStdout(cli, renderEstimate(result, format, { color: cli.colorOut.level > 0 }));
}
