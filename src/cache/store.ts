/**
 * The completion cache: keyv over SQLite. Only successful completions are stored, with their
 * usage, finish reason and time; never an error, never a secret. Writes are buffered and
 * flushed as one statement (every 100 ms or 256 entries, and on close): see BatchWriter.
 */
import { closeSync, existsSync, openSync, statSync } from 'node:fs';
import { makeDirs } from '../dirs.js';
import { isRedisUrl } from '../config/paths.js';
import { dirname } from 'node:path';
import Keyv from 'keyv';
import { fsErrorText, LlmbatchError } from '../errors.js';
import type { CompletionUsage } from '../providers/types.js';
import { BatchingSqliteStore } from './sqlite-store.js';
import { BatchWriter } from './batch-writer.js';

export interface CachedCompletion {
  content: string;
  finish_reason: string | null;
  usage: CompletionUsage;
  model: string;
  /** Epoch ms when the answer was received. */
  created_at: number;
  latency_ms: number;
}

export interface CacheStats {
  path: string;
  entries: number;
  bytes: number;
  oldest: string | null;
  newest: string | null;
}

const FLUSH_MS = 100;
const FLUSH_SIZE = 256;

/**
 * Create the folder 0700 and the file 0600 before SQLite touches them. What exists already keeps
 * its mode: it is not ours to change (a folder passed by mistake lost its x bit that way; a cache
 * shared with a group on purpose would lose its group). A folder is refused here too (EISDIR), for
 * callers of the API; the CLI says so earlier, naming the setting (checkStorePaths).
 */
export function ensurePrivateFile(path: string): void {
  const dir = dirname(path);
  if (!existsSync(dir)) makeDirs(dir, 0o700);
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  else if (statSync(path).isDirectory()) throw Object.assign(new Error(`EISDIR: ${path} is a folder`), { code: 'EISDIR', path });
}

const isBusy = (e: unknown) => /SQLITE_BUSY|SQLITE_LOCKED/.test(String((e as { code?: string }).code ?? (e as Error)?.message ?? e));

/**
 * Opening a SQLite file another llmbatch process is opening at the same moment can meet a lock
 * that the busy timeout does not cover (switching to WAL, creating tables): retry for a while.
 */
export async function retryBusy<T>(open: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
    try {
      return await open();
    } catch (e) {
      if (!isBusy(e) || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    }
  }
}

export function corruptError(kind: 'cache' | 'ledger', path: string, e: unknown): LlmbatchError {
  const code = (e as { code?: string }).code ?? 'error';
  const what = kind === 'cache' ? 'it only holds cached answers, or run with --no-cache' : 'it only holds run history for reports';
  // sqlite3's messages start with their code ("SQLITE_NOTADB: file is not a database"): once is enough.
  const why = String((e as Error).message ?? e).split('\n')[0].replace(/^\w+: /, '');
  return new LlmbatchError(kind, `The ${kind} file ${path} is not a readable SQLite database (${code}: ${why})`,
    `Move it aside (mv '${path}' '${path}.bad') or delete it — ${what}.`);
}

/**
 * A cache or ledger write that failed mid-run (disk full, I/O error): one message naming the
 * file. Exit 1, like any output that can no longer be written.
 */
export function storeWriteFailed(kind: 'cache' | 'ledger', path: string, e: unknown): LlmbatchError {
  const code = (e as { code?: string })?.code;
  const why = code === 'SQLITE_FULL' ? 'the disk is full (SQLITE_FULL)' : code ? `${code}: ${String((e as Error).message ?? e).split('\n')[0].replace(/^\w+: /, '')}` : String((e as Error)?.message ?? e);
  return new LlmbatchError('output', `Cannot write the ${kind} ${path}: ${why}`,
    kind === 'cache'
      ? 'The run stopped; the results so far are in --out (or on stdout). Free space, or pass --cache on another disk, and run the same command again: what was cached is not paid for twice.'
      : 'The run stopped; the results so far are in --out (or on stdout). Free space and run the same command again (finished answers come from the cache).', { cause: e });
}

export class CompletionCache {
  private readonly writer: BatchWriter<{ key: string; value: CachedCompletion; ttl?: number }>;

  private constructor(
    readonly path: string,
    private readonly keyv: Keyv<CachedCompletion>,
    private readonly store: BatchingSqliteStore,
    private readonly ttlMs?: number,
  ) {
    this.writer = new BatchWriter((rows) => this.keyv.setMany(rows), FLUSH_SIZE, FLUSH_MS);
  }

  static async open(path: string, opts: { ttlMs?: number } = {}): Promise<CompletionCache> {
    if (isRedisUrl(path)) {
      throw new LlmbatchError('not-available', 'A Redis cache (--cache redis://…) is not available yet in this version', 'Use a cache file path, or --no-cache.');
    }
    try {
      ensurePrivateFile(path);
    } catch (e) {
      throw new LlmbatchError('cache', `Cannot create the cache file ${path}: ${fsErrorText(e)}`, 'Pass --cache with a writable path, or --no-cache.');
    }
    let store: BatchingSqliteStore;
    try {
      store = await retryBusy(async () => {
        const s = new BatchingSqliteStore({ uri: `sqlite://${path}`, table: 'completions', busyTimeout: 10_000 });
        s.on('error', () => {}); // surfaced through init()
        try {
          await s.init();
          return s;
        } catch (e) {
          await s.disconnect().catch(() => {});
          throw e;
        }
      });
    } catch (e) {
      throw corruptError('cache', path, e);
    }
    const keyv = new Keyv<CachedCompletion>({ store, namespace: 'llmbatch', throwOnErrors: true });
    keyv.on('error', () => {});
    const cache = new CompletionCache(path, keyv, store, opts.ttlMs);
    // One damaged entry (a disk error, a hand edit) must not fail every lookup of its batch on
    // every run: it is a miss, asked again, and the new answer replaces it.
    const deserialize = keyv.deserialize!;
    keyv.deserialize = (data) => {
      try {
        return deserialize(data);
      } catch {
        cache.unreadable++;
        return undefined;
      }
    };
    return cache;
  }

  /** Entries found damaged by lookups so far (not JSON, or not the shape of an answer): treated as misses. */
  unreadable = 0;

  private lookups = new Map<string, { resolve: (v: CachedCompletion | undefined) => void; reject: (e: unknown) => void }[]>();
  private lookupScheduled = false;

  /**
   * Lookups made in the same tick are answered by one query (a run asks for hundreds of keys
   * at once; one SQLite query each was a hot spot of a cold run).
   */
  get(key: string): Promise<CachedCompletion | undefined> {
    const hit = this.writer.rows.find((p) => p.key === key);
    if (hit) return Promise.resolve(hit.value);
    return new Promise((resolve, reject) => {
      const waiting = this.lookups.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.lookups.set(key, [{ resolve, reject }]);
      if (!this.lookupScheduled) {
        this.lookupScheduled = true;
        setImmediate(() => void this.runLookups());
      }
    });
  }

  private async runLookups(): Promise<void> {
    this.lookupScheduled = false;
    const batch = this.lookups;
    this.lookups = new Map();
    const keys = [...batch.keys()];
    for (let i = 0; i < keys.length; i += 500) {
      const slice = keys.slice(i, i + 500);
      try {
        const rows = await this.getMany(slice);
        slice.forEach((k, j) => batch.get(k)!.forEach((w) => w.resolve(rows[j])));
      } catch (e) {
        slice.forEach((k) => batch.get(k)!.forEach((w) => w.reject(e)));
      }
    }
  }

  async getMany(keys: string[]): Promise<(CachedCompletion | undefined)[]> {
    if (keys.length === 0) return [];
    const rows = await this.keyv.getMany(keys);
    return rows.map((r) => {
      if (r === undefined || r === null) return undefined;
      if (isCompletion(r)) return r;
      this.unreadable++;
      return undefined;
    });
  }

  /** Buffered; durable after the next flush (≤ 100 ms) or close(). Dropped once a write has failed (writeError). */
  put(key: string, value: CachedCompletion): void {
    this.writer.push({ key, value, ttl: this.ttlMs });
  }

  /** A write that failed (the disk is full): the run stops with it. */
  get writeError(): LlmbatchError | null {
    const f = this.writer.error;
    return f ? storeWriteFailed('cache', this.path, f.error) : null;
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  async close(): Promise<void> {
    await this.flush();
    await this.store.disconnect();
  }

  async stats(): Promise<CacheStats> {
    await this.flush();
    let oldest = Infinity;
    let newest = 0;
    const rows = await this.store.rows();
    for (const r of rows) {
      const at = createdAt(r.value);
      if (at !== null) {
        oldest = Math.min(oldest, at);
        newest = Math.max(newest, at);
      }
    }
    return {
      path: this.path, entries: rows.length, bytes: statSync(this.path).size,
      oldest: rows.length && oldest !== Infinity ? new Date(oldest).toISOString() : null,
      newest: newest ? new Date(newest).toISOString() : null,
    };
  }

  async clear(): Promise<number> {
    const n = (await this.store.rows()).length;
    await this.keyv.clear();
    await this.store.vacuum();
    return n;
  }

  /** Delete entries answered before `olderThanMs` ago (and expired ones). */
  async prune(olderThanMs: number, now = Date.now()): Promise<number> {
    await this.flush();
    const doomed: string[] = [];
    for (const r of await this.store.rows()) {
      const at = createdAt(r.value);
      const expires = expiresAt(r.value);
      if (at === null || now - at > olderThanMs || (expires !== null && expires < now)) doomed.push(r.key);
    }
    await this.store.deleteKeys(doomed);
    if (doomed.length) await this.store.vacuum();
    return doomed.length;
  }
}

const isCount = (n: unknown) => typeof n === 'number' && Number.isFinite(n) && n >= 0;

/** What the engine reads from an entry; anything else was not written by this cache format. */
function isCompletion(v: unknown): v is CachedCompletion {
  const c = v as Partial<CachedCompletion> | null;
  return typeof c === 'object' && c !== null && typeof c.content === 'string' && typeof c.model === 'string'
    && (typeof c.finish_reason === 'string' || c.finish_reason === null)
    && typeof c.usage === 'object' && c.usage !== null && isCount(c.usage.input_tokens) && isCount(c.usage.output_tokens)
    && isCount(c.usage.cached_input_tokens);
}

function parse(value: string): { value?: { created_at?: number }; expires?: number } | null {
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
}
const createdAt = (v: string) => parse(v)?.value?.created_at ?? null;
const expiresAt = (v: string) => parse(v)?.expires ?? null;
