/**
 * Model lookup and cost arithmetic.
 *
 * Lookup order for a name: exact entry, alias, then a family match. The family match is
 * deliberately narrow, because a wrong match prices a run wrongly while an unknown model only
 * prints `?` and a warning:
 * - a provider prefix is dropped (`openai/gpt-4o-mini`, as OpenRouter and LiteLLM spell it);
 * - a dated or numbered snapshot of a known name matches it (`gpt-4o-mini-2099-01-01`,
 *   `gemini-2.0-flash-002`), but a named variant does not (`o3-deep-research`,
 *   `gpt-4o-mini-search-preview` are priced differently);
 * - an Ollama `name:tag` matches with any `-variant` after the tag (`llama3.1:8b-instruct-q4_0`).
 * The longest matching name wins, so `gpt-4o-mini-…` never falls back to `gpt-4o`.
 */
import { LlmbatchError } from '../errors.js';
import { BUILTIN_MODELS, type RegistryEntry } from './builtin.js';
import type { ModelInfo } from './types.js';

/** One `models:` entry from config (SPEC §13); validated by the config schema. */
export type ModelOverride = Partial<Omit<ModelInfo, 'name'>>;

export type MatchKind = 'exact' | 'alias' | 'family' | 'unknown';

export interface ModelLookup {
  /** The entry to use; for an unknown model, a synthetic one with null prices. */
  info: RegisteredModel;
  matched: MatchKind;
  /** False when nothing matched: prices are unknown and callers should warn. */
  known: boolean;
  /** The name as asked for (info.name is the registry's name for it). */
  requested: string;
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  /** The part of `input_tokens` served from the provider's prompt cache (OpenAI's convention). */
  cached_input_tokens?: number;
}

/** A registry entry as handed out: frozen, and tagged with where it came from. */
export type RegisteredModel = Readonly<RegistryEntry & { source: 'builtin' | 'config' | 'unknown' }>;
type Entry = RegisteredModel;

/** Defaults for a model the registry does not know (SPEC §13 example values). */
const DEFAULTS = {
  input: null,
  output: null,
  cached_input: null,
  batch_discount: 0,
  context: 8192,
  max_output: 2048,
  encoding: 'cl100k_base',
  exact: false,
  checked: '',
} as const satisfies Omit<ModelInfo, 'name' | 'provider'>;

const SNAPSHOT_TAIL = /^(-(\d+|latest))+$/;
const OLLAMA_VARIANT_TAIL = /^-[\w.-]+$/;
const PRICE_KEYS = ['input', 'output', 'cached_input'] as const;

export class ModelRegistry {
  readonly #entries = new Map<string, Entry>();
  readonly #aliases = new Map<string, string>();
  /** Every name and alias, longest first, for the family match. */
  #prefixes: string[] = [];

  constructor(
    overrides: Readonly<Record<string, ModelOverride>> = {},
    builtins: readonly RegistryEntry[] = BUILTIN_MODELS,
  ) {
    for (const b of builtins) this.#add({ ...b, source: 'builtin' });
    for (const [name, override] of Object.entries(overrides)) this.#override(name, override);
  }

  /**
   * Lookups are memoised per name. The registry does not change after construction, except by
   * narrowContext (what a server said of its window during a run).
   */
  readonly #memo = new Map<string, ModelLookup>();

  /**
   * The server behind a run said this model's window is smaller than the registry's (a local
   * server started with a smaller context): later lookups of this name give `context` (and
   * max_output at most that). Returns whether anything changed.
   */
  narrowContext(name: string, context: number): boolean {
    const hit = this.get(name);
    if (context >= hit.info.context) return false;
    const info = Object.freeze({ ...hit.info, context, max_output: Math.min(hit.info.max_output, context) });
    this.#memo.set(name, { ...hit, info });
    return true;
  }

  get(name: string): ModelLookup {
    let hit = this.#memo.get(name);
    if (!hit) this.#memo.set(name, (hit = this.#lookup(name)));
    return hit;
  }

  #lookup(name: string): ModelLookup {
    const requested = name;
    const trimmed = name.trim();
    const direct = this.#direct(trimmed);
    if (direct) return { ...direct, known: true, requested };
    const hit = this.#family(trimmed)
      ?? variants(trimmed).map((v) => this.#direct(v) ?? this.#family(v)).find((h) => h !== undefined);
    if (hit) return { info: hit.info, matched: 'family', known: true, requested };
    const info: Entry = Object.freeze({ name, provider: 'unknown', ...DEFAULTS, aliases: [], source: 'unknown' as const });
    return { info, matched: 'unknown', known: false, requested };
  }

  list(): Entry[] {
    return [...this.#entries.values()];
  }

  #direct(name: string): Pick<ModelLookup, 'info' | 'matched'> | undefined {
    const exact = this.#entries.get(name);
    if (exact) return { info: exact, matched: 'exact' };
    const target = this.#aliases.get(name);
    if (target) return { info: this.#entries.get(target)!, matched: 'alias' };
    return undefined;
  }

  #family(name: string): Pick<ModelLookup, 'info' | 'matched'> | undefined {
    for (const prefix of this.#prefixes) {
      if (!name.startsWith(prefix)) continue;
      const tail = name.slice(prefix.length);
      const ok = prefix.includes(':') ? OLLAMA_VARIANT_TAIL.test(tail) : SNAPSHOT_TAIL.test(tail);
      if (ok) return { info: this.#direct(prefix)!.info, matched: 'family' };
    }
    return undefined;
  }

  #add(entry: RegistryEntry & { source: Entry['source'] }): void {
    const aliases = [...new Set(entry.aliases ?? [])];
    this.#entries.set(entry.name, Object.freeze({ ...entry, aliases: Object.freeze(aliases) as string[] }));
    for (const alias of aliases) this.#aliases.set(alias, entry.name);
    this.#index();
  }

  #index(): void {
    this.#memo.clear();
    this.#prefixes = [...this.#entries.keys(), ...this.#aliases.keys()].sort((a, b) => b.length - a.length);
  }

  /**
   * A known name merges into its entry. A name that resolves to a known model by alias or
   * family becomes its own entry seeded from that model (so `openai/gpt-4o-mini` with a
   * different price keeps gpt-4o-mini's context and encoding). Anything else starts from DEFAULTS.
   */
  #override(name: string, override: ModelOverride): void {
    const given = definedFields(override);
    const where = `models.${name}`;
    for (const alias of given.aliases ?? []) {
      if (this.#entries.has(alias) && alias !== name) {
        throw new LlmbatchError('config', `${where}.aliases: "${alias}" is already a model name`,
          'Remove the alias, or override that model under its own name.');
      }
    }
    const found = this.get(name);
    const base: RegistryEntry = found.known
      ? { ...found.info, name, aliases: found.matched === 'exact' ? [...(found.info.aliases ?? [])] : [] }
      : { name, provider: 'custom', ...DEFAULTS, aliases: [] };
    if (!found.known && given.context !== undefined && given.max_output === undefined) {
      base.max_output = Math.min(DEFAULTS.max_output, given.context);
    }
    const merged: RegistryEntry = { ...base, ...given, aliases: [...(base.aliases ?? []), ...(given.aliases ?? [])] };
    if (PRICE_KEYS.some((k) => k in given) && given.checked === undefined) merged.checked = '';
    if (merged.max_output > merged.context) {
      throw new LlmbatchError('config', `${where}: max_output (${merged.max_output}) exceeds context (${merged.context})`,
        `Set ${where}.max_output to at most ${merged.context}, or raise ${where}.context.`);
    }
    this.#add({ ...merged, source: 'config' });
  }
}

/** Spellings to retry: without a `provider/` prefix, and lower-cased. */
function variants(name: string): string[] {
  const bare = name.includes('/') ? name.slice(name.lastIndexOf('/') + 1) : name;
  return [...new Set([bare, name.toLowerCase(), bare.toLowerCase()])].filter((n) => n !== name && n !== '');
}

function definedFields(o: ModelOverride): ModelOverride {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as ModelOverride;
}

/**
 * Cost in USD of one request (or a sum of requests), unrounded. Null when a price needed for a
 * non-zero token count is unknown — an unknown cost is never reported as $0. Cached input tokens
 * are billed at `cached_input`, or at `input` when the model has no cached price.
 */
export function costOf(
  info: Pick<ModelInfo, 'input' | 'output' | 'cached_input' | 'batch_discount'>,
  usage: Usage,
  opts: { batch?: boolean } = {},
): number | null {
  const { input_tokens, output_tokens, cached_input_tokens = 0 } = usage;
  for (const n of [input_tokens, output_tokens, cached_input_tokens]) {
    if (!Number.isFinite(n) || n < 0) throw new RangeError(`token counts must be finite and ≥ 0, got ${n}`);
  }
  if (cached_input_tokens > input_tokens) {
    throw new RangeError(`cached_input_tokens (${cached_input_tokens}) exceeds input_tokens (${input_tokens})`);
  }
  const uncached = input_tokens - cached_input_tokens;
  const cachedPrice = info.cached_input ?? info.input;
  const parts: Array<[number, number | null]> = [
    [uncached, info.input],
    [cached_input_tokens, cachedPrice],
    [output_tokens, info.output],
  ];
  let usd = 0;
  for (const [tokens, price] of parts) {
    if (tokens === 0) continue;
    if (price === null) return null;
    usd += (tokens * price) / 1_000_000;
  }
  return opts.batch ? usd * (1 - info.batch_discount) : usd;
}
