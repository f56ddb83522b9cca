export type Encoding = 'o200k_base' | 'cl100k_base';

/** One registry entry. Prices are USD per 1M tokens; `null` means unknown (shown as `?`, never $0). */
export interface ModelInfo {
  name: string;
  provider: string;
  input: number | null;
  output: number | null;
  cached_input: number | null;
  /** Fraction off through the provider's Batch API (0.5 = half price); 0 when there is none. */
  batch_discount: number;
  /** Context window in tokens. */
  context: number;
  /** Max output tokens. */
  max_output: number;
  /** The tokenizer encoding used to count; for non-OpenAI families it is an approximation. */
  encoding: Encoding;
  /** True when `encoding` is the model's own public tokenizer; false = counts are labelled estimates. */
  exact: boolean;
  /** ISO date the prices were last checked. */
  checked: string;
  aliases?: string[];
}
