/**
 * The ledger: one row per run and one per request (cache hits included), in SQLite next to
 * the cache. `report` and `compare`'s output-token history read it. Request rows are buffered
 * and inserted as one statement per batch (json_each), like the cache.
 */
import { fsErrorText, LlmbatchError } from '../errors.js';
import { corruptError, ensurePrivateFile, retryBusy, storeWriteFailed } from '../cache/store.js';
import { BatchWriter } from '../cache/batch-writer.js';
import type { RunReport, UsageRecord } from '../report/types.js';
import { summarizeRun } from '../report/run.js';
import { MIGRATIONS } from './migrations.js';
import { openDb, type Db } from './sqlite.js';

export interface RunRow {
  id: string;
  started_at: string;
  finished_at: string | null;
  command: string;
  status: string;
  documents: number;
  cost_usd: number | null;
}

const COLUMNS = [
  'run_id', 'doc_id', 'prompt', 'model', 'kind', 'cached', 'input_tokens', 'output_tokens', 'cached_input_tokens',
  'cost_usd', 'saved_usd', 'latency_ms', 'attempts', 'chunks', 'status', 'error_code', 'doc_tokens_before', 'doc_tokens_after', 'created_at',
  'prompt_hash',
] as const;

/**
 * Each pending migration in its own IMMEDIATE transaction, re-checked inside it: two processes
 * opening a new ledger at once must not both create the tables.
 */
async function migrate(db: Db): Promise<void> {
  for (const m of MIGRATIONS) {
    if ((await db.all('SELECT 1 FROM migrations WHERE name = ?', m.name)).length) continue;
    await db.exec('BEGIN IMMEDIATE');
    try {
      if ((await db.all('SELECT 1 FROM migrations WHERE name = ?', m.name)).length === 0) {
        await db.exec(m.sql);
        await db.run('INSERT INTO migrations VALUES (?, ?)', m.name, new Date().toISOString());
      }
      await db.exec('COMMIT');
    } catch (e) {
      await db.exec('ROLLBACK').catch(() => {});
      throw e;
    }
  }
}

const FLUSH_MS = 200;
const FLUSH_SIZE = 500;

export type RequestKind = 'main' | 'chunk' | 'reduce' | 'escalated' | 'escalate' | 'condense' | 'fallback';

export class Ledger {
  private readonly writer: BatchWriter<unknown[]>;

  private constructor(readonly path: string, private readonly db: Db) {
    const select = COLUMNS.map((_, i) => `json_extract(j.value, '$[${i}]')`).join(', ');
    const sql = `INSERT INTO requests (${COLUMNS.join(', ')}) SELECT ${select} FROM json_each(?) AS j`;
    this.writer = new BatchWriter((rows) => this.db.run(sql, JSON.stringify(rows)), FLUSH_SIZE, FLUSH_MS);
  }

  static async open(path: string): Promise<Ledger> {
    try {
      ensurePrivateFile(path);
    } catch (e) {
      throw new LlmbatchError('ledger', `Cannot create the ledger file ${path}: ${fsErrorText(e)}`);
    }
    let db: Db | undefined;
    try {
      db = await retryBusy(async () => {
        const d = await openDb(path);
        try {
          await d.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;');
          await d.exec('CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
          await migrate(d);
          return d;
        } catch (e) {
          await d.close().catch(() => {});
          throw e;
        }
      });
    } catch (e) {
      if (e instanceof LlmbatchError) throw e;
      throw corruptError('ledger', path, e);
    }
    return new Ledger(path, db);
  }

  async startRun(id: string, command: string, startedAt: string): Promise<void> {
    await this.db.run('INSERT INTO runs (id, started_at, command, status) VALUES (?, ?, ?, ?)', id, startedAt, command, 'running')
      .catch((e: unknown) => {
        throw storeWriteFailed('ledger', this.path, e);
      });
  }

  /** A request-row write that failed (the disk is full): the run stops with it. */
  get writeError(): LlmbatchError | null {
    const f = this.writer.error;
    return f ? storeWriteFailed('ledger', this.path, f.error) : null;
  }

  record(runId: string, r: UsageRecord, kind: RequestKind = 'main'): void {
    const row: Record<(typeof COLUMNS)[number], unknown> = {
      run_id: runId, doc_id: r.id, prompt: r.prompt, model: r.model, kind, cached: r.cached ? 1 : 0,
      input_tokens: r.input_tokens, output_tokens: r.output_tokens, cached_input_tokens: r.cached_input_tokens,
      cost_usd: r.cost_usd, saved_usd: r.saved_usd, latency_ms: r.latency_ms, attempts: r.attempts, chunks: r.chunks,
      status: r.status, error_code: r.error_code ?? null, doc_tokens_before: r.doc_tokens_before ?? null,
      doc_tokens_after: r.doc_tokens_after ?? null, created_at: new Date().toISOString(), prompt_hash: r.prompt_hash ?? null,
    };
    this.writer.push(COLUMNS.map((c) => row[c]));
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  async finishRun(report: RunReport, status: 'done' | 'interrupted' | 'failed' | 'aborted'): Promise<void> {
    await this.flush();
    await this.db.run('UPDATE runs SET finished_at = ?, status = ?, documents = ?, cost_usd = ?, report = ? WHERE id = ?',
      report.finished_at, status, report.documents.total, report.cost_usd, JSON.stringify(report), report.run_id)
      .catch((e: unknown) => {
        throw storeWriteFailed('ledger', this.path, e);
      });
  }

  /**
   * The most recent runs. A run without a report (its process ended before writing it: a second
   * Ctrl-C, a crash, a kill — or it is still running) is `unfinished`, with the documents and
   * cost of the requests it recorded (cost null when one of them has no price).
   */
  async listRuns(limit = 20): Promise<RunRow[]> {
    return this.db.all<RunRow>(`SELECT r.id, r.started_at, r.finished_at, r.command,
        CASE WHEN r.report IS NULL THEN 'unfinished' ELSE r.status END AS status,
        CASE WHEN r.report IS NULL THEN (SELECT COUNT(*) FROM requests q WHERE q.run_id = r.id AND q.kind = 'main') ELSE r.documents END AS documents,
        CASE WHEN r.report IS NULL THEN (SELECT CASE WHEN COUNT(q.cost_usd) = COUNT(*) THEN TOTAL(q.cost_usd) END FROM requests q WHERE q.run_id = r.id AND q.kind = 'main') ELSE r.cost_usd END AS cost_usd
      FROM runs r ORDER BY r.started_at DESC, r.rowid DESC LIMIT ?`, limit);
  }

  /**
   * A run's report; `last` is the most recent run. An unfinished run (see listRuns) has none
   * stored: it is rebuilt from the documents it recorded, with a warning saying so — its money
   * was spent, and must show somewhere.
   */
  async getReport(idOrLast: string): Promise<RunReport | null> {
    const rows = idOrLast === 'last'
      ? await this.db.all<{ id: string; started_at: string; command: string; report: string | null }>('SELECT id, started_at, command, report FROM runs ORDER BY started_at DESC, rowid DESC LIMIT 1')
      : await this.db.all<{ id: string; started_at: string; command: string; report: string | null }>('SELECT id, started_at, command, report FROM runs WHERE id = ? OR id LIKE ? ORDER BY started_at DESC LIMIT 1', idOrLast, `${idOrLast}%`);
    const run = rows[0];
    if (!run) return null;
    if (run.report) return JSON.parse(run.report) as RunReport;
    const records = await this.requests(run.id);
    const [last] = await this.db.all<{ at: string | null }>('SELECT MAX(created_at) AS at FROM requests WHERE run_id = ?', run.id);
    return summarizeRun(records, {
      run_id: run.id, command: run.command, started_at: run.started_at, finished_at: last?.at ?? run.started_at,
      interrupted: true, skipped: [], total: records.length,
      warnings: [`This run is unfinished: its process ended before writing its report (a second Ctrl-C, a crash, a kill) or is still running. Rebuilt from the ${records.length} document${records.length === 1 ? '' : 's'} it recorded; requests in flight at the end, and documents not reached, are not in it.`],
    });
  }

  async requests(runId: string): Promise<UsageRecord[]> {
    const rows = await this.db.all<Record<string, unknown>>("SELECT * FROM requests WHERE run_id = ? AND kind IN ('main') ORDER BY seq", runId);
    return rows.map((r) => ({
      id: String(r.doc_id), model: String(r.model), prompt: String(r.prompt), status: r.status === 'ok' || r.status === 'aborted' ? r.status : 'error',
      cached: r.cached === 1, input_tokens: Number(r.input_tokens), output_tokens: Number(r.output_tokens),
      cached_input_tokens: Number(r.cached_input_tokens), cost_usd: r.cost_usd as number | null, saved_usd: r.saved_usd as number | null,
      latency_ms: Number(r.latency_ms), attempts: Number(r.attempts), chunks: Number(r.chunks), error_code: r.error_code as string | null,
      doc_tokens_before: r.doc_tokens_before as number | undefined, doc_tokens_after: r.doc_tokens_after as number | undefined,
    }));
  }

  /**
   * Mean output tokens of past successful answers by (prompt hash, model), keyed
   * `${promptHash}\0${model}`: compare's offline estimate. Keyed by the prompt's text, not its
   * name: an edited prompt file (same name) must not be estimated from the old text's answers.
   * Rows from before the hash was recorded (NULL) match nothing: their text is unknown. Answers
   * served from the cache are the same answers again: counting them would weight the documents
   * a user re-runs most, so only answers the model actually gave count.
   */
  async outputHistory(): Promise<Map<string, { mean: number; samples: number }>> {
    const rows = await this.db.all<{ prompt_hash: string; model: string; mean: number; n: number }>(
      "SELECT prompt_hash, model, AVG(output_tokens) AS mean, COUNT(*) AS n FROM requests WHERE prompt_hash IS NOT NULL AND status = 'ok' AND kind = 'main' AND cached = 0 GROUP BY prompt_hash, model");
    return new Map(rows.map((r) => [`${r.prompt_hash}\0${r.model}`, { mean: r.mean, samples: r.n }]));
  }

  async close(): Promise<void> {
    await this.flush();
    await this.db.close();
  }
}
