// Post-build step of `npm run build`: zod as one ES module (dist/vendor/zod.js), and the
// compiled files that import 'zod' pointed at it.
//
// zod 4 is ~95 ES modules (its index pulls in every locale); resolving, linking and evaluating
// them took ~80 ms of every command that reads a config or a prompt file (summarize, run,
// estimate, compare). As one module it loads in ~30 ms. Only the compiled output changes:
// the TypeScript sources and the tests that run them import 'zod' itself.
import { build } from 'esbuild';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'dist');
const vendored = path.join(dist, 'vendor/zod.js');

await build({
  stdin: { contents: "export * from 'zod';", resolveDir: root, loader: 'js' },
  outfile: vendored,
  allowOverwrite: true,
  bundle: true,
  minify: true,
  keepNames: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  legalComments: 'linked',
  logLevel: 'warning',
});

// `from 'zod'` exactly as tsc emits it; a subpath import ('zod/mini') would still load the
// package, so it is refused here rather than silently left slow.
const IMPORT = /(\bfrom\s*)(['"])zod(\/[^'"]*)?\2/g;
// A plain walk (readdir's `recursive` and Dirent.parentPath are newer than Node 20.0).
function* jsFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* jsFiles(p);
    else if (entry.isFile() && entry.name.endsWith('.js')) yield p;
  }
}
let rewritten = 0;
for (const file of jsFiles(dist)) {
  if (file === vendored) continue;
  const src = readFileSync(file, 'utf8');
  if (!src.includes('zod')) continue;
  let changed = false;
  const out = src.replace(IMPORT, (m, from, q, sub) => {
    if (sub) throw new Error(`bundle-zod: ${path.relative(root, file)} imports ${m.slice(from.length)}; import 'zod' itself`);
    changed = true;
    let rel = path.relative(path.dirname(file), vendored).split(path.sep).join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return `${from}${q}${rel}${q}`;
  });
  if (changed) {
    writeFileSync(file, out);
    rewritten++;
  }
}
if (rewritten === 0) throw new Error('bundle-zod: no compiled file imports zod; is this step still needed?');
