// Alternating pairs: is build B faster than build A on the cold throughput run? One run of
// each, repeated --pairs times against one loopback server (latency 200 ms), A first in odd
// pairs and B first in even ones: the second run of a pair is often the faster (a warm file
// cache, the machine's mood), which would otherwise favour whichever always runs second; prints
// each side's median sending phase (report duration_ms) and in how many pairs B was faster.
// On a shared, noisy machine a single run cannot show a 2–5% change; pairs run minutes apart
// share the machine's mood. Both builds read the same corpus, write to fresh state folders, and
// run with the cache on (a fresh file each time), as a user's first run does.
//
// Usage: node bench/ab.js --a OTHER_CHECKOUT/bin/llmbatch.js [--b bin/llmbatch.js] [--pairs 10] [--n 5000] [--c 200]
// (an older build: `git worktree add /tmp/a REV && ln -s $PWD/node_modules /tmp/a/ && (cd /tmp/a && npm run build)`)
import path from 'node:path';
import { parseArgs } from 'node:util';
import fs from 'node:fs/promises';
import { buildManySmall } from './corpus-many.js';
import { CLI, cliEnv, killAll, median, run, startFakeServer, tempDir } from './lib.js';

const { values: o } = parseArgs({
  options: {
    a: { type: 'string' }, b: { type: 'string', default: CLI },
    pairs: { type: 'string', default: '10' }, n: { type: 'string', default: '5000' }, c: { type: 'string', default: '200' },
  },
});
if (!o.a) {
  console.error('usage: node bench/ab.js --a PATH/bin/llmbatch.js [--b PATH/bin/llmbatch.js] [--pairs 10] [--n 5000] [--c 200]');
  process.exit(2);
}
const N = Number(o.n);
const docs = await buildManySmall({ count: N, dir: `bench/.corpus/many-${N}` });
const server = await startFakeServer({ latencyMs: 200 });

async function once(cli) {
  const state = await tempDir();
  try {
    const report = path.join(state, 'r.json');
    const res = await run(process.execPath, [cli, 'summarize', docs.dir, '--exclude', 'manifest.json', '-c', o.c, '--base-url', server.baseURL,
      '-o', path.join(state, 'out.jsonl'), '--report', report, '--quiet'], { env: cliEnv(state) });
    if (res.code !== 0) throw new Error(`${cli} exited ${res.code}: ${res.stderr.slice(-400)}`);
    return JSON.parse(await fs.readFile(report, 'utf8')).duration_ms;
  } finally {
    await fs.rm(state, { recursive: true, force: true });
  }
}

const ideal = Math.ceil(N / Number(o.c)) * 200;
try {
  const a = [];
  const b = [];
  for (let i = 0; i < Number(o.pairs); i++) {
    if (i % 2 === 0) {
      a.push(await once(o.a));
      b.push(await once(o.b));
    } else {
      b.push(await once(o.b));
      a.push(await once(o.a));
    }
    console.log(`pair ${i + 1} (${i % 2 === 0 ? 'A first' : 'B first'}): A ${a[i]} ms, B ${b[i]} ms`);
  }
  const faster = a.filter((x, i) => b[i] < x).length;
  for (const [name, xs] of [['A', a], ['B', b]]) {
    console.log(`${name}: median ${median(xs)} ms (efficiency ${(ideal / median(xs)).toFixed(3)}), ${name === 'A' ? o.a : o.b}`);
  }
  console.log(`B - A: median of pair differences ${median(b.map((x, i) => x - a[i]))} ms; B faster in ${faster} of ${a.length} pairs`);
} finally {
  await server.close();
  await killAll();
}
