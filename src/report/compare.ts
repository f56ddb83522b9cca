/**
 * `compare` reductions: deltas against the baseline variant and the CI gates (SPEC §10).
 *
 * Δ tokens compares total tokens (input + output): a prompt that shortens the input but
 * doubles the answer has not saved anything. Δ cost compares `cost_usd` (the point
 * estimate offline, the measured cost live). The `max-cost` gate is stricter offline: it
 * checks the high end of the estimate range, because a gate should not pass on luck.
 */
import { LlmbatchError } from '../errors.js';
import { pctDelta } from './stats.js';
import { formatPct, formatUsd } from './units.js';
import type { CompareResult, CompareVariant, Gate } from './types.js';

/** `prompt@model`, plus `+strategy` per compression strategy when there is one. */
export function variantName(prompt: string, model: string, compress: string): string {
  const strategies = compress.split(',').map((s) => s.trim()).filter((s) => s && s !== 'none');
  return [`${prompt}@${model}`, ...strategies].join('+');
}

const totalTokens = (v: CompareVariant) => v.input_tokens + v.output_tokens;

/** Fills `delta_tokens_pct` / `delta_cost_pct` against the named baseline (which gets 0). */
export function applyBaseline(variants: CompareVariant[], baselineName: string): CompareVariant[] {
  const base = variants.find((v) => v.name === baselineName);
  if (!base) {
    throw new LlmbatchError('usage', `No variant named "${baselineName}" to use as the baseline`,
      `pick one of: ${variants.map((v) => v.name).join(', ')}`);
  }
  return variants.map((v) => v === base
    ? { ...v, delta_tokens_pct: 0, delta_cost_pct: base.cost_usd == null ? null : 0 }
    : {
      ...v,
      delta_tokens_pct: pctDelta(totalTokens(v), totalTokens(base)),
      delta_cost_pct: pctDelta(v.cost_usd, base.cost_usd),
    });
}

export interface GateOptions {
  /** USD: no variant may cost more. */
  maxCost?: number;
  /** Percent: no variant may cost more than the baseline by more than this. */
  maxIncreasePct?: number;
}

const usd = formatUsd;
const pct = (v: number) => formatPct(v);
const limitPct = (v: number) => `${v >= 0 ? '+' : ''}${Number(v.toFixed(2))}%`;

/**
 * A live variant with failed documents is priced on the answered ones only: no gate can say
 * what it costs (it would look cheaper by what failed).
 */
const partial = (v: CompareVariant): string | null =>
  v.failed > 0 ? `${v.name}: ${v.failed} of ${v.documents} documents failed, so its measured cost covers only the answered ones` : null;

function maxCostGate(v: CompareVariant, live: boolean, limit: number): Gate {
  const incomplete = live ? partial(v) : null;
  if (incomplete) return { name: 'max-cost', passed: false, reason: incomplete };
  const cost = live ? v.cost_usd : v.cost_high ?? v.cost_usd;
  const what = live ? 'cost' : 'estimated cost (high end)';
  if (cost == null) {
    return { name: 'max-cost', passed: false, reason: `${v.name}: cost unknown (no price for ${v.model}), limit ${usd(limit)}` };
  }
  const passed = cost <= limit;
  return {
    name: 'max-cost',
    passed,
    reason: `${v.name}: ${what} ${usd(cost)} ${passed ? 'within' : 'exceeds'} limit ${usd(limit)}`,
  };
}

function maxIncreaseGate(v: CompareVariant, base: CompareVariant, limit: number): Gate {
  const vs = `vs baseline ${base.name} (limit ${limitPct(limit)})`;
  const fail = (reason: string): Gate => ({ name: 'max-increase', passed: false, reason });
  const incomplete = partial(v) ?? partial(base);
  if (incomplete) return fail(`${incomplete} ${vs}`);
  if (v.cost_usd == null) return fail(`${v.name}: cost unknown (no price for ${v.model}) ${vs}`);
  if (base.cost_usd == null) return fail(`${v.name}: cost unknown for baseline ${base.name} (no price for ${base.model})`);
  const delta = v.delta_cost_pct ?? pctDelta(v.cost_usd, base.cost_usd);
  if (delta == null) {
    // The baseline is free (e.g. a local model): any cost is an unbounded increase.
    const passed = v.cost_usd <= 0;
    return { name: 'max-increase', passed, reason: `${v.name}: ${usd(v.cost_usd)} against a free baseline ${vs}` };
  }
  return { name: 'max-increase', passed: delta <= limit, reason: `${v.name}: ${pct(delta)} cost ${vs}` };
}

/** One gate per variant and per requested check; [] when no gate option is given. */
export function evaluateGates(result: Pick<CompareResult, 'baseline' | 'live' | 'variants'>, options: GateOptions): Gate[] {
  const gates: Gate[] = [];
  if (options.maxCost != null) {
    for (const v of result.variants) gates.push(maxCostGate(v, result.live, options.maxCost));
  }
  if (options.maxIncreasePct != null) {
    const base = result.variants.find((v) => v.name === result.baseline);
    if (!base) {
      gates.push({ name: 'max-increase', passed: false, reason: `baseline ${result.baseline} not among the variants` });
    } else {
      for (const v of result.variants) {
        if (v !== base) gates.push(maxIncreaseGate(v, base, options.maxIncreasePct));
      }
    }
  }
  return gates;
}
