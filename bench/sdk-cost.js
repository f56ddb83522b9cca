// What the OpenAI SDK path costs per request over bare node:http, in one process, no pipeline:
// the same files, prompts and server, C requests in flight, N requests per loop. "bare" posts
// through llmbatch's transport (transport.ts) directly; "provider" goes through
// createOpenAIProvider (LangChain's completionWithRetry → the OpenAI SDK → the same transport).
// Loops alternate; each prints its efficiency (⌈N/C⌉ × L / wall), process CPU and main-thread
// busy time per request (event-loop utilisation).
//
// Usage: npm run build && node bench/sdk-cost.js [--n 5000] [--c 200] [--rounds 3]
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildManySmall } from './corpus-many.js';
import { killAll, startFakeServer } from './lib.js';

const { values: o } = parseArgs({ options: { n: { type: 'string', default: '5000' }, c: { type: 'string', default: '200' }, rounds: { type: 'string', default: '3' } } });
const N = Number(o.n);
const C = Number(o.c);
const { createTransport } = await import('../dist/providers/transport.js');
const { createOpenAIProvider } = await import('../dist/providers/openai.js');
const docs = await buildManySmall({ count: 5000, dir: 'bench/.corpus/many-5000' });
const files = [];
for (const d of fs.readdirSync(docs.dir)) {
  const sub = path.join(docs.dir, d);
  if (fs.statSync(sub).isDirectory()) for (const f of fs.readdirSync(sub)) files.push(path.join(sub, f));
}
const server = await startFakeServer({ latencyMs: 200 });
const fetch = createTransport();
const provider = createOpenAIProvider({ baseUrl: server.baseURL, apiKey: 'sk-bench', timeoutMs: 120_000 });
const messages = (text) => [{ role: 'system', content: 'You are precise.' }, { role: 'user', content: `Summarize:\n\n${text}` }];
const clients = {
  bare: async (text) => {
    const body = JSON.stringify({ model: 'gpt-4o-mini', max_tokens: 1024, messages: messages(text) });
    const r = await fetch(`${server.baseURL}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench', accept: 'application/json' }, body });
    await r.json();
  },
  provider: (text) => provider.complete({ model: 'gpt-4o-mini', max_tokens: 1024, messages: messages(text) }, { signal: new AbortController().signal }),
};

async function loop(name) {
  let next = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const e0 = performance.eventLoopUtilization();
  await Promise.all(Array.from({ length: C }, async () => {
    while (next < N) await clients[name](fs.readFileSync(files[next++ % files.length], 'utf8'));
  }));
  const cpu = process.cpuUsage(c0);
  const ms = performance.now() - t0;
  const elu = performance.eventLoopUtilization(e0);
  console.log(`${name.padEnd(8)} ${ms.toFixed(0)} ms, efficiency ${((Math.ceil(N / C) * 200) / ms).toFixed(3)}, CPU ${((cpu.user + cpu.system) / N / 1000).toFixed(2)} ms/request, main thread busy ${(elu.active / N).toFixed(2)} ms/request`);
}
try {
  for (let r = 0; r < Number(o.rounds); r++) for (const name of Object.keys(clients)) await loop(name);
} finally {
  await server.close();
  await killAll();
}
