// Token counting and memory (issue 2; SPEC §16 "token counting", "memory").
//
// Throughput: `llmbatch estimate CORPUS --json` spawned (reading the files included; the tool
// moves counting to worker threads once the corpus is large) against the peer, a plain
// single-threaded tiktoken `encode_ordinary` loop over the same files already in memory (so
// the peer pays no I/O: the comparison is strict). Runs alternate peer/CLI so drift on this
// shared machine hits both alike; medians are reported.
//
// Agreement: one extra `--by-file` run gives the tool's count per document, compared file by
// file with the peer's. The walker skips `node_modules` folders by design (SPEC §2), and the
// npm part of the corpus has a few files under nested node_modules: those are listed, not
// counted as disagreements.
//
// Memory: peak RSS (GNU time, wait4 rusage) of the estimate process over the corpus and over
// 5,000 and 20,000 small files (bench/corpus-many.js).
//
// When the spawned CLI fails, its failure is the reported result (target missed) and the same
// figures are also taken from bench/estimate-child.js, which calls the same core function.
import path from 'node:path';
import fs from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { get_encoding } from 'tiktoken';
import { buildCorpus } from './corpus.js';
import { buildManySmall } from './corpus-many.js';
import { cliEnv, failure, log, MB, median, ROOT, run, runCli, tempDir } from './lib.js';

const CHILD = path.join(ROOT, 'bench/estimate-child.js');
const MODEL = 'gpt-4o-mini';

/** Skipped by the document walker by design: hidden entries and node_modules folders. */
const walkerSkips = (rel) => rel.split('/').slice(0, -1).some((seg) => seg === 'node_modules' || seg.startsWith('.'))
  || path.basename(rel).startsWith('.');

async function estimateRun(dir, state, { byFile = false, via = 'cli' } = {}) {
  const args = [dir, '--exclude', 'manifest.json', '-m', MODEL];
  const res = via === 'cli'
    ? await runCli(['estimate', ...args, '--json', ...(byFile ? ['--by-file'] : [])], { env: cliEnv(state) })
    : await run(process.execPath, [CHILD, ...args, ...(byFile ? ['--by-file'] : [])], { env: cliEnv(state) });
  let json = null;
  if (res.code === 0) {
    try {
      json = JSON.parse(res.stdout);
    } catch {
      res.code = -1;
      res.stderr += '\nstdout is not JSON';
    }
  }
  return { via, ok: res.code === 0, error: res.code === 0 ? null : failure(res), wallMs: res.wallMs, cpuMs: res.cpuMs, maxRssKb: res.maxRssKb, json };
}

function peerCount(enc, texts) {
  const t0 = performance.now();
  let tokens = 0;
  for (const t of texts) tokens += enc.encode_ordinary(t).length;
  return { tokens, ms: performance.now() - t0 };
}

export async function benchEstimate({ quick = false } = {}) {
  const state = await tempDir();
  try {
    const corpus = await buildCorpus();
    const rels = corpus.paths;
    const tRead = performance.now();
    const texts = await Promise.all(rels.map((p) => fs.readFile(path.join(corpus.dir, p), 'utf8')));
    const readMs = performance.now() - tRead;
    const bytes = texts.reduce((a, t) => a + Buffer.byteLength(t), 0);
    const enc = get_encoding('o200k_base');
    const reps = quick ? 1 : 3;

    log(`estimate: corpus ${rels.length} files, ${(bytes / MB).toFixed(1)} MB; ${reps} alternating rounds of tiktoken loop / llmbatch estimate`);
    peerCount(enc, texts.slice(0, 50)); // warm the WASM and the JIT before timing
    const peer = [];
    const cli = [];
    for (let i = 0; i < reps; i++) {
      peer.push(peerCount(enc, texts));
      cli.push(await estimateRun(corpus.dir, state));
      log(`  round ${i + 1}: tiktoken ${(peer.at(-1).ms / 1000).toFixed(2)} s, llmbatch ${(cli.at(-1).wallMs / 1000).toFixed(2)} s${cli.at(-1).ok ? '' : ` FAILED ${cli.at(-1).error}`}`);
    }
    const cliOk = cli.every((r) => r.ok);
    const fallback = [];
    if (!cliOk) {
      log('  the CLI failed: measuring the same core through bench/estimate-child.js as well');
      for (let i = 0; i < reps; i++) fallback.push(await estimateRun(corpus.dir, state, { via: 'core' }));
    }

    // Per-file agreement.
    const perFile = texts.map((t) => enc.encode_ordinary(t).length);
    enc.free();
    const peerTokens = perFile.reduce((a, b) => a + b, 0);
    const skippedByDesign = rels.filter(walkerSkips);
    const agreement = await agree(corpus.dir, state, rels, perFile, cliOk ? 'cli' : 'core');

    const peerMs = median(peer.map((p) => p.ms));
    const throughput = (runs) => {
      const good = runs.filter((r) => r.ok);
      if (good.length === 0) return null;
      const ms = median(good.map((r) => r.wallMs));
      const mbps = bytes / MB / (ms / 1000);
      return { wallMs: ms, cpuMs: median(good.map((r) => r.cpuMs)), mbPerSec: mbps, ratio: mbps / (bytes / MB / (peerMs / 1000)), maxRssKb: Math.max(...good.map((r) => r.maxRssKb)) };
    };

    // Memory over many small files: sizes alternate, 3 runs each (one run swung by ±10 %), the
    // median peak of the successful runs is reported.
    const counts = quick ? [1000, 4000] : [5000, 20000];
    const memRounds = quick ? 1 : 3;
    const viaList = cliOk ? ['cli'] : ['cli', 'core'];
    const corpora = new Map();
    for (const count of counts) corpora.set(count, await buildManySmall({ count, dir: `bench/.corpus/many-${count}` }));
    const memRuns = new Map();
    for (let round = 0; round < memRounds; round++) {
      for (const count of counts) {
        for (const via of viaList) {
          const r = await estimateRun(corpora.get(count).dir, state, { via });
          const key = `${count}\0${via}`;
          memRuns.set(key, [...(memRuns.get(key) ?? []), r]);
          log(`  ${count} small files via ${via}: peak RSS ${r.maxRssKb ? (r.maxRssKb / 1024).toFixed(0) : '?'} MB${r.ok ? '' : ` FAILED ${r.error}`}`);
        }
      }
    }
    const memory = [];
    for (const count of counts) {
      for (const via of viaList) {
        const runs = memRuns.get(`${count}\0${via}`);
        const good = runs.filter((r) => r.ok);
        const last = runs.at(-1);
        memory.push({
          files: count, bytes: corpora.get(count).bytes, via, ok: good.length > 0, error: good.length ? null : last.error,
          wallMs: good.length ? median(good.map((r) => r.wallMs)) : last.wallMs,
          maxRssKb: good.length ? median(good.map((r) => r.maxRssKb)) : last.maxRssKb,
          runsKb: runs.map((r) => r.maxRssKb), documents: good[0]?.json?.documents ?? null,
        });
      }
    }

    return {
      corpus: { dir: path.relative(ROOT, corpus.dir), files: rels.length, bytes, readMs },
      peer: { what: 'tiktoken o200k_base encode_ordinary, one thread, texts in memory', runsMs: peer.map((p) => p.ms), ms: peerMs, mbPerSec: bytes / MB / (peerMs / 1000), tokens: peerTokens },
      cli: { runs: cli.map(({ json: _j, ...r }) => r), ok: cliOk, ...throughput(cli) },
      core: fallback.length ? { runs: fallback.map(({ json: _j, ...r }) => r), ...throughput(fallback) } : null,
      tokens: {
        peer: peerTokens,
        peerWithoutSkipped: perFile.reduce((a, n, i) => (walkerSkips(rels[i]) ? a : a + n), 0),
        tool: firstTokens(cli) ?? firstTokens(fallback),
        skippedByDesign,
        ...agreement,
      },
      memory,
    };
  } finally {
    await fs.rm(state, { recursive: true, force: true });
  }
}

const firstTokens = (runs) => runs.find((r) => r.ok)?.json?.models?.[0]?.input_tokens ?? null;

/** Compare the tool's per-document counts (`--by-file`) with tiktoken's per file. */
async function agree(dir, state, rels, perFile, via) {
  const r = await estimateRun(dir, state, { byFile: true, via });
  if (!r.ok || !r.json.by_file) return { source: `${via} --by-file failed: ${r.error ?? 'no by_file rows'}`, compared: 0, equal: 0, differing: [], differingCount: 0, missing: [], extra: 0 };
  const byId = new Map(r.json.by_file.map((row) => [row.id, row.tokens]));
  const source = via === 'cli' ? 'llmbatch estimate --by-file' : 'core estimate() with byFile (CLI failed)';
  const differing = [];
  const missing = [];
  let equal = 0;
  rels.forEach((rel, i) => {
    const tool = byId.get(rel);
    if (tool === undefined) missing.push(rel);
    else if (tool === perFile[i]) equal++;
    else differing.push({ id: rel, tiktoken: perFile[i], tool });
  });
  return { source, compared: equal + differing.length, equal, differing: differing.slice(0, 20), differingCount: differing.length, missing, extra: byId.size - (equal + differing.length) };
}
