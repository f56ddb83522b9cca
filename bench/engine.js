// The engine (issue 3; SPEC §16 "throughput efficiency", "client overhead", "warm re-run").
//
// One loopback fake server (test/support/fake-openai.js) in its own process, so its CPU is
// never counted as a client's, with fixed latency L. Three clients send the same N documents
// (bench/corpus-many.js) rendered with the built-in summarize prompt at concurrency C, one
// after the other, each in its own process: `llmbatch summarize` (cold: --no-cache), LangChain's
// `ChatOpenAI.batch(…, {maxConcurrency: C})` and a plain `fetch` loop (bench/peer-client.js).
//
// efficiency = ideal / actual, ideal = ⌈N/C⌉ × L. "Process" figures time the whole spawned
// process (start-up and reading the files included: what a user waits for); "batch" figures
// time only the sending phase (llmbatch: its report's duration_ms; peers: around the batch).
//
// Client CPU per request = (user+sys of the client process − one start-up) / N, from wait4.
//
// Warm re-run: W documents into a fresh cache file (cold, latency L), then the same command
// again: every document must come from the cache (the server sees zero requests); once at
// C = 200 (the throughput setting: the fastest cold run) and once at the default -c 8 (the
// command as a user types it). Separately,
// a cold run against a latency-0 server measures completions per second that the cache and
// ledger writes sustain.
import fs from 'node:fs/promises';
import path from 'node:path';
import { buildManySmall } from './corpus-many.js';
import { cliEnv, failure, log, ROOT, run, runCli, startFakeServer, tempDir } from './lib.js';

const PEER = path.join(ROOT, 'bench/peer-client.js');

async function manyDocs(count) {
  return buildManySmall({ count, dir: `bench/.corpus/many-${count}` });
}

/** One `llmbatch summarize` run (concurrency null: the default); returns timings, CPU, the run report and the server's counts. */
async function llmbatchRun(server, dir, { concurrency, cache = null, stateDir }) {
  await server.reset();
  const out = path.join(stateDir, `out-${Date.now()}.jsonl`);
  const reportFile = path.join(stateDir, `report-${Date.now()}.json`);
  const args = ['summarize', dir, '--exclude', 'manifest.json', ...(concurrency ? ['-c', String(concurrency)] : []), '--base-url', server.baseURL,
    '-o', out, '--report', reportFile, ...(cache ? ['--cache', cache] : ['--no-cache'])];
  const res = await runCli(args, { env: cliEnv(stateDir) });
  const stats = await server.stats();
  let report = null;
  try {
    report = JSON.parse(await fs.readFile(reportFile, 'utf8'));
  } catch { /* reported as a failure below */ }
  await fs.rm(out, { force: true });
  return {
    client: 'llmbatch summarize', ok: res.code === 0 && report !== null, error: res.code === 0 ? (report ? null : 'no --report file') : failure(res),
    wallMs: res.wallMs, batchMs: report?.duration_ms ?? null, cpuMs: res.cpuMs, maxRssKb: res.maxRssKb,
    documents: report?.documents ?? null, server: { requests: stats.requests, completed: stats.completed, maxInFlight: stats.maxInFlight },
  };
}

async function peerRun(server, kind, dir, { concurrency, stateDir }) {
  await server.reset();
  const res = await run(process.execPath, [PEER, '--kind', kind, '--base-url', server.baseURL, '--dir', dir, '--concurrency', String(concurrency)],
    { env: cliEnv(stateDir) });
  const stats = await server.stats();
  let out = null;
  try {
    out = JSON.parse(res.stdout.trim().split('\n').pop());
  } catch { /* reported below */ }
  const ok = res.code === 0 && out !== null && out.failed === 0;
  return {
    client: kind === 'langchain' ? 'LangChain ChatOpenAI.batch' : 'plain fetch loop', ok,
    error: ok ? null : out ? `${out.failed} of ${out.n} failed, first: ${out.firstError}` : failure(res),
    wallMs: res.wallMs, batchMs: out?.batchMs ?? null, cpuMs: res.cpuMs, maxRssKb: res.maxRssKb,
    documents: out ? { total: out.n, done: out.ok, failed: out.failed } : null,
    server: { requests: stats.requests, completed: stats.completed, maxInFlight: stats.maxInFlight },
  };
}

const secs = (c) => `${(c.wallMs / 1000).toFixed(2)} s${c.ok ? '' : ` FAILED ${c.error}`}`;

export async function benchEngine({ quick = false, startupCpuMs = null, nodeCpuMs = null } = {}) {
  const N = quick ? 1000 : 5000;
  const W = quick ? 2000 : 10000;
  const C = 200;
  const L = 200;
  const idealMs = Math.ceil(N / C) * L;
  const stateDir = await tempDir();
  const servers = [];
  try {
    const docs = await manyDocs(N);
    const server = await startFakeServer({ latencyMs: L });
    servers.push(server);
    log(`engine: server ${server.baseURL} (latency ${L} ms), N=${N}, C=${C}, ideal ${idealMs} ms`);

    // Alternating rounds, the median run of each client: one shot on this shared, noisy machine
    // swung a client by ±10 % between runs (five rounds since 2026-11-28: three left the median
    // as noisy as the figure is close to its target).
    const rounds = quick ? 1 : 5;
    const runs = [[], [], []];
    for (let r = 0; r < rounds; r++) {
      runs[0].push(await llmbatchRun(server, docs.dir, { concurrency: C, stateDir }));
      runs[1].push(await peerRun(server, 'langchain', docs.dir, { concurrency: C, stateDir }));
      runs[2].push(await peerRun(server, 'fetch', docs.dir, { concurrency: C, stateDir }));
      log(`  round ${r + 1}: llmbatch ${secs(runs[0].at(-1))}, langchain ${secs(runs[1].at(-1))}, fetch ${secs(runs[2].at(-1))}`);
    }
    const clients = runs.map((rs) => {
      const sorted = [...rs].sort((a, b) => (a.ok ? a.wallMs : Infinity) - (b.ok ? b.wallMs : Infinity));
      return { ...sorted[Math.floor((sorted.length - 1) / 2)], rounds: rs.map((x) => x.wallMs) };
    });
    for (const c of clients) {
      c.efficiency = idealMs / c.wallMs;
      c.batchEfficiency = c.batchMs ? idealMs / c.batchMs : null;
      const base = c.client.startsWith('llmbatch') ? startupCpuMs : nodeCpuMs;
      c.cpuMsPerRequest = c.cpuMs === null ? null : (c.cpuMs - (base ?? 0)) / N;
    }
    const [ours, langchain] = clients;

    // Warm re-run over W documents through one fresh cache file.
    const warmDocs = await manyDocs(W);
    const cache = path.join(stateDir, 'warm', 'cache.sqlite');
    await fs.mkdir(path.dirname(cache), { recursive: true, mode: 0o700 });
    log(`  warm re-run: W=${W}, cold then warm through ${path.basename(cache)}`);
    const cold = await llmbatchRun(server, warmDocs.dir, { concurrency: C, cache, stateDir });
    log(`    cold ${(cold.wallMs / 1000).toFixed(2)} s${cold.ok ? '' : ` FAILED ${cold.error}`}`);
    const warm = await llmbatchRun(server, warmDocs.dir, { concurrency: C, cache, stateDir });
    log(`    warm ${(warm.wallMs / 1000).toFixed(2)} s, ${warm.server.requests} requests sent${warm.ok ? '' : ` FAILED ${warm.error}`}`);

    // The same pair with the tool's default concurrency (-c 8, SPEC §7): the re-run of the
    // command a user types. Its cold run takes ⌈W/8⌉ × L (250 s for W = 10,000).
    const cacheD = path.join(stateDir, 'warm-default', 'cache.sqlite');
    await fs.mkdir(path.dirname(cacheD), { recursive: true, mode: 0o700 });
    log(`  warm re-run at the default concurrency: cold (about ${Math.round(Math.ceil(W / 8) * L / 1000)} s) then warm`);
    const coldD = await llmbatchRun(server, warmDocs.dir, { concurrency: null, cache: cacheD, stateDir });
    log(`    cold ${(coldD.wallMs / 1000).toFixed(2)} s${coldD.ok ? '' : ` FAILED ${coldD.error}`}`);
    const warmD = await llmbatchRun(server, warmDocs.dir, { concurrency: null, cache: cacheD, stateDir });
    log(`    warm ${(warmD.wallMs / 1000).toFixed(2)} s, ${warmD.server.requests} requests sent${warmD.ok ? '' : ` FAILED ${warmD.error}`}`);
    const fullyCachedD = warmD.ok && warmD.server.requests === 0 && warmD.documents?.cached === W;

    // Completions per second sustained by cache + ledger writes: latency 0, fresh cache.
    const fast = await startFakeServer({ latencyMs: 0 });
    servers.push(fast);
    const cache0 = path.join(stateDir, 'zero', 'cache.sqlite');
    await fs.mkdir(path.dirname(cache0), { recursive: true, mode: 0o700 });
    const zero = await llmbatchRun(fast, warmDocs.dir, { concurrency: C, cache: cache0, stateDir });
    log(`    latency-0 cold ${(zero.wallMs / 1000).toFixed(2)} s${zero.ok ? '' : ` FAILED ${zero.error}`}`);

    const fullyCached = warm.ok && warm.server.requests === 0 && warm.documents?.cached === W;
    const warmRate = warm.ok ? W / (warm.wallMs / 1000) : null;
    const zeroRate = zero.ok ? W / (zero.wallMs / 1000) : null;
    const zeroBatchRate = zero.ok && zero.batchMs ? W / (zero.batchMs / 1000) : null;
    return {
      throughput: {
        N, C, latencyMs: L, idealMs, documents: docs.files, clients,
        target: { efficiency: 0.9, vsLangchain: 'no worse' },
        met: {
          efficiency: ours.ok && ours.efficiency >= 0.9,
          batchEfficiency: ours.ok && ours.batchEfficiency !== null && ours.batchEfficiency >= 0.9,
          vsLangchain: ours.ok && langchain.ok && ours.efficiency >= langchain.efficiency,
          vsLangchainBatch: ours.ok && langchain.ok && ours.batchEfficiency !== null && ours.batchEfficiency >= langchain.batchEfficiency,
        },
      },
      overhead: {
        N, startupCpuMs, nodeCpuMs,
        perRequest: clients.map((c) => ({ client: c.client, cpuMs: c.cpuMs, cpuMsPerRequest: c.cpuMsPerRequest })),
        target: { cpuMsPerRequest: 1.5 },
        met: ours.ok && ours.cpuMsPerRequest !== null && ours.cpuMsPerRequest <= 1.5,
      },
      warm: {
        W, C, latencyMs: L, cold, warm, fullyCached,
        ratio: cold.ok && warm.ok ? cold.wallMs / warm.wallMs : null,
        atDefault: {
          cold: coldD, warm: warmD, fullyCached: fullyCachedD,
          ratio: coldD.ok && warmD.ok ? coldD.wallMs / warmD.wallMs : null,
          met: { warmMs: fullyCachedD && warmD.wallMs < 3000, ratio: fullyCachedD && coldD.ok && coldD.wallMs / warmD.wallMs >= 20 },
        },
        latency0: zero,
        completionsPerSec: { warmRun: warmRate, latency0Cold: zeroRate, latency0ColdBatch: zeroBatchRate },
        target: { warmMs: 3000, ratio: 20, completionsPerSec: 2000 },
        met: {
          warmMs: fullyCached && warm.wallMs < 3000,
          ratio: fullyCached && cold.ok && cold.wallMs / warm.wallMs >= 20,
          completionsPerSecWarm: warmRate !== null && fullyCached && warmRate >= 2000,
          completionsPerSecCold: zeroRate !== null && zeroRate >= 2000,
        },
      },
    };
  } finally {
    for (const s of servers) await s.close();
    await fs.rm(stateDir, { recursive: true, force: true });
  }
}
