// Compression benchmark (SPEC §16 "compression"): tokens saved per strategy on a real corpus,
// with how many of the originals' numbers and capitalised terms survive, and throughput.
//
// Tokens are o200k_base counts from tiktoken, special-token strings counted as ordinary text.
// Throughput is input MB per second of CPU time (user + system) spent in compression itself, on
// one thread: for `dedupe` the boilerplate pre-pass over the corpus is included, for `extractive`
// its own tiktoken counting. CPU time rather than wall time because these machines are shared;
// wall-clock MB/s is reported too.
// Retention (src/compress/retention.ts says what counts) is given two ways: the mean over documents
// that have at least one number (or term) in their visible text, and pooled: kept / total over
// all documents, where a document weighs as much as it has distinct numbers (or terms).
//
// Usage: node bench/compression.js [dir]   (default: the corpus of bench/corpus.js)
// Imports the built code: run `npx tsc -p tsconfig.json` first.
import fs from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { get_encoding } from 'tiktoken';
import {
  boilerplateInput, BoilerplateIndex, compressSync, formatCompress, needsBoilerplate, parseCompress, retention,
} from '../dist/compress/index.js';

export const STRATEGIES = [
  'whitespace',
  'dedupe',
  'markup',
  'whitespace,dedupe,markup',
  'extractive:0.5',
  'whitespace,dedupe,markup,extractive:0.5',
];
const EXTENSIONS = new Set(['.md', '.rst', '.txt']);

/** The corpus's own manifest when there is one (bench/corpus.js keeps extensionless prose too), else a walk. */
async function listFiles(dir) {
  try {
    const manifest = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8'));
    return manifest.entries.map((e) => path.join(dir, e.path)).sort();
  } catch {
    // no manifest: every .md/.rst/.txt file under dir
  }
  const out = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && EXTENSIONS.has(path.extname(e.name).toLowerCase())) {
      out.push(path.join(e.parentPath ?? e.path, e.name));
    }
  }
  return out.sort();
}

const mean = (xs) => (xs.length === 0 ? 1 : xs.reduce((a, b) => a + b, 0) / xs.length);

/**
 * Runs every strategy over the corpus under `dir` (the files of its manifest.json, or else every
 * `.md`/`.rst`/`.txt` file) or over `files`; returns one row per strategy.
 */
export async function benchCompression({ dir, files, strategies = STRATEGIES } = {}) {
  const paths = files ?? (await listFiles(dir));
  const texts = [];
  for (const p of paths) texts.push(await fs.readFile(p, 'utf8'));
  const enc = get_encoding('o200k_base');
  try {
    const countTokens = (t) => enc.encode(t, [], []).length;
    const before = texts.map(countTokens);
    const bytes = texts.reduce((a, t) => a + Buffer.byteLength(t), 0);
    const rows = [];
    for (const list of strategies) {
      const specs = parseCompress(list);
      const ctx = { countTokens };
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      if (needsBoilerplate(specs)) {
        ctx.boilerplate = new BoilerplateIndex();
        for (const t of texts) ctx.boilerplate.add(boilerplateInput(t, specs, ctx));
        ctx.boilerplate.finalize(texts.length);
      }
      const outs = texts.map((t) => compressSync(t, specs, ctx));
      const cpu = process.cpuUsage(cpu0);
      const seconds = (cpu.user + cpu.system) / 1e6;
      const wallSeconds = (performance.now() - t0) / 1000;
      const numbers = [];
      const terms = [];
      const pooled = { numbers: 0, numbersTotal: 0, terms: 0, termsTotal: 0 };
      outs.forEach((out, i) => {
        const r = retention(texts[i], out);
        if (r.numbersTotal > 0) numbers.push(r.numbers);
        if (r.termsTotal > 0) terms.push(r.terms);
        pooled.numbers += r.numbers * r.numbersTotal;
        pooled.numbersTotal += r.numbersTotal;
        pooled.terms += r.terms * r.termsTotal;
        pooled.termsTotal += r.termsTotal;
      });
      const tokensBefore = before.reduce((a, b) => a + b, 0);
      const tokensAfter = outs.reduce((a, t) => a + countTokens(t), 0);
      rows.push({
        strategy: formatCompress(specs),
        documents: texts.length,
        bytes,
        tokensBefore,
        tokensAfter,
        savedPct: tokensBefore === 0 ? 0 : (100 * (tokensBefore - tokensAfter)) / tokensBefore,
        retentionNumbers: mean(numbers),
        retentionTerms: mean(terms),
        retentionNumbersPooled: pooled.numbersTotal ? pooled.numbers / pooled.numbersTotal : 1,
        retentionTermsPooled: pooled.termsTotal ? pooled.terms / pooled.termsTotal : 1,
        mbPerSec: bytes / 1e6 / seconds,
        mbPerSecWall: bytes / 1e6 / wallSeconds,
      });
    }
    return rows;
  } finally {
    enc.free();
  }
}

export function renderTable(rows) {
  const lines = [
    '| strategy | tokens before | tokens after | saved | numbers kept (mean / pooled) | terms kept (mean / pooled) | MB/s (CPU) | MB/s (wall) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(`| ${r.strategy} | ${r.tokensBefore} | ${r.tokensAfter} | ${r.savedPct.toFixed(1)}% | ` +
      `${r.retentionNumbers.toFixed(3)} / ${r.retentionNumbersPooled.toFixed(3)} | ` +
      `${r.retentionTerms.toFixed(3)} / ${r.retentionTermsPooled.toFixed(3)} | ${r.mbPerSec.toFixed(2)} | ${r.mbPerSecWall.toFixed(2)} |`);
  }
  return lines.join('\n');
}

async function defaultDir() {
  const { buildCorpus } = await import('./corpus.js');
  return (await buildCorpus()).dir;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2] ?? (await defaultDir());
  const rows = await benchCompression({ dir });
  const r0 = rows[0];
  console.log(`Corpus: ${dir}: ${r0.documents} files, ${(r0.bytes / 1e6).toFixed(1)} MB, ${r0.tokensBefore} tokens (o200k_base)\n`);
  console.log(renderTable(rows));
}
