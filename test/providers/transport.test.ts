/**
 * The node:http transport under the OpenAI client (src/providers/transport.ts): what the SDK and
 * the provider must still see through it — JSON replies, error statuses with their headers and
 * bodies, aborts, timeouts, refused connections — and the cases it hands to the global fetch
 * (streaming). Everything talks to 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import http from 'node:http';
import { getEventListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { createTransport, BufferedReply } from '../../src/providers/transport.js';
import { createOpenAIProvider } from '../../src/providers/openai.js';
import { classifyError } from '../../src/providers/classify.js';
import { ProviderError } from '../../src/providers/types.js';
import { startFakeOpenAI } from '../support/fake-openai.js';

const KEY = 'sk-transport-test-key-0123456789';
type Fake = Awaited<ReturnType<typeof startFakeOpenAI>>;
let fake: Fake;
let raw: http.Server;
let rawUrl: string;

beforeAll(async () => {
  fake = await startFakeOpenAI({ apiKey: KEY });
  // A bare server for the statuses and headers the fake does not produce.
  raw = http.createServer((req, res) => {
    if (req.url === '/204') {
      res.writeHead(204, { 'x-thing': 'a' }).end();
    } else if (req.url === '/multi') {
      res.writeHead(200, [['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['Content-Type', 'text/plain']]).end('hello');
    } else if (req.url?.startsWith('/echo')) {
      let body = '';
      req.on('data', (d) => (body += d)).on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, url: req.url, body, auth: req.headers.authorization, ct: req.headers['content-type'] }));
      });
    } else if (req.url === '/gzip' || req.url === '/br') {
      const json = Buffer.from(JSON.stringify({ compressed: req.url }));
      const body = req.url === '/gzip' ? gzipSync(json) : brotliCompressSync(json);
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': req.url.slice(1), 'content-length': String(body.length) }).end(body);
    } else if (req.url?.startsWith('/llama-cpp/')) {
      // llama.cpp's server over its window: its own error type, and the window as n_ctx (newer
      // builds) or only in the message (older ones).
      const withField = req.url.startsWith('/llama-cpp/new/');
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: {
        code: 400, type: 'exceed_context_size_error',
        message: 'request (9412 tokens) exceeds the available context size (8192 tokens), try increasing it',
        ...(withField ? { n_prompt_tokens: 9412, n_ctx: 4096 } : {}),
      } }));
    } else if (req.url === '/moved') {
      res.writeHead(307, { location: '/echo' }).end();
    } else if (req.url === '/hang-up') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
      setTimeout(() => res.destroy(), 10);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
  rawUrl = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await fake.close();
  await new Promise((r) => raw.close(r));
});

describe('transport as fetch', () => {
  const f = createTransport();

  it('sends method, headers (Headers, array or object) and body; reads a JSON reply once', async () => {
    for (const headers of [new Headers({ authorization: 'Bearer x', 'content-type': 'application/json' }), [['authorization', 'Bearer x'], ['content-type', 'application/json']] as [string, string][], { authorization: 'Bearer x', 'content-type': 'application/json' }]) {
      const res = await f(`${rawUrl}/echo`, { method: 'POST', headers, body: '{"a":1}' });
      expect(res).toBeInstanceOf(BufferedReply);
      expect(res.ok).toBe(true);
      expect(res.status).toBe(200);
      expect(res.url).toBe(`${rawUrl}/echo`);
      expect(res.headers.get('Content-Type')).toBe('application/json');
      expect(await res.json()).toEqual({ method: 'POST', url: '/echo', body: '{"a":1}', auth: 'Bearer x', ct: 'application/json' });
      expect(res.bodyUsed).toBe(true);
      await expect(res.text()).rejects.toThrow(/already been read/);
    }
  });

  it('joins repeated headers, iterates entries, and offers the body as a stream', async () => {
    const res = await f(`${rawUrl}/multi`);
    expect(res.headers.get('set-cookie')).toBe('a=1, b=2');
    expect([...res.headers.entries()].map(([k]) => k)).toContain('content-type');
    const reader = res.body!.getReader();
    const { value } = await reader.read();
    expect(Buffer.from(value!).toString()).toBe('hello');
  });

  it('decodes a gzip or brotli reply (as fetch would), without the encoding headers', async () => {
    for (const enc of ['gzip', 'br']) {
      const res = await f(`${rawUrl}/${enc}`);
      expect(res.headers.get('content-encoding')).toBeNull();
      expect(res.headers.get('content-length')).toBeNull();
      expect(await res.json()).toEqual({ compressed: `/${enc}` });
    }
  });

  it('follows a redirect the way fetch does (307 keeps the method and body)', async () => {
    const res = await f(`${rawUrl}/moved`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"b":2}' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ method: 'POST', body: '{"b":2}' });
  });

  it('has no body for 204 and reports a 404 as not ok', async () => {
    const none = await f(`${rawUrl}/204`);
    expect(none.status).toBe(204);
    expect(none.body).toBeNull();
    const missing = await f(`${rawUrl}/nope`);
    expect(missing.ok).toBe(false);
    expect(missing.status).toBe(404);
  });

  it('rejects when the server hangs up mid-reply, and when the connection is refused', async () => {
    await expect(f(`${rawUrl}/hang-up`)).rejects.toThrow(/aborted|hang up|ECONNRESET/i);
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    await expect(f(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('sends the path and query string of each URL as given (parsed once per URL)', async () => {
    for (const q of ['?api-version=2024-10-21', '?api-version=2025-01-01', '']) {
      const r = await f(`${rawUrl}/echo${q}`, { method: 'POST', body: 'x' });
      expect(await r.json()).toMatchObject({ method: 'POST', url: `/echo${q}`, body: 'x' });
    }
  });

  it('rejects an already-aborted signal with an AbortError, sending nothing', async () => {
    const before = fake.stats.requests;
    await expect(f(`${fake.baseURL}/chat/completions`, { method: 'POST', body: '{}', signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect(fake.stats.requests).toBe(before);
  });

  it('leaves no abort listener on a signal that outlives its requests', async () => {
    const ctrl = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      for (let i = 0; i < 15; i++) {
        const r = await f(`${rawUrl}/echo`, { method: 'POST', body: String(i), signal: ctrl.signal });
        expect(await r.json()).toMatchObject({ body: String(i) });
      }
      await new Promise((r) => setImmediate(r));
      expect(getEventListeners(ctrl.signal, 'abort')).toHaveLength(0);
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('rejects with an AbortError when the signal fires', async () => {
    fake.setOptions({ latencyMs: 2_000 });
    try {
      const ctrl = new AbortController();
      const p = f(`${fake.baseURL}/chat/completions`, {
        method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }), signal: ctrl.signal,
      });
      setTimeout(() => ctrl.abort(), 20);
      await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      fake.setOptions({ latencyMs: 0 });
    }
  });
});

describe('the OpenAI SDK over the transport', () => {
  const client = (opts: { key?: string; timeout?: number } = {}) =>
    new OpenAI({ apiKey: opts.key ?? KEY, baseURL: fake.baseURL, maxRetries: 0, timeout: opts.timeout, fetch: createTransport() });

  it('gets a completion with usage', async () => {
    const r = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say something' }] });
    expect(typeof r.choices[0].message.content).toBe('string');
    expect(r.usage!.prompt_tokens).toBeGreaterThan(0);
  });

  it('streams (handed to the global fetch) with usage in the last chunk', async () => {
    const globalFetch = vi.spyOn(globalThis, 'fetch');
    try {
      const stream = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say something' }], stream: true, stream_options: { include_usage: true } });
      let text = '';
      let usage: unknown = null;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta?.content ?? '';
        if (chunk.usage) usage = chunk.usage;
      }
      expect(text.length).toBeGreaterThan(0);
      expect(usage).toMatchObject({ prompt_tokens: expect.any(Number) });
      expect(globalFetch).toHaveBeenCalledTimes(1);
    } finally {
      globalFetch.mockRestore();
    }
  });

  it('turns a 429 into an error with status and Retry-After the classifier reads', async () => {
    fake.setOptions({ fail429Rate: 1, retryAfterMs: 1500 });
    try {
      const e = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch((x) => x);
      expect(e).toBeInstanceOf(OpenAI.APIError);
      expect(e.status).toBe(429);
      const classified = classifyError(e, [KEY], false, false);
      expect(classified.kind).toBe('rate');
      expect(classified.retryAfterMs).toBe(1500);
    } finally {
      fake.setOptions({ fail429Rate: 0 });
    }
  });

  it('turns a wrong key into a 401 whose message does not carry the key', async () => {
    const wrong = 'sk-wrong-key-abcdefghijklmnop';
    const e = await client({ key: wrong }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch((x) => x);
    expect(e.status).toBe(401);
    const classified = classifyError(e, [wrong], false, false);
    expect(classified.kind).toBe('auth');
    expect(classified.message).not.toContain(wrong);
  });

  it('times out through the SDK timeout', async () => {
    fake.setOptions({ latencyMs: 2_000 });
    try {
      const e = await client({ timeout: 50 }).chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch((x) => x);
      expect(e).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
    } finally {
      fake.setOptions({ latencyMs: 0 });
    }
  });
});

describe('the provider (LangChain completionWithRetry over the transport)', () => {
  it('returns content, finish reason and usage; sends max_completion_tokens to reasoning models', async () => {
    const p = createOpenAIProvider({ baseUrl: fake.baseURL, apiKey: KEY, timeoutMs: 5_000 });
    const ctrl = new AbortController();
    fake.reset();
    const r = await p.complete({ model: 'gpt-4o-mini', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }], max_tokens: 64, temperature: 0 }, { signal: ctrl.signal });
    expect(r.content.length).toBeGreaterThan(0);
    expect(r.finish_reason).toBe('stop');
    expect(r.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number), cached_input_tokens: 0 });
    expect(r.usage!.input_tokens).toBeGreaterThan(0);
    await p.complete({ model: 'o4-mini', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 99, response_format: 'json' }, { signal: ctrl.signal });
    const sent = fake.stats.log.map((l) => l.body as Record<string, unknown>);
    expect(sent[0]).toMatchObject({ model: 'gpt-4o-mini', max_tokens: 64, temperature: 0, stream: false });
    expect(sent[0].messages).toEqual([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hello there' }]);
    expect(sent[1]).toMatchObject({ model: 'o4-mini', max_completion_tokens: 99, response_format: { type: 'json_object' } });
    expect(sent[1]).not.toHaveProperty('max_tokens');
  });

  it("reads llama.cpp's context-size error as a context failure, with the window it states", async () => {
    const sig = new AbortController().signal;
    const req = { model: 'local', messages: [{ role: 'user' as const, content: 'x' }], max_tokens: 8 };
    // n_ctx wins over the message's figure when both are there.
    await expect(createOpenAIProvider({ baseUrl: `${rawUrl}/llama-cpp/new/v1`, timeoutMs: 5_000 }).complete(req, { signal: sig }))
      .rejects.toMatchObject({ kind: 'context', window: 4096 });
    await expect(createOpenAIProvider({ baseUrl: `${rawUrl}/llama-cpp/old/v1`, timeoutMs: 5_000 }).complete(req, { signal: sig }))
      .rejects.toMatchObject({ kind: 'context', window: 8192 });
  });

  it('classifies failures (404 model, 400 context length, abort) as ProviderErrors', async () => {
    const p = createOpenAIProvider({ baseUrl: fake.baseURL, apiKey: KEY, timeoutMs: 5_000 });
    const sig = new AbortController().signal;
    await expect(p.complete({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }], max_tokens: 8 }, { signal: sig })).rejects.toMatchObject({ kind: 'model', status: 404 });
    fake.setOptions({ contextLimits: { 'gpt-4o-mini': 50 } });
    try {
      await expect(p.complete({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x '.repeat(200) }], max_tokens: 8 }, { signal: sig })).rejects.toMatchObject({ kind: 'context', window: 50 });
    } finally {
      fake.setOptions({ contextLimits: {} });
    }
    fake.setOptions({ latencyMs: 2_000 });
    try {
      const ctrl = new AbortController();
      setTimeout(() => ctrl.abort(), 20);
      const e = await p.complete({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }], max_tokens: 8 }, { signal: ctrl.signal }).catch((x) => x);
      expect(e).toBeInstanceOf(ProviderError);
      expect(e.kind).toBe('aborted');
    } finally {
      fake.setOptions({ latencyMs: 0 });
    }
  });
});
