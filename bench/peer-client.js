// The throughput peers, each run in its own process (as llmbatch is) so wall time, CPU and the
// server's CPU are comparable: LangChain's own `ChatOpenAI.batch(inputs, {maxConcurrency})`,
// and a plain `fetch` loop with C workers. Both send the same messages llmbatch's built-in
// `summarize` prompt renders, with the same max_tokens, and neither caches nor retries.
//
// Usage: node bench/peer-client.js --kind langchain|fetch --base-url URL --dir DIR
//          [--concurrency 200] [--model gpt-4o-mini] [--max-tokens 1024]
// Prints one JSON line: {kind, n, ok, failed, firstError, readMs, importMs, batchMs}.
import fs from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { manifestFiles } from './lib.js';

const { values: o } = parseArgs({
  options: {
    kind: { type: 'string' },
    'base-url': { type: 'string' },
    dir: { type: 'string' },
    concurrency: { type: 'string', default: '200' },
    model: { type: 'string', default: 'gpt-4o-mini' },
    'max-tokens': { type: 'string', default: '1024' },
  },
});
const C = Number(o.concurrency);
const maxTokens = Number(o['max-tokens']);

/** llmbatch's built-in summarize prompt, so every client sends the same bytes. */
async function summarizePrompt() {
  try {
    const { BUILTIN_PROMPTS } = await import('../dist/prompt/index.js');
    return BUILTIN_PROMPTS.summarize;
  } catch {
    return {
      system: 'You are a precise assistant that writes faithful, concise summaries.',
      user: 'Summarize the following document in a short paragraph. Keep names, numbers and dates exact.\n\n{{document}}',
    };
  }
}

const tRead = performance.now();
const prompt = await summarizePrompt();
const texts = await Promise.all((await manifestFiles(o.dir)).map((f) => fs.readFile(f, 'utf8')));
const messages = texts.map((t) => [
  { role: 'system', content: prompt.system },
  { role: 'user', content: prompt.user.replace('{{document}}', () => t) },
]);
const readMs = performance.now() - tRead;

let ok = 0;
let failed = 0;
let firstError = null;
const fail = (err) => {
  failed++;
  firstError ??= String(err?.message ?? err).slice(0, 300);
};

let importMs = 0;
let batchMs = 0;
if (o.kind === 'langchain') {
  const tImport = performance.now();
  const { ChatOpenAI } = await import('@langchain/openai');
  importMs = performance.now() - tImport;
  const model = new ChatOpenAI({
    model: o.model, apiKey: 'sk-bench-not-a-real-key', maxRetries: 0, maxTokens,
    configuration: { baseURL: o['base-url'] },
  });
  const t0 = performance.now();
  const results = await model.batch(messages, { maxConcurrency: C }, { returnExceptions: true });
  batchMs = performance.now() - t0;
  for (const r of results) {
    if (r instanceof Error) fail(r);
    else ok++;
  }
} else if (o.kind === 'fetch') {
  const url = `${o['base-url'].replace(/\/$/, '')}/chat/completions`;
  const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-bench-not-a-real-key' };
  let next = 0;
  const worker = async () => {
    while (next < messages.length) {
      const i = next++;
      try {
        const res = await fetch(url, {
          method: 'POST', headers, body: JSON.stringify({ model: o.model, messages: messages[i], max_tokens: maxTokens }),
        });
        const body = await res.json();
        if (res.ok && body.choices?.[0]?.message) ok++;
        else fail(`HTTP ${res.status}`);
      } catch (err) {
        fail(err);
      }
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(C, messages.length) }, worker));
  batchMs = performance.now() - t0;
} else {
  throw new Error(`--kind must be langchain or fetch, got ${o.kind}`);
}

process.stdout.write(`${JSON.stringify({ kind: o.kind, n: messages.length, ok, failed, firstError, readMs, importMs, batchMs })}\n`);
