// BENCHMARKS.md from bench/.out/results.json: `(results) => string`, nothing else.
// `node bench/render.js [results.json]` re-renders BENCHMARKS.md without re-running anything.
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Measured by hand on 2026-11-27 (not re-run by `npm run bench`): where the gap to 0.9 is. */
const THROUGHPUT_ANALYSIS = [
  '**Where the rest goes** (measured by hand on 2026-11-27 against commits 5ca82e6, df62918, 0f936ed and 7b34658; these figures are not re-run by `npm run bench`):',
  '',
  '- Run to run, the sending-phase efficiency moves with the machine more than with small changes: today\'s engine runs since the feeder change gave 0.87 (17:00, 5ca82e6), 0.893 (17:23, df62918), 0.901 (17:42, 0f936ed), 0.87 (18:21, 9646463) and 0.88 (20:02, c14a0e5) and 0.85 (21:22, db71522), while the unchanged plain fetch loop gave 0.89, 0.899, 0.910, 0.88, 0.89 and 0.87 in the same runs (LangChain 0.74 at 20:02, 0.69 at 21:22). The table above is the last of these. The code between the last two did not change the figure measurably: HEAD against c14a0e5\'s successor 3e80f6c in alternating pairs gave B − A +73 ms (B faster in 4 of 10), then −126 ms (6 of 10).',
  '- Why the sending phase loses ~10% (by hand on 3e80f6c, 21:00, diagnostics_channel in client and server): the turnaround from a reply read to the next request created is short (median 0.6 ms, mean 2.1 ms) and the server holds each request 200.4 ms (p90 203.9), but a reply the server has finished waits **median 11 ms, p90 42 ms** before the client has read it: the main thread is busy (event-loop gaps over 8 ms add up to 3.5 s of a 6 s run). A closed queueing model — 200 requests cycling through a 200 ms delay and one server, the main thread, at ~0.9–1 ms each — predicts that wait: C = 200 sits near the knee (D + Z) / D ≈ 210–220, where every 0.1 ms of main-thread time per request costs more than linearly. In the steady state that time is the LangChain/OpenAI SDK path 14% (its header building on undici Headers ~28 µs per request, debug-log details it builds with logging off ~11 µs, AsyncCaller\'s p-retry/p-queue ~12 µs, the body\'s JSON.stringify), GC 10.5% (scavenges of 6–10 ms every ~75 ms: requests in flight survive two of them), node:http ~12%, writev 4%, llmbatch\'s engine 7%. A 64 MiB semi-space (`--max-semi-space-size=64`) made no difference in 3 runs each.',
  '- Changes are judged by alternating pairs, `node bench/ab.js --a OTHER/bin/llmbatch.js --pairs 10` (cold run above, ten pairs, A first in odd pairs and B first in even ones — the second run of a pair tends to be faster, by ~20 ms in one-document runs; the median of each side and in how many pairs B was faster). The feeder\'s 1 ms time slice (5ca82e6 against its parent): median 6.09 → 5.75 s, faster in 10 of 10 pairs measured A first; again with the order alternating: 6.10 → 5.78 s, faster in 10 of 10.',
  '- CPU by thread in one cold run (/proc/self/task at exit): main thread 4.7–5.0 s; V8\'s four background threads 1.7–1.8 s, mostly TurboFan — 352 functions optimised, 2.05 s of compile (`--trace-opt`); `--no-concurrent-recompilation` moves ~0.7 s of it onto the main thread; libuv threads (SQLite, files) ~0.27 s. The fake server: 1.67 s. Client and server together keep ~1.3 of the 2 cores busy on average and more in bursts.',
  '- The OpenAI SDK path (LangChain\'s completionWithRetry) against bare node:http with the same transport, in one process, 5,000 requests at C = 200, same files (`node bench/sdk-cost.js`): main-thread time 0.28 → 0.51–0.58 ms per request, efficiency 0.94–0.97 → 0.93–0.95. The pipeline without HTTP (an in-process provider that answers after 200 ms): main thread ~0.3 ms per request, efficiency 0.94–0.95.',
  '- Process wall, before the first request (measured on 7b34658 with temporary marks in a copy of dist/ and the request times from diagnostics_channel, three cold runs): the CLI entry module runs at ~137 ms after the process starts (node itself and the entry graph); the run command, its modules and the config are ready at ~310–327 ms; the cache and ledger open by ~330–345 ms; the provider module (the LangChain bundle) is evaluated at ~320–440 ms, when the first document misses; the first request leaves ~80 ms after the first call to the provider (the first ~200 documents take the cold request path together, interleaved through the microtask queue) — 400–500 ms after start; the 200th at 505–666 ms. (The plain fetch loop\'s efficiency by process wall, 0.80, is lower than llmbatch\'s: it reads all its files before it sends.)',
  '- Warm re-run: 1.36 s for 10,000 documents (by hand, 3 runs). A bare script that only reads and SHA-256s the same 10,000 files takes 0.22–0.30 s from process start, so 20× against the -c 200 cold run (~11 s, i.e. a warm run under ~0.55 s) is within reach of a bare loop but not of the pipeline: ~110 µs per document (reading ~23 µs in four system calls, the cache key ~15 µs of which JSON.stringify of a 2 KB prompt is 7–9 µs on Node 20\'s V8, the rest the document\'s pipeline, its ledger row and output line, and GC), plus ~0.25 s of start-up.',
  '- V8\'s optimising compiler in one cold run (`--trace-opt --trace-deopt`, 7b34658): 357 compiles, 1.65 s of background compile; the folder walk\'s generator was compiled 4 times (deoptimised on property shapes it had not seen), 170 ms of it.',
  '- The ceiling of this machine with this server (by hand, 2026-11-27 22:21, quiet): a bare node:http keep-alive loop, N = 5,000 at C = 200 against the same fake server at L = 200 ms, reaches efficiency 0.951 and 0.953 at 0.28 ms of CPU per request, beside llmbatch 0.85 and 0.86 (1.37 ms per request) in the same minutes. So the server and the machine allow 0.9; what llmbatch spends per request (LangChain/SDK, GC, its pipeline) is what keeps it below.',
  '- Kept on 2026-11-28 (alternating cold-run pairs, 8–10 each): LangChain\'s AsyncCaller bypassed — llmbatch owns concurrency and retries, so its p-queue job and a p-retry loop that never retried were pure cost (−62 ms, B faster in 6 of 8); the transport parsing each URL once and hanging one abort listener per request, removed on close, instead of http.request\'s `signal` option, which also attaches stream end-of-life listeners (−80 ms, 10 of 10); cache keys through crypto.hash (~2 µs a request). Tried that day and not kept: a light `Headers` class injected into the provider bundle in place of undici\'s (the OpenAI SDK builds two header objects a request; −25 ms, 6 of 10: noise), `--max-semi-space-size=32` for the main thread (scavenges 73 → 44 a run, wall unchanged), `--always-sparkplug` and `--no-lazy-feedback-allocation` (the first request left later).',
  '- Tried and not kept (alternating pairs): the provider on a worker thread (main thread busy 51% instead of 78%, but B slower by 170 ms, faster in 2 of 10 pairs: the two cores are the limit, not the main thread; tried again on 2026-11-27 at 22:24, 6 pairs on a loaded machine: sending phase medians 6.66 s threaded vs 6.61 s not, and its main thread idle 3.4 s of 6.4 s while the worker was busy 3.7 s — the replies then wait in the worker\'s queue instead); deferring each document\'s bookkeeping until after pending I/O (−26 ms, 6 of 10); more documents prepared ahead (C + 256 instead of max(C, 256): 0 ms, 4 of 10); V8 flags: a larger young generation (~2%, not settable at run time for the main thread), `--maglev` (2–3%, experimental in Node 20), a larger `--interrupt-budget` (slower); the whole CLI as one ES-module bundle with lazy chunks (a one-document run ~60 ms faster against ~40 ms for zod alone, both measured old build first, which favours the new one; zod alone, measured in both orders, is 21–24 ms faster and was kept: see the README); loading cli-progress, node:zlib and node:worker_threads only when needed (no clear change: the new build was faster in 18 of 30 pairs measured old-first and in 16 of 30 new-first, medians −24 ms and +5 ms).',
];

const MB = 1e6;
const s = (ms, d = 2) => (ms === null || ms === undefined ? '—' : `${(ms / 1000).toFixed(d)} s`);
const ms = (x, d = 0) => (x === null || x === undefined ? '—' : `${x.toFixed(d)} ms`);
const x2 = (x, d = 2) => (x === null || x === undefined ? '—' : x.toFixed(d));
/** An efficiency against its 0.9 target: three decimals where two would round across it (0.899 is not 0.90). */
const eff = (v) => (v === null || v === undefined ? '—' : v < 0.9 && v >= 0.895 ? v.toFixed(3) : v.toFixed(2));
const mib = (kb) => (kb === null || kb === undefined ? '—' : `${(kb / 1024).toFixed(0)} MiB`);
const int = (n) => (n === null || n === undefined ? '—' : Math.round(n).toLocaleString('en-US'));
const verdict = (ok) => (ok ? '**met**' : '**missed**');
const table = (head, rows) => [
  `| ${head.join(' | ')} |`,
  `| ${head.map((h, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
  ...rows.map((r) => `| ${r.join(' | ')} |`),
].join('\n');

function failed(sec) {
  return sec?.error ? `The benchmark itself failed: \`${sec.error}\`.\n` : null;
}

function startup(r) {
  const out = ['## Start-up', ''];
  if (!r) return [...out, 'Not run.', ''];
  if (r.error) return [...out, failed(r)];
  out.push(`Wall time of a spawned process, median of ${r.version.runsMs.length || 10} runs after one warm-up run; \`node -e 0\` is the floor this machine sets.`, '');
  out.push(table(['command', 'median', 'min', 'target'], [
    ['`node -e 0`', ms(r.node.medianMs), ms(r.node.minMs), ''],
    ['`llmbatch --version`', r.version.ok ? ms(r.version.medianMs) : `failed: ${r.version.error}`, ms(r.version.minMs), '< 150 ms'],
    [`\`llmbatch estimate <one ${(r.oneFile.bytes / 1024).toFixed(1)} KB file> --json\``, r.estimate.ok ? ms(r.estimate.medianMs) : `failed: ${r.estimate.error}`, ms(r.estimate.minMs), ''],
    ...(r.tiktoken ? [['floor of the above: `node -e` loading tiktoken, building o200k_base, counting the same file', r.tiktoken.ok ? ms(r.tiktoken.medianMs) : `failed: ${r.tiktoken.error}`, ms(r.tiktoken.minMs), '']] : []),
  ]));
  out.push('', `Target \`--version\` under 150 ms: ${verdict(r.met)} (${ms(r.version.medianMs)}). CPU of one \`--version\` start-up (user+sys, median of 5): ${ms(r.versionCpuMs)}; subtracted in the client-overhead figure.`, '');
  return out;
}

function estimate(r) {
  const out = ['## Token counting and memory (issue 2)', ''];
  if (!r) return [...out, 'Not run.', ''];
  if (r.error) return [...out, failed(r)];
  const mbs = (r.corpus.bytes / MB).toFixed(1);
  out.push(`Corpus: \`${r.corpus.dir}\` (bench/corpus.js), ${int(r.corpus.files)} files, ${mbs} MB of real prose. `
    + `Peer: ${r.peer.what} (the files are read beforehand, so the peer pays no I/O). `
    + `llmbatch: \`llmbatch estimate ${r.corpus.dir} --exclude manifest.json -m gpt-4o-mini --json\`, spawned, wall time from spawn to exit (start-up and reading the files included). `
    + `Peer and tool alternate, ${r.peer.runsMs.length} round(s); medians.`, '');
  const rows = [['tiktoken loop (peer)', s(r.peer.ms), '1.00', x2(r.peer.mbPerSec), '1.00×', '—']];
  const row = (label, t) => [label, s(t.wallMs), x2(t.cpuMs / t.wallMs), x2(t.mbPerSec), `${x2(t.ratio)}×`, mib(t.maxRssKb)];
  if (r.cli.ok) rows.push(row('`llmbatch estimate` (CLI)', r.cli));
  else rows.push(['`llmbatch estimate` (CLI)', `failed: ${r.cli.runs.find((x) => !x.ok)?.error}`, '', '', '', '']);
  if (r.core?.mbPerSec) rows.push(row('core `estimate()` in a child (fallback)', r.core));
  out.push(table(['counter', 'wall', 'cores used (CPU/wall)', 'MB/s', 'vs tiktoken', 'peak RSS'], rows), '');
  const best = r.cli.ok ? r.cli : null;
  out.push(`Target: counting throughput at least that of the single-threaded tiktoken loop, using both cores on a large corpus: ${verdict(best && best.ratio >= 1)}`
    + (best ? ` (${x2(best.ratio)}× at ${x2(best.cpuMs / best.wallMs)} cores busy).` : ` (the CLI failed${r.core?.ratio ? `; the counting core alone, run without the CLI, reaches ${x2(r.core.ratio)}×` : ''}).`), '');

  const t = r.tokens;
  out.push(`**Token totals.** tiktoken over all ${int(r.corpus.files)} files: ${int(t.peer)} tokens; the tool: ${int(t.tool)}. `
    + `The document walker skips \`node_modules\` folders and hidden entries by design (SPEC §2); ${t.skippedByDesign.length} corpus files lie under a nested \`node_modules\`, so the tool counts ${int(r.corpus.files - t.skippedByDesign.length)} documents, on which tiktoken's sum is ${int(t.peerWithoutSkipped)}: ${t.peerWithoutSkipped === t.tool ? '**equal** to the tool\'s total' : `**not equal** (off by ${int(t.tool - t.peerWithoutSkipped)})`}. `
    + (t.compared
      ? `Per file (${t.source}): ${int(t.equal)} of ${int(t.compared)} documents have exactly tiktoken's count, ${int(t.differingCount)} differ${t.missing.length ? `; ${t.missing.length} files have no row (${t.missing.length === t.skippedByDesign.length && t.missing.every((m) => t.skippedByDesign.includes(m)) ? 'exactly the node_modules files' : t.missing.slice(0, 5).join(', ')})` : ''}.`
      : `Per-file comparison unavailable: ${t.source}.`), '');
  if (t.differing?.length) out.push(table(['document', 'tiktoken', 'llmbatch'], t.differing.map((d) => [d.id, int(d.tiktoken), int(d.tool)])), '');

  out.push('**Peak RSS** (GNU time, maximum resident set size of the estimate process, worker threads included; for the small-file inputs the median of the runs listed in the note, sizes alternating):', '');
  const memRows = [];
  if (r.cli.maxRssKb) memRows.push([`${r.corpus.dir} (CLI)`, int(r.corpus.files), mbs, mib(r.cli.maxRssKb), '']);
  if (r.core?.maxRssKb) memRows.push([`${r.corpus.dir} (core fallback)`, int(r.corpus.files), mbs, mib(r.core.maxRssKb), '']);
  for (const m of r.memory) {
    const runs = m.runsKb?.length > 1 ? `runs: ${m.runsKb.map(mib).join(', ')}` : '';
    memRows.push([`${int(m.files)} small files (${m.via === 'cli' ? 'CLI' : 'core fallback'})`, int(m.files), (m.bytes / MB).toFixed(1), m.ok ? mib(m.maxRssKb) : `${mib(m.maxRssKb)} at failure`, m.ok ? runs : m.error]);
  }
  out.push(table(['input', 'files', 'MB', 'peak RSS', 'note'], memRows), '');
  const mem = memoryVerdict(r.memory);
  out.push(`Target: peak RSS does not grow with the number of files: ${verdict(mem.met)} (${mem.text}).`, '');
  return out;
}

/** Four times the files must cost less than 15% more peak RSS, on a run that succeeded. */
export function memoryVerdict(memory) {
  for (const via of ['cli', 'core']) {
    const runs = memory.filter((m) => m.via === via && m.ok);
    if (runs.length < 2) continue;
    const [a, b] = [runs[0], runs.at(-1)];
    const growth = b.maxRssKb / a.maxRssKb;
    const text = `${int(a.files)} → ${int(b.files)} files: ${mib(a.maxRssKb)} → ${mib(b.maxRssKb)}, ×${growth.toFixed(2)}${via === 'core' ? ', measured on the core fallback because the CLI failed' : ''}`;
    return { met: via === 'cli' && growth < 1.15, text, short: `${mib(a.maxRssKb)} → ${mib(b.maxRssKb)} (×${growth.toFixed(2)})` };
  }
  return { met: false, text: 'no successful runs to compare', short: '—' };
}

function engine(r) {
  const out = [];
  out.push('## Throughput (issue 3)', '');
  if (!r) return [...out, 'Not run.', ''];
  if (r.error) return [...out, failed(r)];
  const t = r.throughput;
  out.push(`Loopback fake OpenAI server (test/support/fake-openai.js) in its own process, fixed latency L = ${t.latencyMs} ms; N = ${int(t.N)} documents (bench/corpus-many.js, 1–3 KB each) with the built-in summarize prompt; C = ${t.C}. `
    + `Ideal = ⌈N/C⌉ × L = ${s(t.idealMs)}. Each client runs in its own process, one after the other, against the same server. `
    + '"Process" = spawn to exit (start-up and reading the files included: what a user waits for); "batch" = the sending phase only (llmbatch: its report\'s duration_ms; the peers read their files before it). '
    + `Each client ran ${t.clients[0].rounds?.length ?? 1} time(s), alternating; the table shows each client's median run (all process walls: ${t.clients.map((c) => `${c.client.split(' ')[0]} ${(c.rounds ?? [c.wallMs]).map((w) => s(w)).join(', ')}`).join('; ')}).`, '');
  out.push(table(['client', 'process wall', 'efficiency', 'batch phase', 'batch efficiency', 'max in flight', 'done'], t.clients.map((c) => [
    c.client, c.ok ? s(c.wallMs) : `failed: ${c.error}`, eff(c.efficiency), s(c.batchMs), eff(c.batchEfficiency), int(c.server.maxInFlight),
    c.documents ? `${int(c.documents.done)}/${int(c.documents.total)}` : '—',
  ])), '');
  const [ours, lc] = t.clients;
  out.push(`Targets: efficiency ≥ 0.9 — in the sending phase (what ⌈N/C⌉ × L models): ${verdict(t.met.batchEfficiency)} (${eff(ours.batchEfficiency)}); `
    + `by process wall, start-up included: ${verdict(t.met.efficiency)} (${eff(ours.efficiency)}). `
    + `No worse than LangChain's batch: sending phase ${verdict(t.met.vsLangchainBatch)} (${eff(ours.batchEfficiency)} vs ${eff(lc.batchEfficiency)}), `
    + `process wall ${verdict(t.met.vsLangchain)} (${eff(ours.efficiency)} vs ${eff(lc.efficiency)}).`, '');
  out.push(...THROUGHPUT_ANALYSIS, '');

  const o = r.overhead;
  out.push('## Client overhead (issue 3)', '');
  out.push(`CPU (user+sys from wait4, worker threads included) of each client process in the throughput run above, minus one start-up `
    + `(llmbatch: \`llmbatch --version\`, ${ms(o.startupCpuMs)}; peers: \`node -e 0\`, ${ms(o.nodeCpuMs)}), divided by N = ${int(o.N)}. The fake server's CPU is in another process and not counted. `
    + 'For llmbatch this includes reading, rendering and tokenizing each document, the ledger and the output file (this run uses --no-cache).', '');
  out.push(table(['client', 'CPU total', 'CPU ms per request'], o.perRequest.map((p) => [p.client, s(p.cpuMs), x2(p.cpuMsPerRequest)])), '');
  out.push(`Target ≤ 1.5 ms per request: ${verdict(o.met)} (${x2(o.perRequest[0].cpuMsPerRequest)} ms).`, '');

  const w = r.warm;
  out.push('## Warm re-run (issue 3)', '');
  out.push(`W = ${int(w.W)} documents: a cold run (latency ${w.latencyMs} ms) fills a fresh cache file, then the same command runs again; once at C = ${w.C} (the throughput setting, the fastest cold run) and once at the default concurrency (-c 8: the command as a user types it), each pair with its own cache file. `
    + `Fully cached: ${w.fullyCached ? `yes (${int(w.warm.documents?.cached)} cached, ${int(w.warm.server.requests)} requests reached the server)` : `**no** (${w.warm.documents ? `${int(w.warm.documents.cached)} cached` : 'no report'}, ${int(w.warm.server?.requests)} requests reached the server)`}. `
    + 'A third run, cold into another fresh cache against a latency-0 server, measures the completions per second the cache and ledger writes sustain.', '');
  const run = (label, x) => [label, x.ok ? s(x.wallMs) : `failed: ${x.error}`, s(x.batchMs), s(x.cpuMs), mib(x.maxRssKb), x.documents ? `${int(x.documents.done)} done, ${int(x.documents.cached)} cached` : '—', int(x.server?.requests)];
  const d = w.atDefault;
  out.push(table(['run', 'process wall', 'batch phase', 'CPU', 'peak RSS', 'documents', 'requests to server'], [
    run(`cold, -c ${w.C} (latency ${w.latencyMs} ms)`, w.cold), run('warm (same command)', w.warm),
    ...(d ? [run(`cold, default -c 8 (latency ${w.latencyMs} ms)`, d.cold), run('warm (same command)', d.warm)] : []),
    run(`cold, -c ${w.C}, latency 0`, w.latency0),
  ]), '');
  const c = w.completionsPerSec;
  out.push(`- Warm re-run under 3 s: ${verdict(w.met.warmMs)} (${s(w.warm.wallMs)}${d ? `; ${s(d.warm.wallMs)} for the default-concurrency pair` : ''}).`);
  out.push(`- At least 20× faster than the cold run: against the cold run at -c ${w.C} ${verdict(w.met.ratio)} (${x2(w.ratio, 1)}×)`
    + (d ? `; against the same command at the default concurrency ${verdict(d.met.ratio)} (${x2(d.ratio, 1)}×, fully cached: ${d.fullyCached ? 'yes' : '**no**'}).` : '.'));
  out.push(`- Cache and ledger sustain ≥ 2,000 completions/s: warm run (ledger writes, cache reads) ${int(c.warmRun)}/s ${verdict(w.met.completionsPerSecWarm)}; `
    + `cold at latency 0 (cache and ledger writes, HTTP included) ${int(c.latency0Cold)}/s by process wall, ${int(c.latency0ColdBatch)}/s in the batch phase ${verdict(w.met.completionsPerSecCold)}.`, '');
  return out;
}

function compareSection(r) {
  const out = ['## Offline compare (issue 4)', ''];
  if (!r) return [...out, 'Not run.', ''];
  if (r.error) return [...out, failed(r)];
  out.push(`bench/compare.js: \`llmbatch compare CORPUS --exclude manifest.json -p summarize -p bullets -p extract-json --json\` (3 variants) against \`llmbatch estimate CORPUS --exclude manifest.json -p summarize --json\`, over the same ${int(r.files)}-file, ${(r.bytes / MB).toFixed(1)} MB corpus, alternating rounds, medians. The summarize variant's input tokens equal estimate's: ${r.tokens.estimate === r.tokens.compareSummarize ? 'yes' : '**no**'} (${int(r.tokens.estimate)}).`, '');
  out.push(table(['command', 'wall (median)'], [['estimate -p summarize', s(r.estimateMs)], ['compare, 3 prompts', s(r.compareMs)]]), '');
  out.push(`Target "about the time of one estimate" (here: within 1.3×): ${verdict(r.met)} (${x2(r.ratio)}×).`, '');
  return out;
}

function stores(r) {
  const out = ['## Cache and ledger writes (issue 3)', ''];
  if (!r) return [...out, 'Not run.', ''];
  if (r.error) return [...out, failed(r)];
  out.push(`bench/stores.js: ${int(r.N)} completions written through \`CompletionCache.put\` and \`Ledger.record\` (the calls the runner makes; both batch rows into one SQLite statement per batch) on real files, flushed; then the ${int(r.N)} keys read back through \`CompletionCache.get\` (${int(r.hits)} hits).`, '');
  out.push(table(['what', 'time', 'per second'], [
    ['write (cache + ledger)', s(r.writeMs), int(r.writesPerSec)],
    ['read (cache)', s(r.readMs), int(r.readsPerSec)],
  ]), '');
  out.push(`Target ≥ 2,000 completions/s: ${verdict(r.met)} (${int(r.writesPerSec)}/s).`, '');
  return out;
}

function compression(r) {
  const out = ['## Compression (issue 5)', ''];
  if (!r) return [...out, 'Not run.', ''];
  if (r.error) return [...out, failed(r)];
  if (r.skipped) return [...out, r.skipped, ''];
  const r0 = r.rows[0];
  out.push(`bench/compression.js over the same corpus: ${int(r0.documents)} documents, ${(r0.bytes / MB).toFixed(1)} MB, o200k_base tokens; "kept" = mean share of numbers / capitalised terms that survive; columns as bench/compression.js defines them (its header comment says how each is measured).`, '');
  out.push(r.table ?? table(Object.keys(r0), r.rows.map((row) => Object.values(row).map(String))), '');
  return out;
}

export function render(r) {
  const m = r.machine;
  const lines = [
    '# Benchmarks',
    '',
    'Figures of SPEC §16, produced by one command and measured side by side in one run: this machine is shared and',
    'noisy, so the ratios between a figure and its peer (or its ideal) mean more than absolute times. Everything talks',
    'only to 127.0.0.1. Raw figures: `bench/.out/results.json`. Re-rendering without re-running: `node bench/render.js`.',
    'Where the time goes: `node bench/profile.js cold warm estimate` (CPU profiles of the spawned CLI, summarised per',
    'function with file:line). promptfoo, which SPEC §16 also names as a peer, is not a dependency here and is not measured.',
    '',
    '```',
    r.command,
    '```',
    '',
    `Machine: ${m.cores} cores (${m.cpu}), ${m.memGb} GB RAM, ${m.platform}, Node ${m.node}; run on ${m.date.slice(0, 16).replace('T', ' ')} UTC, load average (1/5/15 min) ${m.loadavg.join(' / ')} at the start${r.loadavgAtEnd ? ` and ${r.loadavgAtEnd.join(' / ')} at the end` : ''} (other engineers build and test on the same 2 cores); the whole run took ${Math.round(r.totalSeconds)} s. `
      + `Code measured: \`dist/\` built from commit ${m.git?.head ?? '?'}${m.git?.dirtySrcFiles ? ` plus uncommitted changes in ${m.git.dirtySrcFiles} src/ files (other engineers' work in progress)` : ''}.`,
    '',
    ...[r.partialRerun ?? []].flat().map((p) => `Sections re-run later on their own (\`${p.sections.join('`, `')}\`) at ${p.at.slice(0, 16).replace('T', ' ')} UTC on \`dist/\` built from commit ${p.machine.git?.head ?? '?'}, load average ${p.machine.loadavg.join(' / ')}; the other sections are from the full run above.\n`),
    ...summary(r),
    ...estimate(r.estimate),
    ...startup(r.startup),
    ...engine(r.engine),
    ...compareSection(r.compare),
    ...stores(r.stores),
    ...compression(r.compression),
  ];
  return `${lines.filter((l) => l !== null).join('\n').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}

function summary(r) {
  const rows = [];
  const e = r.estimate;
  if (e && !e.error) {
    rows.push(['token counting vs tiktoken loop', '≥ 1.0×', e.cli.ok ? `${x2(e.cli.ratio)}×` : 'CLI failed', e.cli.ok && e.cli.ratio >= 1]);
    const mem = memoryVerdict(e.memory);
    rows.push(['peak RSS vs number of files', 'flat (< +15% for 4× the files)', mem.short, mem.met]);
  }
  const st = r.startup;
  if (st && !st.error) rows.push(['`--version` start-up', '< 150 ms', ms(st.version.medianMs), st.met]);
  const g = r.engine;
  if (g && !g.error) {
    const [ours, lc] = g.throughput.clients;
    rows.push(['throughput efficiency (N=' + int(g.throughput.N) + ', C=200, L=200 ms), sending phase', '≥ 0.9', eff(ours.batchEfficiency), g.throughput.met.batchEfficiency]);
    rows.push(['… by process wall (start-up included)', '≥ 0.9', eff(ours.efficiency), g.throughput.met.efficiency, STRICTER]);
    rows.push(['… vs LangChain `.batch()` (sending phase / process wall)', '≥ LangChain', `${eff(ours.batchEfficiency)} vs ${eff(lc.batchEfficiency)} / ${eff(ours.efficiency)} vs ${eff(lc.efficiency)}`, g.throughput.met.vsLangchain && g.throughput.met.vsLangchainBatch]);
    rows.push(['client CPU per request', '≤ 1.5 ms', `${x2(g.overhead.perRequest[0].cpuMsPerRequest)} ms`, g.overhead.met]);
    rows.push([`warm re-run (${int(g.warm.W)} docs)`, '< 3 s', s(g.warm.warm.wallMs), g.warm.met.warmMs]);
    rows.push([`cold / warm, cold at -c ${g.warm.C}`, '≥ 20×', `${x2(g.warm.ratio, 1)}×`, g.warm.met.ratio, STRICTER]);
    if (g.warm.atDefault) rows.push(['cold / warm, same command at the default -c 8', '≥ 20×', `${x2(g.warm.atDefault.ratio, 1)}×`, g.warm.atDefault.met.ratio]);
    rows.push(['completions/s (warm run)', '≥ 2,000/s', int(g.warm.completionsPerSec.warmRun), g.warm.met.completionsPerSecWarm]);
    rows.push(['completions/s (cold, latency 0)', '≥ 2,000/s', int(g.warm.completionsPerSec.latency0Cold), g.warm.met.completionsPerSecCold]);
  }
  if (r.compare && !r.compare.error) rows.push(['offline compare ×3 vs one estimate', '≈ 1× (≤ 1.3×)', `${x2(r.compare.ratio)}×`, r.compare.met]);
  if (r.stores && !r.stores.error) rows.push(['cache + ledger writes (direct)', '≥ 2,000/s', int(r.stores.writesPerSec), r.stores.met]);
  if (rows.length === 0) return [];
  const note = rows.some((r) => r[4] === STRICTER) ? [READINGS, ''] : [];
  return ['## Summary', '', table(['figure', 'target', 'measured', 'verdict'], rows.map(([a, b, c, d, e]) => [a, b, c, d ? 'met' : e === STRICTER ? 'missed (stricter reading)' : '**missed**'])), '', ...note];
}

const STRICTER = 'stricter';
/** Issue 3 names its targets without saying which clock or which cold run; how they are read here (also in the README). */
const READINGS = '**How issue 3\'s targets are read** (decided on 2026-11-28; both readings stay in the table). '
  + 'Efficiency is ideal ⌈N/C⌉ × L over the *sending phase*: that ideal models sending N requests C at a time and nothing else, and the peers are timed the same way '
  + '(LangChain after its import, the fetch loop after reading its files; llmbatch\'s phase is the stricter one: it includes reading the documents and loading LangChain); by process wall, which adds node\'s and the CLI\'s start-up, no client here reaches 0.9 '
  + '(the bare fetch loop 0.78–0.82 in the runs of 2026-11-28). "At least 20× faster than the cold run" is read against the cold run of the *same command* '
  + '(the default concurrency, as a user re-runs it): against the -c 200 cold run, which is itself within ~10% of the ideal, 20× would ask '
  + 'for a 10,000-document warm run under ~0.55 s, and the separate "under 3 s" target would then say nothing. Rows marked "stricter reading" are the other readings, kept visible.';

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const file = process.argv[2] ?? path.join(root, 'bench/.out/results.json');
  const results = JSON.parse(await fs.readFile(file, 'utf8'));
  await fs.writeFile(path.join(root, 'BENCHMARKS.md'), render(results));
}
