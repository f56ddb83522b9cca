import { describe, expect, it } from 'vitest';
import { Aimd, RateLimiter, Slots, TokenBucket, backoffMs } from '../../src/engine/limits.js';
import { classifyError, retryAfterMs } from '../../src/providers/classify.js';

describe('TokenBucket', () => {
  it('allows a full minute of budget at once, then refills continuously', () => {
    let now = 0;
    const b = new TokenBucket(60, () => now);
    for (let i = 0; i < 60; i++) expect(b.take(1)).toBe(0);
    expect(b.take(1)).toBe(1000); // one per second
    now += 500;
    expect(b.take(1)).toBe(500);
    now += 500;
    expect(b.take(1)).toBe(0);
  });

  it('a request bigger than a minute of budget waits for a full bucket instead of forever', () => {
    let now = 0;
    const b = new TokenBucket(1000, () => now);
    expect(b.take(900)).toBe(0);
    expect(b.take(5000)).toBeGreaterThan(0);
    now += 60_000;
    expect(b.take(5000)).toBe(0);
  });
});

describe('RateLimiter', () => {
  it('spaces requests out to the rpm limit: no sooner, and no later', async () => {
    let now = 0;
    const limiter = new RateLimiter({ rpm: 600 }, () => now); // one per 100 ms after the initial burst
    const signal = new AbortController().signal;
    for (let i = 0; i < 600; i++) await limiter.acquire(1, signal);
    let granted = 0;
    const first = limiter.acquire(1, signal).then(() => granted++);
    const second = limiter.acquire(1, signal).then(() => granted++);
    await new Promise((r) => setTimeout(r, 20));
    expect(granted).toBe(0); // the minute's budget is spent
    now += 100;
    await first; // one request's worth has come back …
    await new Promise((r) => setTimeout(r, 150));
    expect(granted).toBe(1); // … and only one
    now += 100;
    await second;
    expect(granted).toBe(2);
  });

  it('counts tokens against tpm', async () => {
    let now = 0;
    const limiter = new RateLimiter({ tpm: 1000 }, () => now);
    const signal = new AbortController().signal;
    await limiter.acquire(1000, signal); // the minute's tokens are gone
    let done = false;
    // 10 tokens short: the limiter sleeps 600 ms (real time) before it looks at the clock again
    // (an 800-token deficit made this test sleep 36 s).
    const p = limiter.acquire(10, signal).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    now += 60_000;
    await p;
    expect(done).toBe(true);
  });

  it('an aborted signal releases waiters', async () => {
    const limiter = new RateLimiter({ rpm: 1 });
    const ctrl = new AbortController();
    await limiter.acquire(1, ctrl.signal);
    let settled = 0;
    const p = limiter.acquire(1, ctrl.signal).then(() => settled++);
    const q = limiter.acquire(1, ctrl.signal).then(() => settled++);
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(0); // both are waiting (a minute, at 1 rpm) …
    const t0 = performance.now();
    ctrl.abort();
    await Promise.all([p, q]);
    expect(performance.now() - t0).toBeLessThan(1000); // … and the abort lets them go
  });
});

describe('Slots', () => {
  it('gives out at most `limit`, first come first served; a raised limit wakes waiters; close() refuses the rest', async () => {
    const slots = new Slots(2);
    expect(await slots.acquire()).toBe(true);
    expect(await slots.acquire()).toBe(true);
    const order: string[] = [];
    const a = slots.acquire().then((g) => order.push(`a:${g}`));
    const b = slots.acquire().then((g) => order.push(`b:${g}`));
    const c = slots.acquire().then((g) => order.push(`c:${g}`));
    await Promise.resolve();
    expect(order).toEqual([]);
    slots.release();
    await a;
    expect(order).toEqual(['a:true']);
    expect(slots.active).toBe(2);
    slots.limit = 3;
    await b;
    expect(order).toEqual(['a:true', 'b:true']);
    expect(slots.active).toBe(3);
    slots.close();
    await c;
    expect(order).toEqual(['a:true', 'b:true', 'c:false']);
    expect(await slots.acquire()).toBe(false);
  });

  it('a lowered limit holds new requests until enough slots are released', async () => {
    const slots = new Slots(3);
    for (let i = 0; i < 3; i++) await slots.acquire();
    slots.limit = 1;
    let granted = false;
    const next = slots.acquire().then((g) => (granted = g));
    slots.release();
    slots.release();
    await Promise.resolve();
    expect(granted).toBe(false);
    slots.release();
    await next;
    expect(granted).toBe(true);
  });
});

describe('Aimd', () => {
  it('halves on a 429 burst once per second, then recovers one slot per window of successes', () => {
    let now = 10_000;
    const seen: number[] = [];
    const a = new Aimd(16, (n) => seen.push(n), () => now);
    a.onRateLimited();
    a.onRateLimited(); // same burst: counted once
    expect(a.current).toBe(8);
    now += 999;
    a.onRateLimited(); // still within the second
    expect(a.current).toBe(8);
    now += 1;
    a.onRateLimited();
    expect(a.current).toBe(4);
    for (let i = 0; i < 4; i++) a.onSuccess();
    expect(a.current).toBe(5);
    for (let i = 0; i < 200; i++) a.onSuccess();
    expect(a.current).toBe(16);
    expect(seen.slice(0, 3)).toEqual([8, 4, 5]);
    expect(seen.at(-1)).toBe(16);
  });

  it('never goes below one', () => {
    let now = 0;
    const a = new Aimd(2, () => {}, () => now);
    for (let i = 0; i < 5; i++) { now += 2000; a.onRateLimited(); }
    expect(a.current).toBe(1);
  });
});

describe('backoff and Retry-After', () => {
  it.each([
    [1, 250, 500],
    [2, 500, 1000],
    [3, 1000, 2000],
    [10, 15_000, 30_000],
  ])('attempt %i backs off between %i and %i ms', (attempt, lo, hi) => {
    expect(backoffMs(attempt, undefined, () => 0)).toBe(lo);
    expect(backoffMs(attempt, undefined, () => 1)).toBe(hi);
  });

  it('never retries sooner than Retry-After', () => {
    expect(backoffMs(1, 3000, () => 0)).toBe(3000);
    expect(backoffMs(1, 3000, () => 1)).toBe(3100);
  });

  it.each([
    [{ 'retry-after-ms': '250', 'retry-after': '9' }, 250],
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': new Date(61_000).toUTCString() }, 60_000],
    [{}, undefined],
  ])('reads %j as %s ms', (headers, ms) => {
    expect(retryAfterMs(new Headers(headers as Record<string, string>), 1000)).toBe(ms);
  });

  it.each([
    [{ status: 401, message: 'bad key sk-abcdefghijklmnop1234' }, 'auth'],
    [{ status: 403, message: 'forbidden' }, 'auth'],
    [{ status: 404, message: 'no such model' }, 'model'],
    [{ status: 429, message: 'slow down' }, 'rate'],
    [{ status: 429, message: 'You exceeded your current quota', error: { message: 'You exceeded your current quota', code: 'insufficient_quota', type: 'insufficient_quota' } }, 'quota'],
    [{ status: 429, message: 'quota', code: 'insufficient_quota' }, 'quota'],
    [{ status: 408, message: 'timeout' }, 'server'],
    [{ status: 409, message: 'conflict' }, 'server'],
    [{ status: 503, message: 'unavailable' }, 'server'],
    [{ status: 400, message: "This model's maximum context length is 8192 tokens" }, 'context'],
    [{ status: 400, message: 'bad request' }, 'bad-request'],
    [{ message: 'fetch failed', cause: { code: 'ECONNRESET' } }, 'network'],
    [{ message: 'Connection error.', cause: { code: 'ECONNREFUSED' } }, 'unreachable'],
    [{ message: 'Connection error.', cause: { code: 'ENOTFOUND' } }, 'unreachable'],
    [{ message: 'connect EHOSTUNREACH', code: 'EHOSTUNREACH' }, 'unreachable'],
    [{ message: 'Connection error.', cause: { code: 'constructor' } }, 'network'],
  ])('classifies %j as %s, without the key', (err, kind) => {
    const e = classifyError(Object.assign(new Error(err.message), err), ['sk-abcdefghijklmnop1234'], false, false);
    expect(e.kind).toBe(kind);
    expect(e.message).not.toContain('sk-abcdefghijklmnop1234');
  });
});
