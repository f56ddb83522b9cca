import { dirname, join } from 'node:path';

export interface StateEnv {
  XDG_CACHE_HOME?: string;
  HOME?: string;
  LLMBATCH_CACHE?: string;
}

/** The state folder: `$XDG_CACHE_HOME/llmbatch`, else `~/.cache/llmbatch`. */
export function stateDir(env: StateEnv): string {
  const base = env.XDG_CACHE_HOME || join(env.HOME || '.', '.cache');
  return join(base, 'llmbatch');
}

export function defaultCachePath(env: StateEnv): string {
  return join(stateDir(env), 'cache.sqlite');
}

/** A `--cache` value that names a Redis server rather than a file. */
export const isRedisUrl = (cache: string): boolean => /^rediss?:\/\//.test(cache);

/** The ledger lives next to a file cache; with a Redis cache or none, in the state folder. */
export function ledgerPathFor(cache: string | false, env: StateEnv): string {
  if (cache && !isRedisUrl(cache)) return join(dirname(cache), 'ledger.sqlite');
  return join(stateDir(env), 'ledger.sqlite');
}
