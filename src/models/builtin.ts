/**
 * The built-in model table: list prices in USD per 1M tokens, as published by each provider.
 *
 * Prices drift. `checked` is the date the numbers were last compared with the provider's
 * pricing page; a user who sees a different price overrides it in config (`models:`, SPEC §13)
 * rather than waiting for a release. Where a price does not exist (no prompt caching), it is
 * `null`, which reports show as `?` — never as $0.
 *
 * Sources:
 *   https://platform.openai.com/docs/pricing
 *   https://docs.anthropic.com/en/docs/about-claude/pricing   (cached_input = cache *read*)
 *   https://ai.google.dev/gemini-api/docs/pricing               (text input, paid tier)
 *   https://mistral.ai/pricing
 *
 * Simplifications, on purpose:
 * - Tiered prices keep the first tier (gemini-2.5-pro ≤200k-token prompts; Claude Sonnet 4/4.5
 *   above 200k input costs more and needs a beta header, so `context` stays 200k).
 * - Anthropic cache *writes* cost more than plain input (1.25×); the registry only knows reads.
 * - Local open-weights models (Ollama-style `name:tag`) cost $0 per token on your own hardware.
 *   Hosted open-weights names carry `null` prices: every host charges differently.
 */
import type { Encoding, ModelInfo } from './types.js';

/** A registry entry may carry a short note for `llmbatch models`. */
export interface RegistryEntry extends ModelInfo {
  note?: string;
}

type Family = Pick<ModelInfo, 'provider' | 'batch_discount' | 'encoding' | 'exact' | 'checked'> & {
  note?: string;
};

function model(
  family: Family,
  name: string,
  [input, output, cached_input]: [number | null, number | null, number | null],
  [context, max_output]: [number, number],
  aliases: string[] = [],
  extra: Partial<RegistryEntry> = {},
): RegistryEntry {
  return { name, ...family, input, output, cached_input, context, max_output, aliases, ...extra };
}

const O200K: Encoding = 'o200k_base';
const CL100K: Encoding = 'cl100k_base';

// Batch API: 50% off input and output. https://platform.openai.com/docs/guides/batch
const OPENAI: Family = { provider: 'openai', batch_discount: 0.5, encoding: O200K, exact: true, checked: '2025-10-01' };
const OPENAI_LEGACY: Family = { ...OPENAI, encoding: CL100K };
// Message Batches API: 50% off. https://docs.anthropic.com/en/docs/build-with-claude/batch-processing
const ANTHROPIC: Family = {
  provider: 'anthropic', batch_discount: 0.5, encoding: O200K, exact: false, checked: '2025-10-15',
  note: 'token counts are o200k_base estimates; Claude tokenizes differently',
};
// Batch Mode: 50% off. https://ai.google.dev/gemini-api/docs/batch-mode
const GOOGLE: Family = {
  provider: 'google', batch_discount: 0.5, encoding: O200K, exact: false, checked: '2025-09-01',
  note: 'token counts are o200k_base estimates; Gemini tokenizes differently',
};
// Mistral's Batch API is 50% off as well. https://docs.mistral.ai/capabilities/batch/
const MISTRAL: Family = {
  provider: 'mistral', batch_discount: 0.5, encoding: O200K, exact: false, checked: '2025-07-01',
  note: 'token counts are o200k_base estimates; Mistral tokenizes differently',
};
const LOCAL: Family = {
  provider: 'local', batch_discount: 0, encoding: O200K, exact: false, checked: '2025-10-01',
  note: '$0 assumes a local server (Ollama, llama.cpp, LM Studio); hosted prices vary: set them under models: in config',
};
const HOSTED: Family = {
  provider: 'open-weights', batch_discount: 0, encoding: O200K, exact: false, checked: '2025-10-01',
  note: 'price depends on the host: set input/output under models: in config',
};

const openai: RegistryEntry[] = [
  model(OPENAI, 'gpt-4o', [2.5, 10, 1.25], [128_000, 16_384], ['gpt-4o-2024-08-06', 'gpt-4o-2024-11-20']),
  // The first gpt-4o snapshot kept its launch price; without this row the family match would
  // price it as today's gpt-4o.
  model(OPENAI, 'gpt-4o-2024-05-13', [5, 15, null], [128_000, 4_096]),
  model(OPENAI, 'gpt-4o-mini', [0.15, 0.6, 0.075], [128_000, 16_384], ['gpt-4o-mini-2024-07-18']),
  model(OPENAI, 'gpt-4.1', [2, 8, 0.5], [1_047_576, 32_768], ['gpt-4.1-2025-04-14']),
  model(OPENAI, 'gpt-4.1-mini', [0.4, 1.6, 0.1], [1_047_576, 32_768], ['gpt-4.1-mini-2025-04-14']),
  model(OPENAI, 'gpt-4.1-nano', [0.1, 0.4, 0.025], [1_047_576, 32_768], ['gpt-4.1-nano-2025-04-14']),
  model(OPENAI, 'o1', [15, 60, 7.5], [200_000, 100_000], ['o1-2024-12-17']),
  model(OPENAI, 'o1-mini', [1.1, 4.4, 0.55], [128_000, 65_536], ['o1-mini-2024-09-12']),
  // o3 was cut from 10/40 to 2/8 in June 2025.
  model(OPENAI, 'o3', [2, 8, 0.5], [200_000, 100_000], ['o3-2025-04-16']),
  model(OPENAI, 'o3-pro', [20, 80, null], [200_000, 100_000], ['o3-pro-2025-06-10']),
  model(OPENAI, 'o3-mini', [1.1, 4.4, 0.55], [200_000, 100_000], ['o3-mini-2025-01-31']),
  model(OPENAI, 'o4-mini', [1.1, 4.4, 0.275], [200_000, 100_000], ['o4-mini-2025-04-16']),
  model(OPENAI, 'gpt-5', [1.25, 10, 0.125], [400_000, 128_000], ['gpt-5-2025-08-07']),
  model(OPENAI, 'gpt-5-mini', [0.25, 2, 0.025], [400_000, 128_000], ['gpt-5-mini-2025-08-07']),
  model(OPENAI, 'gpt-5-nano', [0.05, 0.4, 0.005], [400_000, 128_000], ['gpt-5-nano-2025-08-07']),
  model(OPENAI_LEGACY, 'gpt-4-turbo', [10, 30, null], [128_000, 4_096],
    ['gpt-4-turbo-2024-04-09', 'gpt-4-turbo-preview', 'gpt-4-0125-preview', 'gpt-4-1106-preview']),
  model(OPENAI_LEGACY, 'gpt-3.5-turbo', [0.5, 1.5, null], [16_385, 4_096], ['gpt-3.5-turbo-0125']),
  // An older snapshot at a higher price; listed so the family match does not underprice it.
  model(OPENAI_LEGACY, 'gpt-3.5-turbo-1106', [1, 2, null], [16_385, 4_096]),
];

// OpenRouter spells Claude versions with dots (anthropic/claude-3.5-haiku); those are aliases.
const anthropic: RegistryEntry[] = [
  model(ANTHROPIC, 'claude-3-haiku', [0.25, 1.25, 0.03], [200_000, 4_096],
    ['claude-3-haiku-20240307']),
  model(ANTHROPIC, 'claude-3-5-haiku', [0.8, 4, 0.08], [200_000, 8_192],
    ['claude-3-5-haiku-20241022', 'claude-3-5-haiku-latest', 'claude-3.5-haiku']),
  model(ANTHROPIC, 'claude-3-5-sonnet', [3, 15, 0.3], [200_000, 8_192],
    ['claude-3-5-sonnet-20241022', 'claude-3-5-sonnet-20240620', 'claude-3-5-sonnet-latest', 'claude-3.5-sonnet']),
  model(ANTHROPIC, 'claude-3-7-sonnet', [3, 15, 0.3], [200_000, 64_000],
    ['claude-3-7-sonnet-20250219', 'claude-3-7-sonnet-latest', 'claude-3.7-sonnet']),
  model(ANTHROPIC, 'claude-sonnet-4', [3, 15, 0.3], [200_000, 64_000],
    ['claude-sonnet-4-20250514', 'claude-sonnet-4-0']),
  model(ANTHROPIC, 'claude-opus-4', [15, 75, 1.5], [200_000, 32_000],
    ['claude-opus-4-20250514', 'claude-opus-4-0']),
  model(ANTHROPIC, 'claude-opus-4-1', [15, 75, 1.5], [200_000, 32_000],
    ['claude-opus-4-1-20250805', 'claude-opus-4.1']),
  model(ANTHROPIC, 'claude-sonnet-4-5', [3, 15, 0.3], [200_000, 64_000],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4.5']),
  model(ANTHROPIC, 'claude-haiku-4-5', [1, 5, 0.1], [200_000, 64_000],
    ['claude-haiku-4-5-20251001', 'claude-haiku-4.5']),
  model(ANTHROPIC, 'claude-opus-4-5', [5, 25, 0.5], [200_000, 64_000],
    ['claude-opus-4-5-20251101', 'claude-opus-4.5'], { checked: '2025-11-24' }),
];

const google: RegistryEntry[] = [
  model(GOOGLE, 'gemini-2.0-flash', [0.1, 0.4, 0.025], [1_048_576, 8_192], ['gemini-2.0-flash-001']),
  model(GOOGLE, 'gemini-2.0-flash-lite', [0.075, 0.3, null], [1_048_576, 8_192], ['gemini-2.0-flash-lite-001']),
  model(GOOGLE, 'gemini-2.5-flash', [0.3, 2.5, 0.03], [1_048_576, 65_536]),
  model(GOOGLE, 'gemini-2.5-flash-lite', [0.1, 0.4, 0.01], [1_048_576, 65_536]),
  model(GOOGLE, 'gemini-2.5-pro', [1.25, 10, 0.125], [1_048_576, 65_536], [],
    { note: 'prompts over 200k tokens cost 2.50/15.00; o200k_base counts are estimates' }),
];

// Mistral publishes no output cap separate from the context window; 8192 is a conservative cap.
const mistral: RegistryEntry[] = [
  model(MISTRAL, 'mistral-large', [2, 6, null], [131_072, 8_192], ['mistral-large-latest', 'mistral-large-2411']),
  model(MISTRAL, 'mistral-medium', [0.4, 2, null], [131_072, 8_192], ['mistral-medium-latest', 'mistral-medium-2505']),
  model(MISTRAL, 'mistral-small', [0.1, 0.3, null], [131_072, 8_192], ['mistral-small-latest', 'mistral-small-2506']),
  model(MISTRAL, 'codestral', [0.3, 0.9, null], [262_144, 8_192], ['codestral-latest', 'codestral-2501']),
  model(MISTRAL, 'mistral-nemo', [0.15, 0.15, null], [131_072, 8_192], ['open-mistral-nemo', 'open-mistral-nemo-2407']),
];

// Context windows are the models' own; Ollama's default num_ctx is smaller unless raised.
// The open models have no separate output cap; max_output is a conservative default.
const FREE: [number, number, null] = [0, 0, null];
const local: RegistryEntry[] = [
  model(LOCAL, 'llama3.1:8b', FREE, [131_072, 8_192], ['llama3.1', 'llama3.1:latest']),
  model(LOCAL, 'llama3.1:70b', FREE, [131_072, 8_192]),
  model(LOCAL, 'llama3.2:3b', FREE, [131_072, 8_192], ['llama3.2', 'llama3.2:latest']),
  model(LOCAL, 'llama3.3:70b', FREE, [131_072, 8_192], ['llama3.3', 'llama3.3:latest']),
  model(LOCAL, 'qwen2.5:7b', FREE, [32_768, 8_192], ['qwen2.5', 'qwen2.5:latest']),
  model(LOCAL, 'qwen2.5:14b', FREE, [32_768, 8_192]),
  model(LOCAL, 'qwen2.5:32b', FREE, [32_768, 8_192]),
  model(LOCAL, 'qwen2.5-coder:7b', FREE, [32_768, 8_192], ['qwen2.5-coder', 'qwen2.5-coder:latest']),
  model(LOCAL, 'qwen2.5-coder:32b', FREE, [32_768, 8_192]),
  model(LOCAL, 'mistral:7b', FREE, [32_768, 8_192], ['mistral', 'mistral:latest']),
  model(LOCAL, 'mistral-nemo:12b', FREE, [131_072, 8_192], ['mistral-nemo:latest']),
  model(LOCAL, 'gemma2:9b', FREE, [8_192, 4_096], ['gemma2', 'gemma2:latest']),
  model(LOCAL, 'gemma2:27b', FREE, [8_192, 4_096]),
  model(LOCAL, 'phi3:mini', FREE, [4_096, 2_048], ['phi3', 'phi3:latest', 'phi3:3.8b']),
  model(LOCAL, 'phi4:14b', FREE, [16_384, 4_096], ['phi4', 'phi4:latest']),
];

// The same weights under the names OpenAI-compatible hosts use (OpenRouter, Groq, DeepInfra…).
const hosted: RegistryEntry[] = [
  model(HOSTED, 'llama-3.1-8b-instruct', [null, null, null], [131_072, 8_192], ['llama-3.1-8b-instant']),
  model(HOSTED, 'llama-3.1-70b-instruct', [null, null, null], [131_072, 8_192]),
  model(HOSTED, 'llama-3.3-70b-instruct', [null, null, null], [131_072, 8_192], ['llama-3.3-70b-versatile']),
  model(HOSTED, 'qwen-2.5-7b-instruct', [null, null, null], [32_768, 8_192]),
  model(HOSTED, 'qwen-2.5-coder-32b-instruct', [null, null, null], [32_768, 8_192]),
  model(HOSTED, 'mistral-7b-instruct', [null, null, null], [32_768, 8_192]),
  model(HOSTED, 'gemma-2-9b-it', [null, null, null], [8_192, 4_096]),
];

export const BUILTIN_MODELS: readonly RegistryEntry[] = [
  ...openai, ...anthropic, ...google, ...mistral, ...local, ...hosted,
];
