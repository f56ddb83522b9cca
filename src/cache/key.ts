/**
 * Cache keys. A key is `v2:` + SHA-256 over canonical JSON of everything that determines the
 * answer: the server (origin + path), model, messages, temperature, max tokens and response
 * format — as a fixed-order tuple, so the JSON is canonical without sorting keys (v1 sorted an
 * object's keys; same content, but slower on the per-request path). The API key is never part
 * of it: two people with different keys asking the same thing get the same answer, and a key
 * must never be recoverable from the cache. Bump CACHE_FORMAT when the material or the value
 * shape changes.
 */
import crypto from 'node:crypto';
import type { CompletionRequest } from '../providers/types.js';

export const CACHE_FORMAT = 'v2';

/** crypto.hash is the one-shot form (Node ≥ 20.12; engines allow older 20.x), ~2 µs cheaper per key than a Hash object. */
const sha256: (s: string) => string = typeof crypto.hash === 'function'
  ? (s) => crypto.hash('sha256', s, 'hex')
  : (s) => crypto.createHash('sha256').update(s).digest('hex');

export function cacheKey(server: string, req: CompletionRequest): string {
  const material = JSON.stringify([
    server,
    req.model,
    req.messages.map((m) => [m.role, m.content, m.name ?? null]),
    req.temperature ?? null,
    req.max_tokens,
    req.response_format ?? null,
  ]);
  return `${CACHE_FORMAT}:${sha256(material)}`;
}
