import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { CompletionCache, type CacheStats } from '../../cache/index.js';
import { parseDuration } from '../../config/index.js';
import { isRedisUrl } from '../../config/paths.js';
import { LlmbatchError } from '../../errors.js';
import { formatInt } from '../render/format.js';
import { checkStorePaths } from './services.js';
import { setup, writeStdout } from './shared.js';

/** `llmbatch cache stats | clear | prune --older-than 30d` (SPEC §8). */
export default async function cacheCommand(cmd: Command): Promise<void> {
  const { cli, settings, flags } = setup(cmd);
  if (settings.cache === false) throw new LlmbatchError('usage', 'The cache is turned off (--no-cache or config)', 'Drop --no-cache, or pass --cache PATH.');
  const sub = cmd.name();
  const path = settings.cache;
  checkStorePaths(settings, { cache: true, ledger: false });
  // No cache file yet: say so without creating one (and its folder) as a side effect of looking.
  const missing = !isRedisUrl(path) && !existsSync(path);
  const cache = missing ? null : await CompletionCache.open(path);
  try {
    if (sub === 'stats') {
      const s: CacheStats = cache ? await cache.stats() : { path, entries: 0, bytes: 0, oldest: null, newest: null };
      writeStdout(cli, cli.json
        ? JSON.stringify(s, null, 2)
        : [`cache     ${s.path}${cache ? '' : ' (no file yet)'}`, `entries   ${formatInt(s.entries)}`, `size      ${formatInt(s.bytes)} bytes`, `oldest    ${s.oldest ?? '-'}`, `newest    ${s.newest ?? '-'}`].join('\n'));
    } else if (sub === 'clear') {
      const n = cache ? await cache.clear() : 0;
      writeStdout(cli, cli.json ? JSON.stringify({ deleted: n }) : `deleted ${entries(n)} from ${path}`);
    } else {
      const ms = parseDuration(String(flags.olderThan ?? '30d'), '--older-than');
      const n = cache ? await cache.prune(ms) : 0;
      writeStdout(cli, cli.json ? JSON.stringify({ deleted: n }) : `deleted ${entries(n)} older than ${flags.olderThan}, expired or unreadable, from ${path}`);
    }
  } finally {
    await cache?.close();
  }
}

const entries = (n: number) => `${formatInt(n)} ${n === 1 ? 'entry' : 'entries'}`;
