// Post-build step of `npm run build`: replaces dist/providers/langchain.js (a one-line re-export
// of ChatOpenAICompletions from @langchain/openai) by a single-file ESM bundle of that class and
// what it imports (@langchain/core, openai, zod, langsmith …). See src/providers/langchain.ts.
//
// The bundle starts from the module that defines the class, not from the package's index, so
// that the rest of @langchain/openai (Responses API, embeddings, tools, Azure) is left out: it
// loads in about half the time. If a later version moves that file, the index is used instead.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const file = path.join(root, 'dist/providers/langchain.js');
const pkgDir = path.dirname(createRequire(import.meta.url).resolve('@langchain/openai/package.json'));
const direct = path.join(pkgDir, 'dist/chat_models/completions.js');
const from = existsSync(direct) ? direct : '@langchain/openai';

await build({
  stdin: { contents: `export { ChatOpenAICompletions } from ${JSON.stringify(from)};`, resolveDir: root, loader: 'js' },
  outfile: file,
  allowOverwrite: true,
  bundle: true,
  minify: true,
  keepNames: true, // error classes are told apart by name (ContextOverflowError, TimeoutError …)
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'linked',
  logLevel: 'warning',
  // CommonJS dependencies inside the bundle call require() for node built-ins.
  banner: { js: "import { createRequire as __llmbatchRequire } from 'node:module'; const require = __llmbatchRequire(import.meta.url);" },
});
