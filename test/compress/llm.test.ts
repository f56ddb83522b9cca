import { describe, expect, it } from 'vitest';
import { CONDENSE_PROMPT, DEFAULT_CONDENSE_MODEL, llmCondense } from '../../src/compress/index.js';
import { LlmbatchError } from '../../src/errors.js';

describe('llm', () => {
  it('calls the injected condense with the model', async () => {
    const calls: Array<[string, string | undefined]> = [];
    const condense = async (text: string, model?: string) => {
      calls.push([text, model]);
      return '- key point';
    };
    await expect(llmCondense('Long text.', 'gpt-4.1-mini', { condense })).resolves.toBe('- key point');
    await expect(llmCondense('Long text.', undefined, { condense })).resolves.toBe('- key point');
    expect(calls).toEqual([['Long text.', 'gpt-4.1-mini'], ['Long text.', DEFAULT_CONDENSE_MODEL]]);
  });

  it('makes no call for blank text', async () => {
    let called = false;
    const out = await llmCondense('  \n', undefined, { condense: async () => { called = true; return 'x'; } });
    expect(out).toBe('  \n');
    expect(called).toBe(false);
  });

  it('throws a usage error when no model call is available', async () => {
    const err = await llmCondense('text', undefined, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmbatchError);
    expect(err).toMatchObject({ code: 'usage', exitCode: 2 });
    expect((err as LlmbatchError).hint).toMatch(/whitespace, dedupe, markup, extractive/);
  });

  it('asks for key points and to keep numbers, names and dates', () => {
    expect(DEFAULT_CONDENSE_MODEL).toBe('gpt-4.1-nano');
    expect(CONDENSE_PROMPT).toMatch(/key points/);
    expect(CONDENSE_PROMPT).toMatch(/number/);
    expect(CONDENSE_PROMPT).toMatch(/name/);
    expect(CONDENSE_PROMPT).toMatch(/date/);
  });
});
