// Fallback for the token-counting benchmark: runs the same core function `llmbatch estimate`
// calls (dist/plan/estimate.js over dist/documents readInputs), in its own process, with a
// referenced timer holding the event loop open. bench/estimate.js uses it only when the
// spawned CLI fails, and labels its figures as such, so the report still shows what the
// counting core does while the CLI's failure is reported as a missed target.
//
// Usage: node bench/estimate-child.js DIR [--exclude GLOB] [-m MODEL] [--by-file]
// Prints the EstimateResult as JSON plus {elapsedMs}.
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { readInputs } from '../dist/documents/index.js';
import { ModelRegistry } from '../dist/models/index.js';
import { estimate } from '../dist/plan/estimate.js';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: { exclude: { type: 'string', multiple: true, default: [] }, model: { type: 'string', short: 'm', default: 'gpt-4o-mini' },
    'by-file': { type: 'boolean', default: false },
  },
});

const keepAlive = setInterval(() => {}, 1 << 30);
try {
  const t0 = performance.now();
  const result = await estimate({
    items: readInputs(positionals, { exclude: o.exclude, cwd: process.cwd() }),
    prompt: null,
    models: [o.model],
    registry: new ModelRegistry(),
    fillRatio: 0.35,
    top: 5,
    byFile: o['by-file'],
  });
  const elapsedMs = performance.now() - t0;
  process.stdout.write(`${JSON.stringify({ ...result, elapsedMs })}\n`);
} finally {
  clearInterval(keepAlive);
}
