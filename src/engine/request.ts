/**
 * One document's request, with llmbatch's retry policy: 408/409/429/5xx, network errors and
 * timeouts are retried with exponential backoff and jitter, honouring Retry-After; every
 * attempt waits for the rate limiter and has its own timeout. 401/403/404 are never retried —
 * the runner aborts the whole run on them.
 */
import { LlmbatchError } from '../errors.js';
import { classifyError } from '../providers/classify.js';
import { ProviderError, RETRYABLE, type CompletionRequest, type CompletionResult, type CompletionUsage, type Provider } from '../providers/types.js';
import { backoffMs, sleep, type Aimd, type RateLimiter, type Slots } from './limits.js';

/**
 * When the server last answered anything (any HTTP status counts: it is there), and when it
 * last answered a request successfully. A request whose every attempt failed to connect while
 * nothing else reached the server means the server is down or the URL is wrong; a document that
 * failed after all its retries while no request at all succeeded means the server is not
 * working. Either way the run stops instead of retrying every document in turn.
 */
export class ServerContact {
  private last = -Infinity;
  private lastSuccess = -Infinity;
  mark(success = false): void {
    this.last = performance.now();
    if (success) this.lastSuccess = this.last;
  }
  since(t: number): boolean {
    return this.last >= t;
  }
  succeededSince(t: number): boolean {
    return this.lastSuccess >= t;
  }
}

export interface AttemptContext {
  provider: Provider;
  contact?: ServerContact;
  limiter: RateLimiter;
  /** Requests in flight at most (-c); absent: no bound here (callers bound themselves). */
  slots?: Slots;
  aimd?: Aimd;
  retries: number;
  timeoutMs: number;
  /** Aborted when the run stops (Ctrl-C after the grace period, or a fatal error). */
  signal: AbortSignal;
  secrets: readonly string[];
  onRetry?: (info: { attempt: number; error: ProviderError; delayMs: number }) => void;
  /**
   * What the server billed, as the reply arrives: the answer, or the final failure when it
   * carries usage (a filtered completion). Called before the request's slot is handed to the next
   * one, so a run stopped by it (--budget) sends nothing more.
   */
  onBilled?: (reply: { result: CompletionResult } | { usage: CompletionUsage }) => void;
  random?: () => number;
}

export interface RequestOutcome {
  result: CompletionResult;
  attempts: number;
  /** Time of the successful attempt (network + server), ms. */
  latencyMs: number;
}

export class RequestFailure extends Error {
  constructor(
    readonly error: ProviderError,
    readonly attempts: number,
    /** Every attempt failed to connect and nothing reached the server meanwhile (ServerContact). */
    readonly serverDown = false,
  ) {
    super(error.message);
  }
}

/**
 * The attempts in flight per run signal, aborted together when it fires: one listener per run
 * instead of an add/removeEventListener pair per request (a measurable cost at high rates).
 */
const attemptsOf = new WeakMap<AbortSignal, Set<AbortController>>();

function onStop(stop: AbortSignal, ctrl: AbortController): () => void {
  let set = attemptsOf.get(stop);
  if (!set) {
    const attempts = (set = new Set());
    attemptsOf.set(stop, attempts);
    stop.addEventListener('abort', () => attempts.forEach((c) => c.abort()), { once: true });
  }
  set.add(ctrl);
  return () => set.delete(ctrl);
}

export async function executeRequest(req: CompletionRequest, rateTokens: number, ctx: AttemptContext): Promise<RequestOutcome> {
  let firstSent = Infinity; // not when this was called: it may have waited long for a slot
  try {
    for (let attempt = 1; ; attempt++) {
      if (ctx.slots && !(await ctx.slots.acquire())) throw stopped(attempt - 1);
      if (attempt === 1) firstSent = performance.now();
      let outcome: RequestOutcome | { retryInMs: number };
      try {
        outcome = await attemptOnce(req, rateTokens, ctx, attempt);
      } finally {
        ctx.slots?.release(); // not held while backing off: other documents may use it meanwhile
      }
      if (!('retryInMs' in outcome)) return outcome;
      await sleep(outcome.retryInMs, ctx.signal);
    }
  } catch (e) {
    if (e instanceof RequestFailure && e.error.kind === 'unreachable' && ctx.contact && !ctx.contact.since(firstSent)) {
      throw new RequestFailure(e.error, e.attempts, true);
    }
    throw e;
  }
}

const stopped = (attempts: number) => new RequestFailure(new ProviderError('aborted', 'run stopped'), attempts);

/** One attempt: the answer, or how long to wait before the next one; throws RequestFailure when done trying. */
async function attemptOnce(req: CompletionRequest, rateTokens: number, ctx: AttemptContext, attempt: number): Promise<RequestOutcome | { retryInMs: number }> {
  await ctx.limiter.acquire(rateTokens, ctx.signal);
  if (ctx.signal.aborted) throw stopped(attempt - 1);
  // One controller per attempt, aborted by the run's signal or by the timer. (AbortSignal.any
  // and AbortSignal.timeout do the same, at several times the cost per request.)
  const attemptCtrl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    attemptCtrl.abort();
  }, ctx.timeoutMs);
  const unregister = onStop(ctx.signal, attemptCtrl);
  const started = performance.now();
  try {
    const result = await ctx.provider.complete(req, { signal: attemptCtrl.signal });
    ctx.contact?.mark(true);
    ctx.aimd?.onSuccess();
    ctx.onBilled?.({ result });
    return { result, attempts: attempt, latencyMs: result.latency_ms ?? performance.now() - started };
  } catch (e) {
    // Not the server's answer but the run's own problem (the HTTP client could not be loaded):
    // retrying it per document would only repeat it thousands of times.
    if (e instanceof LlmbatchError) throw e;
    let error = e instanceof ProviderError ? e : classifyError(e, ctx.secrets, timedOut, ctx.signal.aborted);
    if (error.status !== undefined || error.kind === 'bad-reply' || error.kind === 'not-chat') ctx.contact?.mark(); // the server answered
    if (ctx.signal.aborted) error = new ProviderError('aborted', 'run stopped');
    else if (timedOut && error.kind !== 'timeout') error = new ProviderError('timeout', `no reply within ${Math.round(ctx.timeoutMs / 1000)} s`);
    if (error.kind === 'rate') ctx.aimd?.onRateLimited();
    if (!RETRYABLE.has(error.kind) || attempt > ctx.retries) {
      if (error.usage) ctx.onBilled?.({ usage: error.usage });
      throw new RequestFailure(error, attempt);
    }
    const retryInMs = backoffMs(attempt, error.retryAfterMs, ctx.random);
    ctx.onRetry?.({ attempt, error, delayMs: retryInMs });
    return { retryInMs };
  } finally {
    clearTimeout(timer);
    unregister();
  }
}
