/**
 * readReply (src/providers/openai.ts): a 200 that is not a chat completion is an error of kind
 * 'bad-reply' (not retried, never cached), never an empty answer; an empty string is an answer.
 */
import { describe, expect, it } from 'vitest';
import { readReply } from '../../src/providers/openai.js';
import { ProviderError } from '../../src/providers/types.js';

const KEY = 'sk-abcdefghijklmnop1234';

function failure(data: unknown): ProviderError {
  try {
    readReply(data, [KEY]);
  } catch (e) {
    expect(e).toBeInstanceOf(ProviderError);
    expect((e as ProviderError).kind).toBe('bad-reply');
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
    ['an HTML page', `<html><body>Sign in to the proxy (${KEY})</body></html>`, /^the reply is not JSON: "<html><body>Sign in to the proxy \(\[REDACTED\]\)/],
    ['no choices', { id: 'x', choices: [] }, /^the reply has no choices/],
    ['a JSON object that is not a completion', { status: 'ok' }, /^the reply has no choices/],
    ['null', null, /^the reply has no choices/],
    ['a choice without a message', { choices: [{ finish_reason: 'stop' }] }, /^the reply has no choices/],
    ['filtered content', { choices: [{ message: { content: null }, finish_reason: 'content_filter' }] }, /^the reply has no content \(finish_reason: content_filter\)$/],
    ['a refusal', { choices: [{ message: { content: null, refusal: 'I cannot help with that.' }, finish_reason: 'stop' }] }, /^the model refused: I cannot help with that\.$/],
  ])('%s is a bad reply', (_name, data, message) => {
    const e = failure(data);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain(KEY);
  });
});
