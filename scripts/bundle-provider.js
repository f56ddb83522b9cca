// Post-build step of `npm run build`: replaces dist/providers/langchain.js (a one-line re-export
// of ChatOpenAICompletions from @langchain/openai) by a loader of a single-file CommonJS bundle
// of that class and what it imports (@langchain/core, openai, zod, langsmith …), and writes
// V8's code cache for the bundle. See src/providers/langchain.ts and bundle-loader.ts.
//
// The bundle starts from the module that defines the class, not from the package's index, so
// that the rest of @langchain/openai (Responses API, embeddings, tools, Azure) is left out: it
// loads in about half the time. If a later version moves that file, the index is used instead.
// CommonJS, because Node 20 can compile a script, but not an ES module, from a code cache.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import path from 'node:path';
import { V8_FLAGS } from '../bin/v8-flags.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const file = path.join(root, 'dist/providers/langchain.js');
const bundle = path.join(root, 'dist/providers/langchain.bundle.cjs');
const pkgDir = path.dirname(createRequire(import.meta.url).resolve('@langchain/openai/package.json'));
const direct = path.join(pkgDir, 'dist/chat_models/completions.js');
const from = existsSync(direct) ? direct : '@langchain/openai';

await build({
  stdin: { contents: `export { ChatOpenAICompletions } from ${JSON.stringify(from)};`, resolveDir: root, loader: 'js' },
  outfile: bundle,
  allowOverwrite: true,
  bundle: true,
  minify: true,
  keepNames: true, // error classes are told apart by name (ContextOverflowError, TimeoutError …)
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  legalComments: 'linked',
  logLevel: 'warning',
});

writeFileSync(file, `// Written by scripts/bundle-provider.js (npm run build): ChatOpenAICompletions from the bundle.
import { loadBundle } from './bundle-loader.js';
export const { ChatOpenAICompletions } = loadBundle(new URL('./langchain.bundle.cjs', import.meta.url));
`);

// The code cache, made under the V8 flags bin/llmbatch.js sets, after constructing a model the
// way a run does (so those functions are compiled into the cache too); then checked in a fresh
// process, as a run would load it.
setFlagsFromString(V8_FLAGS);
const loader = pathToFileURL(path.join(root, 'dist/providers/bundle-loader.js')).href;
const { writeCodeCache } = await import(loader);
await writeCodeCache(pathToFileURL(bundle), async ({ ChatOpenAICompletions }) => {
  // One request the way a run sends it, answered by a stub in this process (nothing leaves it).
  const reply = { id: 'warm', object: 'chat.completion', created: 0, model: 'gpt-4o-mini', choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } };
  const fetch = async () => new Response(JSON.stringify(reply), { status: 200, headers: { 'content-type': 'application/json' } });
  const model = new ChatOpenAICompletions({ model: 'gpt-4o-mini', apiKey: 'not-a-key', maxRetries: 0, maxTokens: 16, configuration: { baseURL: 'http://127.0.0.1:9/v1', fetch } });
  await model.completionWithRetry({ ...model.invocationParams({}), stream: false, messages: [{ role: 'user', content: 'warm-up' }] }, { signal: new AbortController().signal });
});
const check = spawnSync(process.execPath, ['--input-type=module', '-e', `
  import { setFlagsFromString } from 'node:v8';
  setFlagsFromString(${JSON.stringify(V8_FLAGS)});
  const { cacheAccepted } = await import(${JSON.stringify(loader)});
  process.stdout.write(String(cacheAccepted(new URL(${JSON.stringify(pathToFileURL(bundle).href)}))));
`], { encoding: 'utf8' });
if (check.stdout !== 'true') {
  console.warn(`bundle-provider: V8 does not accept the code cache (${check.stdout || check.stderr.trim()}); the bundle will be compiled on load (slower, still correct)`);
}
