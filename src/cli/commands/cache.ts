import type { Command } from 'commander';
import { CompletionCache } from '../../cache/index.js';
import { parseDuration } from '../../config/index.js';
import { LlmbatchError } from '../../errors.js';
import { formatInt } from '../render/format.js';
import { setup, writeStdout } from './shared.js';

/** `llmbatch cache stats | clear | prune --older-than 30d` (SPEC §8). */
export default async function cacheCommand(cmd: Command): Promise<void> {
  const { cli, settings, flags } = setup(cmd);
  if (settings.cache === false) throw new LlmbatchError('usage', 'The cache is turned off (--no-cache or config)', 'Drop --no-cache, or pass --cache PATH.');
  const cache = await CompletionCache.open(settings.cache);
  try {
    const sub = cmd.name();
    if (sub === 'stats') {
      const s = await cache.stats();
      writeStdout(cli, cli.json
        ? JSON.stringify(s, null, 2)
        : [`cache     ${s.path}`, `entries   ${formatInt(s.entries)}`, `size      ${formatInt(s.bytes)} bytes`, `oldest    ${s.oldest ?? '-'}`, `newest    ${s.newest ?? '-'}`].join('\n'));
    } else if (sub === 'clear') {
      const n = await cache.clear();
      writeStdout(cli, cli.json ? JSON.stringify({ deleted: n }) : `deleted ${formatInt(n)} entries from ${cache.path}`);
    } else {
      const ms = parseDuration(String(flags.olderThan ?? '30d'), '--older-than');
      const n = await cache.prune(ms);
      writeStdout(cli, cli.json ? JSON.stringify({ deleted: n }) : `deleted ${formatInt(n)} entries older than ${flags.olderThan} from ${cache.path}`);
    }
  } finally {
    await cache.close();
  }
}
