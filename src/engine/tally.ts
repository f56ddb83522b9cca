import type { CompletionUsage } from '../providers/types.js';
import type { ModelSpend } from '../report/types.js';
import type { CallResult } from './call.js';

/** A ledger row's kind: `escalated` is the first answer an `escalate` call was made for. */
export type CallKind = 'main' | 'chunk' | 'reduce' | 'condense' | 'escalated' | 'escalate' | 'fallback';

/** The sum of every call made for one document (chunks, reduce, condense, escalation). */
export class Tally {
  usage: CompletionUsage = { input_tokens: 0, output_tokens: 0, cached_input_tokens: 0 };
  cost: number | null = 0;
  saved: number | null = 0;
  attempts = 0;
  latencyMs = 0;
  allCached = true;
  /** The same tokens and cost, by the model each call went to (a condense step, an escalation, chunks). */
  readonly byModel = new Map<string, ModelSpend>();

  add(r: Extract<CallResult, { ok: true }>): void {
    this.addSpend(r, r.model);
    if (r.cached) this.saved = this.saved === null || r.listCost === null ? null : this.saved + r.listCost;
    this.attempts += r.attempts;
    this.latencyMs += r.latencyMs;
    this.allCached &&= r.cached;
  }

  /** Tokens and cost of a call — an answer, or a failed call the server still billed (a filtered reply). */
  addSpend(spent: { usage: CompletionUsage; cost: number | null }, model: string): void {
    this.usage.input_tokens += spent.usage.input_tokens;
    this.usage.output_tokens += spent.usage.output_tokens;
    this.usage.cached_input_tokens += spent.usage.cached_input_tokens;
    this.cost = this.cost === null || spent.cost === null ? null : this.cost + spent.cost;
    let m = this.byModel.get(model);
    if (!m) this.byModel.set(model, (m = { model, input_tokens: 0, output_tokens: 0, cost_usd: 0 }));
    m.input_tokens += spent.usage.input_tokens;
    m.output_tokens += spent.usage.output_tokens;
    m.cost_usd = m.cost_usd === null || spent.cost === null ? null : m.cost_usd + spent.cost;
  }

  /** byModel, when the calls went to a model other than `answered` (else the record says it all). */
  otherModels(answered: string): ModelSpend[] | undefined {
    return this.byModel.size > 1 || (this.byModel.size === 1 && !this.byModel.has(answered)) ? [...this.byModel.values()] : undefined;
  }
}
