/** Opening what a run talks to: the cache, the ledger, the provider (lazily loaded). */
import { CompletionCache } from '../../cache/index.js';
import type { Settings } from '../../config/index.js';
import { LlmbatchError, redact } from '../../errors.js';
import { Ledger } from '../../ledger/index.js';
import { serverId, type Provider } from '../../providers/types.js';

export async function openStores(settings: Settings, opts: { ledger: boolean }): Promise<{ cache: CompletionCache | null; ledger: Ledger | null }> {
  const cache = settings.cache === false ? null : await CompletionCache.open(settings.cache, { ttlMs: settings.cacheTtlMs });
  try {
    const ledger = opts.ledger ? await Ledger.open(settings.ledgerPath) : null;
    return { cache, ledger };
  } catch (e) {
    await cache?.close();
    throw e;
  }
}

const isOpenAI = (url: string) => /^https:\/\/api\.openai\.com(\/|$)/.test(url);

export function requireKey(settings: Settings): void {
  if (!settings.apiKey && isOpenAI(settings.baseUrl)) {
    throw new LlmbatchError('usage', `No API key: set ${settings.apiKeyEnv}`, 'Or pass --base-url (or OPENAI_BASE_URL) for a local server that needs none, e.g. http://localhost:11434/v1 for Ollama.');
  }
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
      return loaded.then((p) => p.complete(req, opts));
    },
  };
}
