import { describe, expect, it } from 'vitest';
import { promptHash, type PromptTemplate } from '../../src/prompt/index.js';

const base: PromptTemplate = { name: 'summary', system: 'You are terse.', user: 'Summarize in detail:\n\n{{document}}' };

describe('promptHash: what the ledger matches past answers on', () => {
  it.each<[string, PromptTemplate]>([
    ['another name (a renamed or copied file)', { ...base, name: 'summary-base' }],
    ['another model, temperature or max tokens (flags set those too)', { ...base, model: 'gpt-4.1', temperature: 0.7, max_tokens: 99 }],
  ])('is the same for %s', (_what, other) => {
    expect(promptHash(other)).toBe(promptHash(base));
  });

  it.each<[string, PromptTemplate]>([
    ['an edited user text', { ...base, user: 'Summarize in one line:\n\n{{document}}' }],
    ['an edited system text', { ...base, system: 'You are thorough.' }],
    ['no system text', { name: base.name, user: base.user }],
    ['JSON output', { ...base, response_format: 'json' }],
  ])('differs for %s', (_what, other) => {
    expect(promptHash(other)).not.toBe(promptHash(base));
  });

  it('treats an empty system text as none, as the request does; is 16 hex digits', () => {
    expect(promptHash({ name: 'a', system: '', user: 'x' })).toBe(promptHash({ name: 'a', user: 'x' }));
    expect(promptHash(base)).toMatch(/^[0-9a-f]{16}$/);
  });
});
