/**
 * The data shapes every report is a pure reduction into, and every renderer reads.
 * Key names are the contract of SPEC §15 (keys may be added, never renamed).
 */

/** What one model was paid for (tokens and cost) within a document or a run. */
export interface ModelSpend {
  model: string;
  input_tokens: number;
  output_tokens: number;
  /** null when the model's price is unknown. */
  cost_usd: number | null;
}

/** One request outcome, as the engine emits it and the ledger stores it. */
export interface UsageRecord {
  id: string;
  model: string;
  prompt: string;
  /** promptHash of the template (its text): the ledger's output history matches on it, not on the name. */
  prompt_hash?: string;
  /** 'aborted': the run stopped before the document finished; recorded only for what it was billed. */
  status: 'ok' | 'error' | 'aborted';
  cached: boolean;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  /** null when the model's price is unknown. */
  cost_usd: number | null;
  /** What a cache hit would have cost to send (0 for misses). null when unknown. */
  saved_usd: number | null;
  latency_ms: number;
  attempts: number;
  chunks: number;
  error_code?: string | null;
  /** Human-readable error message for failed records (already redacted). */
  error?: string | null;
  /** Tokens of the document before/after compression (equal when no compression). */
  doc_tokens_before?: number;
  doc_tokens_after?: number;
  /**
   * Tokens and cost by model when the document's calls went to models other than `model` (an
   * llm compression step, an escalation, a failed first choice the server billed); they add up
   * to the record's. Absent: all of it was `model`'s. Not stored in the ledger's row (the calls
   * behind it have rows of their own).
   */
  by_model?: ModelSpend[];
}

export interface ModelTotals {
  model: string;
  documents: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number | null;
}

export interface RunReport {
  run_id: string;
  command: string;
  started_at: string;
  finished_at: string;
  duration_ms: number;
  interrupted: boolean;
  documents: { total: number; done: number; failed: number; skipped: number; cached: number };
  /** before/after_compression: the documents' own tokens, counted only with --compress (else null). */
  tokens: { input: number; output: number; cached_input: number; before_compression: number | null; after_compression: number | null };
  cost_usd: number | null;
  saved_usd: number | null;
  /** null when no request was timed (no document answered, or nothing to do: SPEC §15). */
  latency_ms: { p50: number | null; p95: number | null; max: number | null };
  throughput: { documents_per_s: number; tokens_per_s: number };
  models: ModelTotals[];
  skipped: { path: string; reason: string }[];
  /** The first failures (at most 20), for the human summary. */
  failures: { id: string; error: string }[];
  warnings: string[];
}

export interface EstimateModel {
  model: string;
  documents: number;
  input_tokens: number;
  /** Input tokens of the documents before compression (equal to the document tokens when none). */
  input_tokens_before_compression: number;
  output_tokens_estimate: number;
  cost_usd: { low: number | null; high: number | null };
  /** Documents whose prompt + max output do not fit the model's context window. */
  over_context: number;
  over_context_ids: string[];
  /**
   * Chunk requests of the map step for the over_context documents: the run map-reduces them
   * (SPEC §6), and their chunks and reduce rounds are in input_tokens and cost_usd.
   */
  over_context_chunks: number;
  /** false when the token counts are an estimate (non-OpenAI tokenizer). */
  exact: boolean;
  price_known: boolean;
}

export interface EstimateResult {
  documents: number;
  skipped: { path: string; reason: string }[];
  errors: { id: string; message: string }[];
  prompt: string | null;
  compress: string;
  models: EstimateModel[];
  largest: { id: string; tokens: number }[];
  by_file?: { id: string; tokens: number; cost_usd: Record<string, number | null> }[];
  output_estimate: { method: 'fill-ratio' | 'ledger'; fill_ratio?: number; samples?: number };
  warnings: string[];
}

export interface CompareVariant {
  name: string;
  prompt: string;
  model: string;
  compress: string;
  documents: number;
  input_tokens: number;
  input_tokens_before_compression: number;
  output_tokens: number;
  /** Where output tokens come from: measured (live), the ledger's history, or max tokens × fill ratio. */
  output_source: 'measured' | 'ledger' | 'fill-ratio';
  output_samples: number;
  cost_usd: number | null;
  cost_low: number | null;
  cost_high: number | null;
  cost_per_1k_docs: number | null;
  delta_tokens_pct: number | null;
  delta_cost_pct: number | null;
  latency_ms: { p50: number; p95: number } | null;
  /** Mean ROUGE-L F1 of this variant's outputs against the baseline's, per document. */
  similarity: number | null;
  similarity_worst: number | null;
  /** Live only: how far the offline estimate was from the measured numbers (percent, signed). */
  estimate_error_pct: { input_tokens: number | null; output_tokens: number | null; cost: number | null } | null;
  /** Live only: every request latency, for the distribution chart. */
  latencies?: number[];
  failed: number;
  /**
   * The offline estimate: documents over the model's window, which the run map-reduces (SPEC §6),
   * and their chunk requests; their chunks and reduce rounds are in input_tokens and the cost.
   */
  over_context?: number;
  over_context_chunks?: number;
}

export interface Gate {
  name: string;
  passed: boolean;
  reason: string;
}

export interface CompareResult {
  baseline: string;
  live: boolean;
  documents: number;
  skipped: { path: string; reason: string }[];
  variants: CompareVariant[];
  gates: Gate[];
  notes: string[];
  /** Offline: the fill ratio behind 'fill-ratio' output estimates (max output tokens × ratio). */
  fill_ratio?: number;
}
