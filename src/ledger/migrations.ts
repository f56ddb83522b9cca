/**
 * Named, append-only migrations. Never edit or reorder an applied one: add a new one.
 * Each runs once, in its own transaction, and is recorded in `migrations`.
 */
export const MIGRATIONS: readonly { name: string; sql: string }[] = [
  {
    name: '001_runs_requests',
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        command TEXT NOT NULL,
        status TEXT NOT NULL,
        documents INTEGER NOT NULL DEFAULT 0,
        cost_usd REAL,
        report TEXT
      );
      CREATE TABLE requests (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        prompt TEXT NOT NULL,
        model TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'main',
        cached INTEGER NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cached_input_tokens INTEGER NOT NULL DEFAULT 0,
        cost_usd REAL,
        saved_usd REAL,
        latency_ms REAL NOT NULL,
        attempts INTEGER NOT NULL,
        chunks INTEGER NOT NULL DEFAULT 1,
        status TEXT NOT NULL,
        error_code TEXT,
        doc_tokens_before INTEGER,
        doc_tokens_after INTEGER,
        created_at TEXT NOT NULL
      );
      CREATE INDEX requests_run ON requests(run_id);
      CREATE INDEX requests_prompt_model ON requests(prompt, model, status);
    `,
  },
  {
    // compare's output history matches a prompt's text, not only its name (prompt/hash.ts).
    // Rows recorded before have NULL: their text is unknown, so they match no prompt.
    name: '002_requests_prompt_hash',
    sql: `
      ALTER TABLE requests ADD COLUMN prompt_hash TEXT;
      CREATE INDEX requests_prompt_hash_model ON requests(prompt_hash, model, status);
    `,
  },
];
