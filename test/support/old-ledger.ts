/**
 * A ledger as the code before migration 002 (prompt_hash) wrote it: tests open such a file with
 * the current code, which must migrate it and keep reading it.
 */
import { openDb } from '../../src/ledger/sqlite.js';

/** The schema exactly as migration 001 created it, and its record. */
export const OLD_SCHEMA = `
  CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL);
  CREATE TABLE runs (id TEXT PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, command TEXT NOT NULL,
    status TEXT NOT NULL, documents INTEGER NOT NULL DEFAULT 0, cost_usd REAL, report TEXT);
  CREATE TABLE requests (seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, doc_id TEXT NOT NULL,
    prompt TEXT NOT NULL, model TEXT NOT NULL, kind TEXT NOT NULL DEFAULT 'main', cached INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL, output_tokens INTEGER NOT NULL, cached_input_tokens INTEGER NOT NULL DEFAULT 0,
    cost_usd REAL, saved_usd REAL, latency_ms REAL NOT NULL, attempts INTEGER NOT NULL, chunks INTEGER NOT NULL DEFAULT 1,
    status TEXT NOT NULL, error_code TEXT, doc_tokens_before INTEGER, doc_tokens_after INTEGER, created_at TEXT NOT NULL);
  CREATE INDEX requests_run ON requests(run_id);
  CREATE INDEX requests_prompt_model ON requests(prompt, model, status);
  INSERT INTO migrations VALUES ('001_runs_requests', '2025-01-01T00:00:00.000Z');
`;

const OLD_REQUEST_COLUMNS = `run_id, doc_id, prompt, model, kind, cached, input_tokens, output_tokens, cached_input_tokens, cost_usd,
  saved_usd, latency_ms, attempts, chunks, status, error_code, doc_tokens_before, doc_tokens_after, created_at`;

/** A new file with the old schema. With `from` (a current ledger): its runs and rows, as the old code would have stored them. */
export async function writeOldLedger(path: string, from?: string): Promise<void> {
  const db = await openDb(path);
  try {
    await db.exec(OLD_SCHEMA);
    if (from) {
      await db.run('ATTACH DATABASE ? AS src', from);
      await db.exec(`INSERT INTO runs SELECT id, started_at, finished_at, command, status, documents, cost_usd, report FROM src.runs;
        INSERT INTO requests (${OLD_REQUEST_COLUMNS}) SELECT ${OLD_REQUEST_COLUMNS} FROM src.requests ORDER BY seq;`);
      await db.exec('DETACH DATABASE src');
    }
  } finally {
    await db.close();
  }
}
