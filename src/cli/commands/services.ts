/** Opening what a run talks to: the cache, the ledger, the provider (lazily loaded). */
import { join } from 'node:path';
import { CompletionCache } from '../../cache/index.js';
import type { Settings } from '../../config/index.js';
import { isRedisUrl } from '../../config/paths.js';
import { fileObstacle } from '../../dirs.js';
import type { Cli } from '../context.js';
import { warn } from './shared.js';
import { LlmbatchError, redact } from '../../errors.js';
import { Ledger } from '../../ledger/index.js';
import { serverId, type Provider } from '../../providers/types.js';

export async function openStores(settings: Settings, opts: { ledger: boolean }): Promise<{ cache: CompletionCache | null; ledger: Ledger | null }> {
  checkStorePaths(settings, { cache: true, ledger: opts.ledger });
  const cache = settings.cache === false ? null : await CompletionCache.open(settings.cache, { ttlMs: settings.cacheTtlMs });
  try {
    const ledger = opts.ledger ? await Ledger.open(settings.ledgerPath) : null;
    return { cache, ledger };
  } catch (e) {
    await cache?.close();
    throw e;
  }
}

/**
 * Before anything is opened, created or sent: the cache and the ledger must be files, or
 * creatable. A folder there is the user's own: SQLite cannot open it, and it is neither a
 * corrupt cache nor ours to delete or chmod.
 */
export function checkStorePaths(settings: Settings, which: { cache: boolean; ledger: boolean }): void {
  const cache = which.cache && settings.cache !== false && !isRedisUrl(settings.cache) ? settings.cache : null;
  if (cache !== null) {
    const obstacle = fileObstacle(cache);
    const from = settings.cacheFrom;
    const kind = from === 'config' ? 'config' : 'usage';
    const name = { flag: '--cache', env: 'LLMBATCH_CACHE', config: `${settings.configPath}: "cache"`, default: 'The cache' }[from];
    if (obstacle && 'folder' in obstacle) {
      if (from === 'default') throw new LlmbatchError('usage', `The default cache path ${cache} is a folder`, 'Move that folder aside, or pass --cache FILE. Nothing was changed or sent.');
      const inside = join(cache, 'cache.sqlite');
      const example = { flag: `--cache ${inside}`, env: `LLMBATCH_CACHE=${inside}`, config: `cache: ${inside}` }[from];
      throw new LlmbatchError(kind, `${name} must name a file: ${cache} is a folder`, `Use a file inside it, e.g. ${example}. Nothing was changed or sent.`);
    }
    if (obstacle) {
      throw new LlmbatchError(kind, `${name} ${cache} cannot be created: ${obstacle.file} is a file, not a folder`, 'Use a path under a folder, or --no-cache. Nothing was changed or sent.');
    }
  }
  if (which.ledger) {
    const obstacle = fileObstacle(settings.ledgerPath);
    if (obstacle && 'folder' in obstacle) {
      throw new LlmbatchError('usage', `The ledger ${settings.ledgerPath} is a folder`,
        'The ledger is ledger.sqlite next to the cache file: move that folder aside, or put the cache (--cache) in another folder. Nothing was changed or sent.');
    }
    if (obstacle) throw new LlmbatchError('usage', `The ledger ${settings.ledgerPath} cannot be created: ${obstacle.file} is a file, not a folder`, 'Put the cache (--cache) in another folder; the ledger sits next to it. Nothing was changed or sent.');
  }
}

const isOpenAI = (url: string) => /^https:\/\/api\.openai\.com(\/|$)/.test(url);

export function requireKey(settings: Settings, cli: Cli): void {
  if (!settings.apiKey && isOpenAI(settings.baseUrl)) {
    throw new LlmbatchError('usage', `No API key: set ${settings.apiKeyEnv}`, 'Or pass --base-url (or OPENAI_BASE_URL) for a local server that needs none, e.g. http://localhost:11434/v1 for Ollama.');
  }
  // A variable named on purpose (--api-key-env, apiKeyEnv:) and left unset is likely a mistake:
  // a local server may need no key, so it is said, not refused.
  if (!settings.apiKey && settings.apiKeyEnv !== 'OPENAI_API_KEY') warn(cli, `${settings.apiKeyEnv} is not set: requests are sent without a key`);
}

type LoadProvider = () => Promise<typeof import('../../providers/openai.js')>;
const loadOpenAI: LoadProvider = () => import('../../providers/openai.js');

/**
 * The provider; for a dry run, only its identity (cache keys need the server's origin).
 * `load` is the import of the HTTP client (replaceable in tests).
 */
export async function makeProvider(settings: Settings, dryRun: boolean, load: LoadProvider = loadOpenAI): Promise<Provider> {
  const id = serverId(settings.baseUrl);
  if (dryRun) {
    return { id, complete: () => Promise.reject(new Error('dry run: nothing is sent')) };
  }
  // The HTTP client (LangChain, the OpenAI SDK) is loaded on the first request, not before:
  // a fully cached re-run never loads it, and a cold run reads and looks up its first documents
  // while it loads. If it cannot be loaded (a broken install), every request gets the same
  // LlmbatchError, which the runner turns into one run-level error (not a retry per document).
  let loaded: Promise<Provider> | undefined;
  return {
    id,
    complete(req, opts) {
      loaded ??= load().then(
        ({ createOpenAIProvider }) => createOpenAIProvider({ baseUrl: settings.baseUrl, apiKey: settings.apiKey, timeoutMs: settings.timeoutMs }),
        (e: unknown) => {
          const why = redact(String((e as Error)?.message ?? e).split('\n')[0], settings.apiKey ? [settings.apiKey] : []);
          throw new LlmbatchError('internal', `Could not load the HTTP client: ${why}`,
            'The installation looks broken: reinstall (npm ci in a checkout, npm install -g llmbatch otherwise).', { cause: e });
        });
      // Timed from here, once the client is loaded: loading it (~50-70 ms, on the first
      // requests only) is not the server's time, which is what a record's latency_ms reports.
      return loaded.then(async (p) => {
        const started = performance.now();
        const result = await p.complete(req, opts);
        result.latency_ms ??= performance.now() - started;
        return result;
      });
    },
  };
}
