/**
 * compare's output history matches a prompt's text (prompt_hash, migration 002), not its name.
 * A ledger written before that migration must open, migrate and keep working; its rows have no
 * hash, so they estimate nothing (their prompt's text is unknown).
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { openDb } from '../../src/ledger/sqlite.js';
import { Ledger } from '../../src/ledger/index.js';
import { promptHash, type PromptTemplate } from '../../src/prompt/index.js';
import type { UsageRecord } from '../../src/report/types.js';
import { tempDir } from '../support/cli.js';
import { writeOldLedger } from '../support/old-ledger.js';

const OLD_REPORT = { run_id: 'old-run', documents: { total: 2, done: 2, failed: 0, skipped: 0, cached: 0 } };

async function oldLedger(): Promise<string> {
  const path = join(tempDir(), 'ledger.sqlite');
  await writeOldLedger(path);
  const db = await openDb(path);
  await db.run("INSERT INTO runs VALUES ('old-run', '2025-01-01T00:00:00Z', '2025-01-01T00:01:00Z', 'llmbatch run', 'done', 2, 0.01, ?)", JSON.stringify(OLD_REPORT));
  for (const [doc, out] of [['a.md', 300], ['b.md', 500]] as const) {
    await db.run(`INSERT INTO requests (run_id, doc_id, prompt, model, kind, cached, input_tokens, output_tokens, cost_usd, saved_usd,
      latency_ms, attempts, status, created_at) VALUES ('old-run', ?, 'summary', 'gpt-4o-mini', 'main', 0, 100, ?, 0.005, 0, 10, 1, 'ok', '2025-01-01T00:00:30Z')`, doc, out);
  }
  await db.close();
  return path;
}

const summary: PromptTemplate = { name: 'summary', user: 'Summarize in one line:\n\n{{document}}' };

function usage(id: string, prompt: PromptTemplate, output: number): UsageRecord {
  return {
    id, model: 'gpt-4o-mini', prompt: prompt.name, prompt_hash: promptHash(prompt), status: 'ok', cached: false,
    input_tokens: 100, output_tokens: output, cached_input_tokens: 0, cost_usd: 0.001, saved_usd: 0, latency_ms: 5, attempts: 1, chunks: 1,
  };
}

describe('a ledger written before prompt hashes (migration 002)', () => {
  it('opens and migrates once; its runs still report; its rows match no prompt; new rows match by text', async () => {
    const path = await oldLedger();
    const ledger = await Ledger.open(path);
    try {
      expect((await ledger.listRuns()).map((r) => r.id)).toEqual(['old-run']);
      expect(await ledger.getReport('last')).toEqual(OLD_REPORT);
      expect((await ledger.requests('old-run')).map((r) => [r.id, r.prompt, r.output_tokens])).toEqual([['a.md', 'summary', 300], ['b.md', 'summary', 500]]);
      // Same name as the old rows, but their text is unknown: no history.
      expect([...(await ledger.outputHistory())]).toEqual([]);

      await ledger.startRun('new-run', 'llmbatch run', new Date().toISOString());
      ledger.record('new-run', usage('a.md', summary, 20));
      ledger.record('new-run', usage('b.md', summary, 40));
      ledger.record('new-run', usage('c.md', { ...summary, user: 'Summarize in detail:\n\n{{document}}' }, 900));
      await ledger.flush();
      const history = await ledger.outputHistory();
      expect(history.get(`${promptHash(summary)}\0gpt-4o-mini`)).toEqual({ mean: 30, samples: 2 });
      expect(history.size).toBe(2);

      // Re-runs served from the cache repeat b.md's answer: not new samples of the model's output.
      for (const run of ['rerun-1', 'rerun-2', 'rerun-3']) {
        await ledger.startRun(run, 'llmbatch run', new Date().toISOString());
        ledger.record(run, { ...usage('b.md', summary, 40), cached: true, cost_usd: 0 });
      }
      await ledger.flush();
      expect((await ledger.outputHistory()).get(`${promptHash(summary)}\0gpt-4o-mini`)).toEqual({ mean: 30, samples: 2 });
    } finally {
      await ledger.close();
    }

    const db = await openDb(path);
    try {
      expect((await db.all<{ name: string }>('SELECT name FROM migrations ORDER BY name')).map((m) => m.name))
        .toEqual(['001_runs_requests', '002_requests_prompt_hash']);
      expect(await db.all('SELECT doc_id, prompt_hash FROM requests WHERE run_id = ? ORDER BY seq', 'old-run'))
        .toEqual([{ doc_id: 'a.md', prompt_hash: null }, { doc_id: 'b.md', prompt_hash: null }]);
    } finally {
      await db.close();
    }
    // Opening it again applies nothing twice.
    await (await Ledger.open(path)).close();
  });
});
