/**
 * `compare` (SPEC §10): prompt variants × models × compression settings side by side.
 * Offline by default — exact input tokens, estimated output and cost, nothing sent — or, with
 * `compareLive`, every variant run through the engine and measured. Core only: returns data.
 */
import { applyBaseline, evaluateGates } from '../report/compare.js';
import type { CompareResult } from '../report/types.js';
import { estimateVariants, prepareCompare, type CompareOptions } from './compare-estimate.js';

export { compareLive, type LiveCompareResult, type LiveDeps, type LiveRunOptions } from './compare-live.js';
export { estimateVariants, prepareCompare, type CompareOptions, type Counter, type OutputHistory } from './compare-estimate.js';
export { forcedBoundaries } from './compare-count.js';
export { buildVariants, compressionSettings, makeTransform, resolveBaseline, type VariantSpec } from './compare-variants.js';

export async function compareOffline(opts: CompareOptions): Promise<CompareResult> {
  const prepared = await prepareCompare(opts);
  const est = await estimateVariants(opts, prepared.variants);
  const variants = applyBaseline(est.variants, prepared.baseline);
  const result: CompareResult = {
    baseline: prepared.baseline, live: false, documents: est.documents, skipped: est.skipped, variants, gates: [],
    notes: est.notes, fill_ratio: opts.fillRatio,
  };
  result.gates = evaluateGates(result, opts.gates ?? {});
  return result;
}

