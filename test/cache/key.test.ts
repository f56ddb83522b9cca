/**
 * Cache keys (src/cache/key.ts). The format is a promise to every cache file already written: the
 * same request must keep the same key across releases, or a re-run pays again for answers it has.
 */
import { describe, expect, it } from 'vitest';
import { cacheKey } from '../../src/cache/key.js';
import type { CompletionRequest } from '../../src/providers/types.js';

const SERVER = 'http://127.0.0.1:8080/v1';
const req: CompletionRequest = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'system', content: 'Summarize.' }, { role: 'user', content: 'Crème brûlée <|endoftext|> 🍮' }],
  temperature: 0,
  max_tokens: 300,
};

describe('cacheKey', () => {
  it('is the v2 key of the documented material (pinned: keys written by earlier releases still hit)', () => {
    expect(cacheKey(SERVER, req)).toBe('v2:1a5c446cce95a740209b95eb80a1a320825a831b7d8ad0b479d5ca1af018f454');
  });

  it('changes with anything that changes the answer, and only with that', () => {
    const k = cacheKey(SERVER, req);
    expect(cacheKey(SERVER, { ...req })).toBe(k);
    for (const other of [
      cacheKey('http://127.0.0.1:8081/v1', req),
      cacheKey(SERVER, { ...req, model: 'gpt-4o' }),
      cacheKey(SERVER, { ...req, temperature: 0.2 }),
      cacheKey(SERVER, { ...req, max_tokens: 301 }),
      cacheKey(SERVER, { ...req, response_format: 'json' }),
      cacheKey(SERVER, { ...req, messages: [req.messages[0], { ...req.messages[1], content: 'Crème brûlée' }] }),
      cacheKey(SERVER, { ...req, messages: [req.messages[0], { ...req.messages[1], name: 'alice' }] }),
    ]) expect(other).not.toBe(k);
  });
});
