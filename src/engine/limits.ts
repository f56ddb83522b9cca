/**
 * Rate limits and adaptive concurrency.
 * - Token buckets for --rpm and --tpm, refilled continuously; a request's token cost is its
 *   prompt tokens plus its max output tokens (what OpenAI's limiter counts before replying).
 * - AIMD on 429: halve the concurrency (at most once per second, so one burst counts once),
 *   then add one slot back after each window of successes — the classic TCP-style recovery.
 */
export class TokenBucket {
  private level: number;
  private last: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.level = perMinute;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.level = Math.min(this.perMinute, this.level + ((t - this.last) * this.perMinute) / 60_000);
    this.last = t;
  }

  /** Milliseconds to wait before `amount` is available (0 = take it now; it is then taken). */
  take(amount: number): number {
    this.refill();
    const want = Math.min(amount, this.perMinute); // a request bigger than a minute's budget waits for a full bucket
    if (this.level >= want) {
      this.level -= want;
      return 0;
    }
    return Math.ceil(((want - this.level) * 60_000) / this.perMinute);
  }
}

export class RateLimiter {
  private readonly rpm?: TokenBucket;
  private readonly tpm?: TokenBucket;
  private chain: Promise<void> = Promise.resolve();

  constructor(opts: { rpm?: number; tpm?: number }, now: () => number = Date.now) {
    if (opts.rpm) this.rpm = new TokenBucket(opts.rpm, now);
    if (opts.tpm) this.tpm = new TokenBucket(opts.tpm, now);
  }

  get active(): boolean {
    return Boolean(this.rpm || this.tpm);
  }

  /** Whether acquire() needs the request's token count (only --tpm does). */
  get countsTokens(): boolean {
    return Boolean(this.tpm);
  }

  /** Waits its turn (FIFO), then until both buckets allow the request. */
  acquire(tokens: number, signal: AbortSignal): Promise<void> {
    if (!this.active) return Promise.resolve();
    const turn = this.chain.then(async () => {
      for (;;) {
        if (signal.aborted) return;
        const wait = Math.max(this.rpm?.take(1) ?? 0, 0);
        if (wait > 0) { await sleep(wait, signal); continue; }
        const waitT = this.tpm?.take(tokens) ?? 0;
        if (waitT > 0) { this.rpm?.take(-1); await sleep(waitT, signal); continue; }
        return;
      }
    });
    this.chain = turn.catch(() => {});
    return turn;
  }
}

/**
 * Requests in flight to the server: at most `limit` (-c, lowered and raised by AIMD). A slot is
 * held only while a request is on the wire (not while a document is read, looked up in the
 * cache or backing off), so documents that come from the cache never wait for one. After
 * close() (the run stops dispatching: Ctrl-C, budget, fatal error) no slot is given out again.
 */
export class Slots {
  active = 0;
  private readonly waiters: ((granted: boolean) => void)[] = [];
  private closed = false;

  constructor(private limitValue: number) {}

  get limit(): number {
    return this.limitValue;
  }

  set limit(n: number) {
    this.limitValue = n;
    this.pump();
  }

  /** Resolves true with a slot held (release() it), or false once dispatching has stopped. */
  acquire(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.active < this.limitValue && this.waiters.length === 0) {
      this.active++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    this.active--;
    this.pump();
  }

  close(): void {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w(false);
  }

  private pump(): void {
    while (!this.closed && this.active < this.limitValue && this.waiters.length > 0) {
      this.active++;
      this.waiters.shift()!(true);
    }
  }
}

export class Aimd {
  private successes = 0;
  private lastCut = 0;
  current: number;

  constructor(
    readonly max: number,
    private readonly apply: (n: number) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.current = max;
  }

  onRateLimited(): void {
    const t = this.now();
    if (t - this.lastCut < 1000 || this.current === 1) return;
    this.lastCut = t;
    this.current = Math.max(1, Math.floor(this.current / 2));
    this.successes = 0;
    this.apply(this.current);
  }

  onSuccess(): void {
    if (this.current >= this.max) return;
    if (++this.successes >= this.current) {
      this.successes = 0;
      this.current++;
      this.apply(this.current);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Exponential backoff with jitter (half the step plus a random share of the other half), never shorter than the server's Retry-After. */
export function backoffMs(attempt: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 500 * 2 ** (attempt - 1));
  const jittered = base / 2 + random() * (base / 2);
  return retryAfterMs !== undefined ? Math.max(retryAfterMs, 0) + random() * 100 : jittered;
}
