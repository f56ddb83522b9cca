/**
 * Cache keys. A key is `v1:` + SHA-256 over canonical JSON (sorted keys, no whitespace) of
 * everything that determines the answer: the server (origin + path), model, messages,
 * temperature, max tokens and response format. The API key is never part of it: two people
 * with different keys asking the same thing get the same answer, and a key must never be
 * recoverable from the cache. Bump CACHE_FORMAT when the value shape changes.
 */
import { createHash } from 'node:crypto';
import type { CompletionRequest } from '../providers/types.js';

export const CACHE_FORMAT = 'v1';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).filter((k) => obj[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function cacheKey(server: string, req: CompletionRequest): string {
  const material = canonicalJson({
    server,
    model: req.model,
    messages: req.messages.map((m) => ({ role: m.role, content: m.content, name: m.name })),
    temperature: req.temperature ?? null,
    max_tokens: req.max_tokens,
    response_format: req.response_format ?? null,
  });
  return `${CACHE_FORMAT}:${createHash('sha256').update(material).digest('hex')}`;
}
