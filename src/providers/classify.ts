/**
 * Maps whatever the HTTP client threw to a ProviderError. Status codes and Retry-After follow
 * OpenAI's error-code guide (https://platform.openai.com/docs/guides/error-codes) and the
 * openai-node client's retry rules: 408, 409, 429 and 5xx are retryable; `retry-after-ms`
 * wins over `retry-after` (seconds or an HTTP date).
 */
import { redact } from '../errors.js';
import { ProviderError, type ProviderErrorKind } from './types.js';

interface HeadersLike {
  get?(name: string): string | null;
  [k: string]: unknown;
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const h = headers as HeadersLike;
  if (typeof h.get === 'function') return h.get(name) ?? undefined;
  const v = h[name] ?? h[name.toLowerCase()];
  return typeof v === 'string' ? v : undefined;
}

export function retryAfterMs(headers: unknown, now = Date.now()): number | undefined {
  const ms = header(headers, 'retry-after-ms');
  if (ms !== undefined && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = header(headers, 'retry-after');
  if (ra === undefined) return undefined;
  if (Number.isFinite(Number(ra))) return Math.max(0, Number(ra) * 1000);
  const date = Date.parse(ra);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

function kindForStatus(status: number): ProviderErrorKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'model';
  if (status === 429) return 'rate';
  if (status === 408 || status === 409 || status >= 500) return 'server';
  return 'bad-request';
}

const NETWORK_CODES = /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR|socket hang up|other side closed|fetch failed|Connection error/i;

/** No connection was made at all: nothing listens there, the host name does not resolve, no route. */
const CONNECT_CODES = new Map([
  ['ECONNREFUSED', 'connection refused'],
  ['ENOTFOUND', 'unknown host'],
  ['EAI_AGAIN', 'host name lookup failed'],
  ['EHOSTUNREACH', 'host unreachable'],
  ['ENETUNREACH', 'network unreachable'],
]);

/**
 * A request over the model's window: OpenAI and vLLM (`context_length_exceeded`, "maximum context
 * length"), llama.cpp's server (`exceed_context_size_error`, "exceeds the available context size").
 */
const CONTEXT_ERROR = /context_length_exceeded|maximum context length|exceed_context_size|exceeds the available context size/i;

/**
 * The window a context-length error states, when it states one: "maximum context length is 4096
 * tokens" (OpenAI, vLLM), llama.cpp's `n_ctx` field or its "exceeds the available context size
 * (4096 tokens)". The engine plans the document again for it.
 */
function statedWindow(body: unknown, message: string): number | undefined {
  const nCtx = (body as { n_ctx?: unknown } | undefined)?.n_ctx;
  const n = typeof nCtx === 'number' ? nCtx : Number(/maximum context length is (\d+)|available context size \((\d+) tokens\)/i.exec(message)?.slice(1).find(Boolean));
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export function classifyError(e: unknown, secrets: readonly string[], timedOut: boolean, stopping: boolean): ProviderError {
  if (e instanceof ProviderError) return e;
  const err = (e ?? {}) as { name?: string; message?: string; status?: number; headers?: unknown; code?: string; cause?: unknown; error?: { message?: string; code?: string } };
  const raw = String(err.error?.message ?? err.message ?? e);
  const message = redact(raw.split('\n')[0].slice(0, 400), secrets);
  if (stopping) return new ProviderError('aborted', 'stopped before the reply arrived');
  if (timedOut) return new ProviderError('timeout', 'request timed out');
  const type = String((err.error as { type?: unknown } | undefined)?.type ?? '');
  if (err.name === 'ContextOverflowError' || CONTEXT_ERROR.test(`${raw} ${String(err.code ?? '')} ${type}`)) {
    return new ProviderError('context', message, err.status ?? 400, undefined, undefined, statedWindow(err.error, raw));
  }
  if (typeof err.status === 'number') {
    // OpenAI answers 429 both for "slow down" and for an account out of credit; only the first passes.
    const quota = err.status === 429 && [err.error?.code, err.code, (err.error as { type?: string } | undefined)?.type].includes('insufficient_quota');
    // A 403 about the model (no access to it for this key or project), not about the key itself.
    const modelRefused = err.status === 403 && /model/i.test(`${err.error?.code ?? err.code ?? ''} ${raw}`);
    return new ProviderError(quota ? 'quota' : modelRefused ? 'model' : kindForStatus(err.status), `HTTP ${err.status}: ${message}`, err.status, retryAfterMs(err.headers));
  }
  if (err.name === 'TimeoutError') return new ProviderError('timeout', 'request timed out');
  if (err.name === 'AbortError') return new ProviderError('network', message);
  const causeCode = (err.cause as { code?: unknown } | undefined)?.code ?? err.code;
  const connect = typeof causeCode === 'string' ? CONNECT_CODES.get(causeCode) : undefined;
  if (connect) return new ProviderError('unreachable', `cannot connect to the server: ${connect} (${causeCode})`);
  const cause = String((err.cause as { code?: string; message?: string })?.code ?? '') + ' ' + String((err.cause as Error)?.message ?? '');
  if (NETWORK_CODES.test(raw) || NETWORK_CODES.test(cause)) return new ProviderError('network', `network error: ${message}`);
  return new ProviderError('network', message);
}
