import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS, ModelRegistry, costOf, type ModelInfo } from '../../src/models/index.js';
import { LlmbatchError } from '../../src/errors.js';

const registry = new ModelRegistry();

describe('lookup', () => {
  it.each([
    ['gpt-4o-mini', 'gpt-4o-mini', 'exact'],
    ['gpt-4o-mini-2024-07-18', 'gpt-4o-mini', 'alias'],
    ['claude-3-5-haiku-latest', 'claude-3-5-haiku', 'alias'],
    ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5', 'alias'],
    ['llama3.1', 'llama3.1:8b', 'alias'],
    ['gpt-4o-mini-2099-01-01', 'gpt-4o-mini', 'family'],
    ['gpt-4o-2099-01-01', 'gpt-4o', 'family'],
    ['gpt-4.1-nano-2099-01-01', 'gpt-4.1-nano', 'family'],
    ['claude-haiku-4-5-20991231', 'claude-haiku-4-5', 'family'],
    ['gemini-2.0-flash-002', 'gemini-2.0-flash', 'family'],
    ['mistral-large-2512', 'mistral-large', 'family'],
    ['openai/gpt-4o-mini', 'gpt-4o-mini', 'family'],
    ['anthropic/claude-3.5-haiku', 'claude-3-5-haiku', 'family'],
    ['google/gemini-2.5-flash', 'gemini-2.5-flash', 'family'],
    ['meta-llama/llama-3.1-8b-instruct', 'llama-3.1-8b-instruct', 'family'],
    ['GPT-4o-mini', 'gpt-4o-mini', 'family'],
    ['llama3.1:8b-instruct-q4_0', 'llama3.1:8b', 'family'],
    ['qwen2.5-coder:7b-instruct-q8_0', 'qwen2.5-coder:7b', 'family'],
    ['gpt-4o-2024-05-13', 'gpt-4o-2024-05-13', 'exact'],
  ])('%s → %s (%s)', (name, canonical, matched) => {
    const hit = registry.get(name);
    expect(hit).toMatchObject({ matched, known: true, requested: name });
    expect(hit.info.name).toBe(canonical);
  });

  it.each([
    'o3-deep-research',             // a named variant, not a snapshot
    'gpt-4o-mini-search-preview',
    'gemini-2.5-flash-image',
    'llama3.1:405b',                // `llama3.1` is an alias of the 8b tag, not a family of sizes
    'my-finetune',
    'gpt-4',                        // no such entry; must not borrow gpt-4o's price
  ])('%s is unknown: null prices, never 0', (name) => {
    const hit = registry.get(name);
    expect(hit).toMatchObject({ matched: 'unknown', known: false });
    expect(hit.info).toMatchObject({
      name, input: null, output: null, cached_input: null, context: 8192, exact: false,
    });
    expect(costOf(hit.info, { input_tokens: 1000, output_tokens: 10 })).toBeNull();
  });

  it('local Ollama names are free, hosted open-weights names are unpriced', () => {
    expect(registry.get('llama3.1:8b').info).toMatchObject({ input: 0, output: 0, provider: 'local' });
    expect(registry.get('llama-3.3-70b-instruct').info).toMatchObject({ input: null, output: null });
  });
});

describe('overrides', () => {
  const r = new ModelRegistry({
    'gpt-4o-mini': { input: 0.2 },
    'my-llama': { input: 0, output: 0, context: 4096 },
    'openai/gpt-4.1': { input: 2.2, output: 8.8 },
    'team-model': { provider: 'vllm', input: 1, output: 2, context: 32_000, max_output: 4000, aliases: ['tm'] },
  });

  it.each<[string, Partial<ModelInfo> & { source?: string }]>([
    ['gpt-4o-mini', { input: 0.2, output: 0.6, cached_input: 0.075, context: 128_000, source: 'config' }],
    ['gpt-4o-mini-2024-07-18', { name: 'gpt-4o-mini', input: 0.2 }],
    ['my-llama', { provider: 'custom', input: 0, output: 0, cached_input: null, context: 4096, max_output: 2048,
      encoding: 'cl100k_base', exact: false }],
    ['openai/gpt-4.1', { input: 2.2, output: 8.8, context: 1_047_576, encoding: 'o200k_base', exact: true }],
    ['tm', { name: 'team-model', provider: 'vllm', max_output: 4000 }],
    ['gpt-4o', { input: 2.5, source: 'builtin' }],
  ])('%s', (name, expected) => {
    const hit = r.get(name);
    expect(hit.known).toBe(true);
    expect(hit.info).toMatchObject(expected);
  });

  it('a new model with a small context gets max_output clamped to it', () => {
    expect(new ModelRegistry({ tiny: { context: 1024 } }).get('tiny').info.max_output).toBe(1024);
  });

  it.each([
    [{ x: { context: 1000, max_output: 2000 } }, /max_output/],
    [{ x: { aliases: ['gpt-4o'] } }, /already a model name/],
  ])('rejects %j', (overrides, message) => {
    expect(() => new ModelRegistry(overrides)).toThrow(LlmbatchError);
    expect(() => new ModelRegistry(overrides)).toThrow(message);
  });

  it('does not change the built-in table', () => {
    expect(new ModelRegistry().get('gpt-4o-mini').info.input).toBe(0.15);
    expect(BUILTIN_MODELS.find((m) => m.name === 'gpt-4o-mini')!.input).toBe(0.15);
  });
});

describe('costOf', () => {
  const mini = registry.get('gpt-4o-mini').info;
  const price = (input: number | null, output: number | null, cached_input: number | null, batch_discount = 0.5) =>
    ({ input, output, cached_input, batch_discount });

  it.each<[string, Parameters<typeof costOf>[0], Parameters<typeof costOf>[1], boolean, number | null]>([
    ['1M in + 1M out on gpt-4o-mini', mini, { input_tokens: 1e6, output_tokens: 1e6 }, false, 0.75],
    ['batch halves it', mini, { input_tokens: 1e6, output_tokens: 1e6 }, true, 0.375],
    ['cached input at the cached price', mini, { input_tokens: 1e6, output_tokens: 0, cached_input_tokens: 1e6 }, false, 0.075],
    ['half cached', mini, { input_tokens: 2e6, output_tokens: 0, cached_input_tokens: 1e6 }, false, 0.225],
    ['cached at input price when no cached price', price(10, 30, null), { input_tokens: 1e6, output_tokens: 0, cached_input_tokens: 5e5 }, false, 10],
    ['no batch discount available', price(1, 2, null, 0), { input_tokens: 1e6, output_tokens: 1e6 }, true, 3],
    ['small counts', price(2.5, 10, 1.25), { input_tokens: 1000, output_tokens: 500 }, false, 0.0075],
    ['zero tokens', mini, { input_tokens: 0, output_tokens: 0 }, false, 0],
    ['unknown output price', price(1, null, null), { input_tokens: 10, output_tokens: 10 }, false, null],
    ['unknown price not needed for 0 tokens', price(1, null, null), { input_tokens: 1e6, output_tokens: 0 }, false, 1],
    ['local model is really free', registry.get('llama3.1:8b').info, { input_tokens: 1e6, output_tokens: 1e6 }, false, 0],
  ])('%s', (_label, info, usage, batch, expected) => {
    const usd = costOf(info, usage, { batch });
    if (expected === null) expect(usd).toBeNull();
    else expect(usd).toBeCloseTo(expected, 12);
  });

  it.each([
    [{ input_tokens: -1, output_tokens: 0 }],
    [{ input_tokens: Number.NaN, output_tokens: 0 }],
    [{ input_tokens: 10, output_tokens: 0, cached_input_tokens: 11 }],
  ])('rejects impossible usage %j', (usage) => {
    expect(() => costOf(mini, usage)).toThrow(RangeError);
  });
});

describe('built-in table', () => {
  const names = BUILTIN_MODELS.flatMap((m) => [m.name, ...(m.aliases ?? [])]);

  it('names and aliases are unique', () => {
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(BUILTIN_MODELS.map((m) => [m.name, m] as const))('%s is well-formed', (_name, m) => {
    expect(m.provider).toMatch(/^[a-z-]+$/);
    expect(Number.isInteger(m.context) && m.context > 0).toBe(true);
    expect(Number.isInteger(m.max_output) && m.max_output > 0).toBe(true);
    expect(m.max_output).toBeLessThanOrEqual(m.context);
    expect(['o200k_base', 'cl100k_base']).toContain(m.encoding);
    expect(m.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(new Date(`${m.checked}T00:00:00Z`).toISOString().slice(0, 10)).toBe(m.checked);
    expect(m.batch_discount).toBeGreaterThanOrEqual(0);
    expect(m.batch_discount).toBeLessThan(1);
    for (const p of [m.input, m.output, m.cached_input]) {
      if (p !== null) expect(Number.isFinite(p) && p >= 0).toBe(true);
    }
    if (m.cached_input !== null && m.input !== null) expect(m.cached_input).toBeLessThanOrEqual(m.input);
    // Only OpenAI's own models have a public tokenizer.
    expect(m.exact).toBe(m.provider === 'openai');
  });

  it.each([
    ['gpt-4o-mini', 0.15, 0.6, 0.075],
    ['gpt-4o', 2.5, 10, 1.25],
    ['gpt-4.1', 2, 8, 0.5],
    ['gpt-4.1-mini', 0.4, 1.6, 0.1],
    ['gpt-4.1-nano', 0.1, 0.4, 0.025],
    ['gpt-5', 1.25, 10, 0.125],
    ['gpt-5-mini', 0.25, 2, 0.025],
    ['gpt-5-nano', 0.05, 0.4, 0.005],
  ])('%s list price %f/%f/%f', (name, input, output, cached_input) => {
    expect(registry.get(name).info).toMatchObject({ input, output, cached_input });
  });

  it.each([
    ['gpt-3.5-turbo', 'cl100k_base'],
    ['gpt-4-turbo', 'cl100k_base'],
    ['gpt-4o', 'o200k_base'],
    ['o3-mini', 'o200k_base'],
    ['gpt-5-nano', 'o200k_base'],
  ])('%s counts with %s', (name, encoding) => {
    expect(registry.get(name).info.encoding).toBe(encoding);
  });
});
