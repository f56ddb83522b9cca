import type { ChatMessage } from '../tokens/chat.js';

/** Everything that determines an answer; also what the cache key is made of (plus the origin). */
export interface CompletionRequest {
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  max_tokens: number;
  response_format?: 'json';
}

export interface CompletionUsage {
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
}

export interface CompletionResult {
  content: string;
  finish_reason: string | null;
  /** null when the server sent no usage (some local servers): the engine counts instead. */
  usage: CompletionUsage | null;
  /**
   * The request's own time (ms), when the provider measures it better than its caller can: a
   * run's first requests also wait for the HTTP client to load, which is not the server's time.
   */
  latency_ms?: number;
}

/** STYLE.md habit 4: an id and one method. Tests fake it with an object literal. */
export interface Provider {
  /** The server's origin, part of every cache key (answers from two servers never mix). */
  readonly id: string;
  complete(request: CompletionRequest, opts: { signal: AbortSignal }): Promise<CompletionResult>;
}

export type ProviderErrorKind =
  | 'auth' // 401/403: abort the run
  | 'model' // 404: abort the run
  | 'rate' // 429: retry, back off
  | 'quota' // 429 insufficient_quota (no credit left on the account): abort the run
  | 'server' // 5xx, 408, 409: retry
  | 'network' // connection reset, dropped reply: retry
  | 'unreachable' // no connection at all (refused, unknown host, no route): retry; the run stops when the server stays out of reach
  | 'timeout' // our per-request timeout: retry
  | 'context' // context_length_exceeded: not retried
  | 'bad-request' // other 4xx: not retried
  | 'not-chat' // a 200 that is not a chat completion (an HTML page, no choices): not retried, never cached
  | 'bad-reply' // a chat completion without an answer (content filter, refusal): not retried, never cached
  | 'aborted'; // the run is stopping

/**
 * Appended to a 'not-chat' error's message: on one document's record it points at the likely
 * cause; the runner's stop message gives the fix itself and leaves it out.
 */
export const NOT_CHAT_HINT = ' (is --base-url an OpenAI-compatible API?)';

/** A failed call, classified. Its message is already redacted of keys. */
export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly status?: number,
    /** From Retry-After / retry-after-ms, when the server sent one. */
    readonly retryAfterMs?: number,
    /**
     * What the server reports it used (and bills) for a reply that is not an answer: a
     * filtered or refused completion still costs its prompt.
     */
    readonly usage?: CompletionUsage,
    /** A context-length error's statement of the model's window on that server, in tokens. */
    readonly window?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

export const RETRYABLE: ReadonlySet<ProviderErrorKind> = new Set(['rate', 'server', 'network', 'unreachable', 'timeout']);

/** The provider refused the key, the account or the model: the same for every document, so the run aborts (exit 4). */
export const REFUSED: ReadonlySet<ProviderErrorKind> = new Set(['auth', 'quota', 'model']);

/** A server's identity in cache keys: origin + path of the base URL, without a trailing slash. */
export function serverId(baseUrl: string): string {
  const u = new URL(baseUrl);
  return u.origin + u.pathname.replace(/\/+$/, '');
}
