// The cache and the ledger alone (issue 3: "sustain at least 2,000 completions per second"):
// N completions written through the same calls the runner makes — CompletionCache.put (buffered,
// one statement per batch) and Ledger.record (likewise) — then flushed, on real SQLite files in a
// fresh temp folder; then the same N keys read back through CompletionCache.get (batched per tick).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './lib.js';

export async function benchStores({ quick = false } = {}) {
  const N = quick ? 5000 : 20000;
  const { CompletionCache } = await import(path.join(ROOT, 'dist/cache/index.js'));
  const { Ledger } = await import(path.join(ROOT, 'dist/ledger/index.js'));
  const dir = mkdtempSync(path.join(tmpdir(), 'llmbatch-bench-stores-'));
  try {
    const cache = await CompletionCache.open(path.join(dir, 'cache.sqlite'));
    const ledger = await Ledger.open(path.join(dir, 'ledger.sqlite'));
    await ledger.startRun('bench', 'bench', new Date().toISOString());
    const usage = { input_tokens: 812, output_tokens: 96, cached_input_tokens: 0 };
    const content = 'A summary of about the length a real one has. '.repeat(8);
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      cache.put(`v2:${String(i).padStart(64, '0')}`, { content, finish_reason: 'stop', usage, model: 'gpt-4o-mini', created_at: Date.now(), latency_ms: 200 });
      ledger.record('bench', { id: `docs/doc-${i}.md`, model: 'gpt-4o-mini', prompt: 'summarize', status: 'ok', cached: false, ...usage, cost_usd: 0.0002, saved_usd: 0, latency_ms: 200, attempts: 1, chunks: 1 });
      if (i % 200 === 199) await new Promise((r) => setImmediate(r)); // as a run does: other work between completions
    }
    await cache.flush();
    await ledger.flush();
    const writeMs = performance.now() - t0;
    const t1 = performance.now();
    const hits = await Promise.all(Array.from({ length: N }, (_, i) => cache.get(`v2:${String(i).padStart(64, '0')}`)));
    const readMs = performance.now() - t1;
    await cache.close();
    await ledger.close();
    const writesPerSec = N / (writeMs / 1000);
    return { N, writeMs, readMs, writesPerSec, readsPerSec: N / (readMs / 1000), hits: hits.filter(Boolean).length, met: writesPerSec >= 2000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
