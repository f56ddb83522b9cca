// CPU profiles of the runs whose targets are missed, for finding hot spots: `node --cpu-prof`
// on the spawned CLI (worker threads write their own profiles), summarised by
// bench/profile-summary.js as self and inclusive time per function (file:line in dist/).
//
// Usage: node bench/profile.js [cold|warm|estimate ...] [--n 2000] [--top 30]
// Profiles are kept under bench/.out/profiles/<name>/ for Chrome DevTools / speedscope.
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildCorpus } from './corpus.js';
import { buildManySmall } from './corpus-many.js';
import { CLI, cliEnv, killAll, OUT_DIR, run, startFakeServer, tempDir } from './lib.js';
import { summarize } from './profile-summary.js';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: { n: { type: 'string', default: '2000' }, top: { type: 'string', default: '30' } },
});
const which = positionals.length ? positionals : ['cold', 'warm', 'estimate'];
const N = Number(o.n);

async function profiled(name, args, env) {
  const dir = path.join(OUT_DIR, 'profiles', name);
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  const res = await run(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, CLI, ...args], { env });
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
  process.stdout.write(`\n### ${name}: exit ${res.code}, wall ${(res.wallMs / 1000).toFixed(2)} s, CPU ${(res.cpuMs / 1000).toFixed(2)} s\n`);
  for (const f of files) {
    const s = summarize(JSON.parse(await fs.readFile(path.join(dir, f), 'utf8')), Number(o.top));
    process.stdout.write(`\n#### ${f} (${s.totalMs.toFixed(0)} ms sampled)\n\nself:\n${s.self}\n\ninclusive:\n${s.inclusive}\n`);
  }
}

const state = await tempDir();
try {
  const env = cliEnv(state);
  if (which.includes('cold') || which.includes('warm')) {
    const docs = await buildManySmall({ count: N, dir: `bench/.corpus/many-${N}` });
    const server = await startFakeServer({ latencyMs: 200 });
    const common = ['summarize', docs.dir, '--exclude', 'manifest.json', '-c', '200', '--base-url', server.baseURL, '-o', path.join(state, 'out.jsonl'), '--quiet'];
    if (which.includes('cold')) await profiled('cold', [...common, '--no-cache'], env);
    if (which.includes('warm')) {
      const cache = path.join(state, 'c', 'cache.sqlite');
      await fs.mkdir(path.dirname(cache), { recursive: true });
      await run(process.execPath, [CLI, ...common, '--cache', cache], { env });
      await profiled('warm', [...common, '--cache', cache], env);
    }
    await server.close();
  }
  if (which.includes('estimate')) {
    const corpus = await buildCorpus();
    await profiled('estimate', ['estimate', corpus.dir, '--exclude', 'manifest.json', '--json'], env);
  }
} finally {
  await killAll();
  await fs.rm(state, { recursive: true, force: true });
}
