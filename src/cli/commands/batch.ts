import type { Command } from 'commander';
import { LlmbatchError } from '../../errors.js';

export default async function notYet(cmd: Command): Promise<void> {
  throw new LlmbatchError('not-available', `"${cmd.name()}" is not available yet in this version`, 'See the README for what this version ships.');
}
