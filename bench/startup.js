// Start-up (issue 2; SPEC §16 "start-up"): wall time of `llmbatch --version` and of a one-file
// `llmbatch estimate --json`, median of 10 spawns each (after one warm-up spawn so the file
// cache is warm), beside a bare `node -e 0` as the floor this machine sets. Wall time is
// measured here around spawn (no GNU time wrapper); a separate set of runs under GNU time gives
// the CPU of `--version`, which the client-overhead figure subtracts.
import path from 'node:path';
import fs from 'node:fs/promises';
import { buildCorpus } from './corpus.js';
import { cliEnv, failure, log, median, ROOT, run, runCli, tempDir } from './lib.js';

const TIKTOKEN_FLOOR = "const t=require('fs').readFileSync(process.argv[1],'utf8');"
  + "process.stdout.write(String(require('tiktoken').get_encoding('o200k_base').encode_ordinary(t).length))";

/** A mid-sized document of the corpus (closest to 8 KB), for the one-file estimate. */
async function oneFile() {
  const corpus = await buildCorpus();
  const m = JSON.parse(await fs.readFile(path.join(corpus.dir, 'manifest.json'), 'utf8'));
  const e = m.entries.filter((x) => !x.path.includes('node_modules')).sort((a, b) => Math.abs(a.bytes - 8192) - Math.abs(b.bytes - 8192))[0];
  return { file: path.join(corpus.dir, e.path), bytes: e.bytes };
}

async function series(label, n, spawnOnce) {
  const first = await spawnOnce(); // warm-up, not counted
  if (first.code !== 0) return { label, ok: false, error: failure(first), runsMs: [], medianMs: null };
  const runs = [];
  for (let i = 0; i < n; i++) {
    const r = await spawnOnce();
    if (r.code !== 0) return { label, ok: false, error: failure(r), runsMs: runs, medianMs: null };
    runs.push(r.wallMs);
  }
  return { label, ok: true, runsMs: runs.map((x) => Number(x.toFixed(1))), medianMs: median(runs), minMs: Math.min(...runs) };
}

export async function benchStartup({ quick = false } = {}) {
  const state = await tempDir();
  const env = cliEnv(state);
  const n = quick ? 5 : 10;
  try {
    const doc = await oneFile();
    log(`start-up: ${n} runs each of node -e 0, llmbatch --version, llmbatch estimate <${doc.bytes} B file>`);
    const node = await series('node -e 0', n, () => run(process.execPath, ['-e', '0'], { env, timed: false }));
    const version = await series('llmbatch --version', n, () => runCli(['--version'], { env, timed: false }));
    const estimate = await series('llmbatch estimate <one file> --json', n, () => runCli(['estimate', doc.file, '--json'], { env, timed: false }));
    // The floor of a one-file estimate: node, tiktoken's WASM and building the o200k_base encoder.
    const tiktoken = await series('node + tiktoken o200k_base, count one file', n, () => run(process.execPath, ['-e', TIKTOKEN_FLOOR, doc.file], { env, timed: false, cwd: ROOT }));
    // CPU (user+sys) of a start-up, from wait4 rusage: the fixed cost the per-request figure excludes.
    const cpu = [];
    const nodeCpu = [];
    for (let i = 0; i < 5; i++) {
      cpu.push((await runCli(['--version'], { env })).cpuMs);
      nodeCpu.push((await run(process.execPath, ['-e', '0'], { env })).cpuMs);
    }
    return {
      oneFile: { path: path.basename(doc.file), bytes: doc.bytes },
      node, version, estimate, tiktoken,
      versionCpuMs: median(cpu),
      nodeCpuMs: median(nodeCpu),
      target: { versionMs: 150 },
      met: version.ok && version.medianMs < 150,
    };
  } finally {
    await fs.rm(state, { recursive: true, force: true });
  }
}
