// Offline compare over the real corpus (issue 4): 3 prompt variants should take about the time
// of one `estimate -p` over the same corpus, because the documents are read and tokenized once
// (further prompts only add their first and last lines: src/plan/compare-count.ts). Alternating
// rounds, medians; both spawned CLIs with the same fresh state folder. The corpus builder's own
// manifest.json (a 2 MB list of paths, not part of the corpus) is excluded from both.
import { buildCorpus } from './corpus.js';
import { cliEnv, failure, log, median, runCli, tempDir } from './lib.js';
import fs from 'node:fs/promises';

export async function benchCompare({ quick = false } = {}) {
  const corpus = await buildCorpus();
  const state = await tempDir();
  const rounds = quick ? 1 : 3;
  const est = [];
  const cmp = [];
  let tokens = null;
  try {
    for (let i = 0; i < rounds; i++) {
      const e = await runCli(['estimate', corpus.dir, '--exclude', 'manifest.json', '-p', 'summarize', '--json'], { env: cliEnv(state) });
      if (e.code !== 0) throw new Error(`estimate failed: ${failure(e)}`);
      const c = await runCli(['compare', corpus.dir, '--exclude', 'manifest.json', '-p', 'summarize', '-p', 'bullets', '-p', 'extract-json', '--json'], { env: cliEnv(state) });
      if (c.code !== 0) throw new Error(`compare failed: ${failure(c)}`);
      est.push(e.wallMs);
      cmp.push(c.wallMs);
      const ej = JSON.parse(e.stdout);
      const cj = JSON.parse(c.stdout);
      tokens = { estimate: ej.models[0].input_tokens, compareSummarize: cj.variants.find((v) => v.prompt === 'summarize').input_tokens };
      log(`  round ${i + 1}: estimate ${(e.wallMs / 1000).toFixed(2)} s, compare ×3 ${(c.wallMs / 1000).toFixed(2)} s`);
    }
  } finally {
    await fs.rm(state, { recursive: true, force: true });
  }
  const ratio = median(cmp) / median(est);
  return { files: corpus.files, bytes: corpus.bytes, estimateMs: median(est), compareMs: median(cmp), ratio, tokens, met: ratio <= 1.3 && tokens.estimate === tokens.compareSummarize };
}
