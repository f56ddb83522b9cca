// Post-build step of `npm run build`: replaces dist/providers/langchain.js (a one-line re-export
// of ChatOpenAICompletions from @langchain/openai) by a single-file ESM bundle of it and its
// dependencies (@langchain/core, openai, zod, langsmith …). See src/providers/langchain.ts.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const file = path.join(root, 'dist/providers/langchain.js');

await build({
  entryPoints: [file],
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
