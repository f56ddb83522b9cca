// `npm run bench`: runs every benchmark of SPEC §16 side by side in one run, writes the raw
// figures to bench/.out/results.json and regenerates BENCHMARKS.md from them.
//
//   node bench/run.js            full run (records BENCHMARKS.md)
//   node bench/run.js --quick    smaller N, for development (writes bench/.out/BENCHMARKS.quick.md)
//   node bench/run.js --only startup,estimate,engine,compression
//
// Imports the built code: `npm run bench` builds first (or run `npx tsc -p tsconfig.json`).
// Every child process and fake server is killed at the end, even on error (bench/lib.js).
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildCorpus } from './corpus.js';
import { killAll, log, machine, OUT_DIR, ROOT } from './lib.js';
import { render } from './render.js';

const { values: opts } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
});
const quick = opts.quick;
const only = opts.only ? new Set(opts.only.split(',').map((s) => s.trim())) : null;
const want = (name) => !only || only.has(name);

async function section(name, fn) {
  if (!want(name)) return undefined;
  const t0 = Date.now();
  try {
    const r = await fn();
    log(`${name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return r;
  } catch (err) {
    log(`${name}: FAILED ${err.stack ?? err}`);
    return { error: String(err?.message ?? err) };
  }
}

async function main() {
  if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) {
    throw new Error('dist/ is missing: run `npm run bench` (which builds first) or `npx tsc -p tsconfig.json`');
  }
  const started = Date.now();
  const results = { quick, machine: machine(), command: quick ? 'node bench/run.js --quick' : 'npm run bench' };

  results.startup = await section('startup', async () => (await import('./startup.js')).benchStartup({ quick }));
  results.estimate = await section('estimate', async () => (await import('./estimate.js')).benchEstimate({ quick }));
  results.engine = await section('engine', async () => (await import('./engine.js')).benchEngine({
    quick,
    startupCpuMs: results.startup?.versionCpuMs ?? null,
    nodeCpuMs: results.startup?.nodeCpuMs ?? null,
  }));
  results.compare = await section('compare', async () => (await import('./compare.js')).benchCompare({ quick }));
  results.stores = await section('stores', async () => (await import('./stores.js')).benchStores({ quick }));
  results.compression = await section('compression', async () => {
    if (!existsSync(path.join(ROOT, 'bench/compression.js'))) return { skipped: 'bench/compression.js does not exist' };
    const mod = await import('./compression.js');
    const corpus = await buildCorpus();
    const rows = await mod.benchCompression({ dir: corpus.dir });
    return { rows, table: typeof mod.renderTable === 'function' ? mod.renderTable(rows) : null };
  });
  results.totalSeconds = (Date.now() - started) / 1000;
  results.loadavgAtEnd = machine().loadavg;

  await fs.mkdir(OUT_DIR, { recursive: true });
  const jsonFile = path.join(OUT_DIR, quick ? 'results.quick.json' : 'results.json');
  await fs.writeFile(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  const md = render(results);
  const mdFile = quick || only ? path.join(OUT_DIR, 'BENCHMARKS.partial.md') : path.join(ROOT, 'BENCHMARKS.md');
  await fs.writeFile(mdFile, md);
  log(`wrote ${path.relative(ROOT, jsonFile)} and ${path.relative(ROOT, mdFile)} (${results.totalSeconds.toFixed(0)} s)`);
}

try {
  await main();
} catch (err) {
  process.exitCode = 1;
  log(`error: ${err.message}`);
} finally {
  await killAll();
}
