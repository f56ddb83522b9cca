import type { Command } from 'commander';
import { ModelRegistry } from '../../models/index.js';
import { renderModels } from '../render/models.js';
import { setup, writeStdout } from './shared.js';

export default async function models(cmd: Command): Promise<void> {
  const { cli, settings } = setup(cmd);
  const registry = new ModelRegistry(settings.modelOverrides);
  const format = (settings.format ?? 'table') as 'table' | 'json' | 'md' | 'csv';
  writeStdout(cli, renderModels(registry.list(), format, { color: cli.colorOut.level > 0 }));
}
