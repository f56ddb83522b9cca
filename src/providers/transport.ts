/**
 * The HTTP transport under the OpenAI client: a `fetch` built on node:http/https with
 * keep-alive agents. Node's global fetch (undici's WHATWG implementation) spends about 0.35 ms
 * of CPU more per request than node:http on this workload (BENCHMARKS.md, "Client overhead"),
 * which at 1,000 requests/s is a third of a core. Replies are buffered whole and handed to the
 * client as a Response-like object with the members the SDK reads (BufferedReply); the e2e
 * tests cover what it must do: JSON replies, error bodies, Retry-After headers, aborts.
 *
 * Anything this transport does not need to be fast for (streaming requests, non-string bodies
 * such as the multipart uploads of the Batch API, non-http(s) URLs) goes to the global fetch.
 */
import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

type FetchInit = RequestInit & { signal?: AbortSignal | null };
export type FetchLike = (url: string | URL | Request, init?: FetchInit) => Promise<Response>;

/** Responses that must not carry a body in the Fetch standard. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const REDIRECT = new Set([301, 302, 303, 307, 308]);

function plainHeaders(h: HeadersInit | undefined): Record<string, string> {
  if (!h) return {};
  if (h instanceof Headers) return Object.fromEntries(h.entries());
  if (Array.isArray(h)) return Object.fromEntries(h);
  return h as Record<string, string>;
}

/**
 * The response headers: what the OpenAI SDK and LangChain read (get, has, entries, iteration),
 * over node's already lower-cased header object. Building a WHATWG Headers per reply cost more
 * than the rest of this transport.
 */
export class ReplyHeaders {
  readonly #raw: Record<string, string>;
  constructor(raw: http.IncomingHttpHeaders) {
    const flat: Record<string, string> = {};
    for (const k in raw) {
      const v = raw[k];
      if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    this.#raw = flat;
  }
  get(name: string): string | null {
    return this.#raw[name.toLowerCase()] ?? null;
  }
  has(name: string): boolean {
    return name.toLowerCase() in this.#raw;
  }
  entries(): IterableIterator<[string, string]> {
    return Object.entries(this.#raw)[Symbol.iterator]();
  }
  keys(): IterableIterator<string> {
    return Object.keys(this.#raw)[Symbol.iterator]();
  }
  values(): IterableIterator<string> {
    return Object.values(this.#raw)[Symbol.iterator]();
  }
  forEach(fn: (value: string, key: string) => void): void {
    for (const [k, v] of Object.entries(this.#raw)) fn(v, k);
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/**
 * A whole, buffered reply with the Response members the OpenAI SDK uses (status, ok, url,
 * headers, text, json, arrayBuffer, body). `body` is made only if something asks for it.
 */
export class BufferedReply {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = 'basic';
  #bodyUsed = false;
  readonly #buf: Buffer;
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly headers: ReplyHeaders,
    readonly url: string,
    buf: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
    this.#buf = buf;
  }
  get bodyUsed(): boolean {
    return this.#bodyUsed;
  }
  get body(): ReadableStream<Uint8Array> | null {
    if (NULL_BODY.has(this.status)) return null;
    const buf = this.#buf;
    return new ReadableStream({ start(c) { c.enqueue(new Uint8Array(buf)); c.close(); } });
  }
  #take(): Buffer {
    if (this.#bodyUsed) throw new TypeError('Body is unusable: Body has already been read');
    this.#bodyUsed = true;
    return this.#buf;
  }
  async text(): Promise<string> {
    return this.#take().toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.#take().toString('utf8'));
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.#take();
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
  }
  clone(): BufferedReply {
    return new BufferedReply(this.status, this.statusText, this.headers, this.url, this.#buf);
  }
}

/**
 * Nothing here asks for a compressed reply, but a proxy may send one anyway; fetch would
 * decode it, so this does too (and drops the headers that described the encoded bytes).
 */
function decode(body: Buffer, headers: http.IncomingHttpHeaders): Buffer {
  const enc = headers['content-encoding']?.trim().toLowerCase();
  if (!enc || enc === 'identity' || body.length === 0) return body;
  const out = enc === 'gzip' || enc === 'x-gzip' ? gunzipSync(body)
    : enc === 'deflate' ? inflateSync(body)
      : enc === 'br' ? brotliDecompressSync(body)
        : null;
  if (out === null) return body;
  delete headers['content-encoding'];
  delete headers['content-length'];
  return out;
}

export interface TransportOptions {
  /** Upper bound on open sockets per host; llmbatch never has more requests in flight than -c. */
  maxSockets?: number;
}

export function createTransport(opts: TransportOptions = {}): FetchLike {
  const agentOpts = { keepAlive: true, maxSockets: opts.maxSockets ?? 1024, scheduling: 'lifo' as const };
  const agents = { 'http:': new http.Agent(agentOpts), 'https:': new https.Agent(agentOpts) };

  return (input, init = {}) => {
    const url = input instanceof Request ? input.url : String(input);
    const body = init.body;
    const protocol = url.startsWith('https:') ? 'https:' : url.startsWith('http:') ? 'http:' : null;
    const streaming = typeof body === 'string' && body.includes('"stream":true');
    if (input instanceof Request || protocol === null || streaming || (body != null && typeof body !== 'string')) {
      return fetch(input, init);
    }
    const signal = init.signal ?? undefined;
    return new Promise<Response>((resolve, reject) => {
      const mod = protocol === 'https:' ? https : http;
      const options = { ...target(url), method: init.method ?? 'GET', headers: plainHeaders(init.headers), agent: agents[protocol] };
      const req = mod.request(options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('aborted', () => reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })));
        res.on('end', () => {
          // Redirects are rare for an API; fetch follows them (307/308 keep the POST), so let it.
          if (REDIRECT.has(res.statusCode ?? 0) && res.headers.location) {
            resolve(fetch(input, init));
            return;
          }
          try {
            const body = decode(Buffer.concat(chunks), res.headers);
            resolve(new BufferedReply(res.statusCode ?? 500, res.statusMessage ?? '', new ReplyHeaders(res.headers), url, body) as unknown as Response);
          } catch (e) {
            reject(e as Error);
          }
        });
      });
      req.on('error', reject);
      if (signal) {
        // What http.request's own `signal` option does (destroy the request with an AbortError),
        // without the stream end-of-life listeners it attaches to every request (~20 µs each).
        const abort = () => req.destroy(new DOMException('This operation was aborted', 'AbortError'));
        if (signal.aborted) abort();
        else {
          signal.addEventListener('abort', abort, { once: true });
          req.once('close', () => signal.removeEventListener('abort', abort));
        }
      }
      req.end(body ?? undefined);
    });
  };
}

/**
 * The request options of a URL (host, port, path, auth), parsed once per URL: the client asks
 * for the same endpoint thousands of times, and http.request parsing the string each time cost
 * ~12 µs per request. A handful of URLs at most in a run; the map is emptied if one ever holds more.
 */
const targets = new Map<string, http.RequestOptions>();
function target(url: string): http.RequestOptions {
  let t = targets.get(url);
  if (!t) {
    if (targets.size >= 64) targets.clear();
    t = urlToHttpOptions(new URL(url));
    targets.set(url, t);
  }
  return t;
}
