/**
 * readReply (src/providers/openai.ts): a 200 that is not a chat completion ('not-chat') or a
 * completion without an answer ('bad-reply') is an error (not retried, never cached), never an
 * empty answer; an empty string is an answer.
 */
import { describe, expect, it } from 'vitest';
import { readReply } from '../../src/providers/openai.js';
import { ProviderError } from '../../src/providers/types.js';

const KEY = 'sk-abcdefghijklmnop1234';

function failure(data: unknown, kind: string): ProviderError {
  try {
    readReply(data, [KEY]);
  } catch (e) {
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).kind).toBe(kind);
    return e as ProviderError;
  }
  throw new Error('expected readReply to throw');
}

describe('readReply', () => {
  it('maps an answer and its usage', () => {
    expect(readReply({
      choices: [{ message: { role: 'assistant', content: 'A summary.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 12, completion_tokens: 3, prompt_tokens_details: { cached_tokens: 4 } },
    }, [])).toEqual({ content: 'A summary.', finish_reason: 'stop', usage: { input_tokens: 12, output_tokens: 3, cached_input_tokens: 4 } });
  });

  it('an empty string is an answer; no usage is null (the engine counts)', () => {
    expect(readReply({ choices: [{ message: { content: '' }, finish_reason: 'length' }] }, [])).toEqual({ content: '', finish_reason: 'length', usage: null });
  });

  it.each([
    ['an HTML page', `<html><body>Sign in to the proxy (${KEY})</body></html>`, 'not-chat', /^the reply is not JSON: "<html><body>Sign in to the proxy \(\[REDACTED\]\)/],
    ['no choices', { id: 'x', choices: [] }, 'not-chat', /^the reply has no choices/],
    ['a JSON object that is not a completion', { status: 'ok' }, 'not-chat', /^the reply has no choices/],
    ['null', null, 'not-chat', /^the reply has no choices/],
    ['a choice without a message', { choices: [{ finish_reason: 'stop' }] }, 'not-chat', /^the reply has no choices/],
    ['filtered content', { choices: [{ message: { content: null }, finish_reason: 'content_filter' }] }, 'bad-reply', /^the reply has no content \(finish_reason: content_filter\)$/],
    ['a refusal', { choices: [{ message: { content: null, refusal: 'I cannot help with that.' }, finish_reason: 'stop' }] }, 'bad-reply', /^the model refused: I cannot help with that\.$/],
  ])('%s is an error (%s)', (_name, data, kind, message) => {
    const e = failure(data, kind);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain(KEY);
  });

  it('a filtered reply carries the usage the server billed for it; without usage, none', () => {
    const billed = failure({ choices: [{ message: { content: null }, finish_reason: 'content_filter' }], usage: { prompt_tokens: 812, completion_tokens: 0 } }, 'bad-reply');
    expect(billed.usage).toEqual({ input_tokens: 812, output_tokens: 0, cached_input_tokens: 0 });
    expect(failure({ choices: [{ message: { content: null }, finish_reason: 'content_filter' }] }, 'bad-reply').usage).toBeUndefined();
  });
});
