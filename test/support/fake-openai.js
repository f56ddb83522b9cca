#!/usr/bin/env node
// Loopback OpenAI-compatible server: the test suite's only stand-in (STYLE.md "Tests"), also
// used by the benchmarks (SPEC §16). Plain ESM + JSDoc so vitest and plain node import it as is.
//
// Design notes:
// - Wire format follows the OpenAI API reference: chat completions (JSON and SSE with
//   stream_options.include_usage, https://platform.openai.com/docs/api-reference/chat-streaming),
//   error bodies `{error:{message,type,param,code}}`, 429 with `retry-after` and
//   `retry-after-ms`, files + batches (https://platform.openai.com/docs/api-reference/batch).
// - Replies are deterministic: content comes from `respond` or the built-in responder, token
//   counts from characters (ceil(chars/4) + 4 per message). Injected failures draw from a seeded
//   PRNG, one draw per chat request, so a run with the same options fails the same number of
//   times whatever the arrival order.
// - The configured key never leaves the server: 401 bodies echo a masked form of the key the
//   client sent, and the request log stores `authorization: REDACTED`.
// - `inFlight` counts a chat request from its first byte until its response closes (finished,
//   dropped or aborted by the client), so `maxInFlight` is what a concurrency limit is tested by.

import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** @typedef {import('./fake-openai.d.ts').FakeOpenAIOptions} FakeOpenAIOptions */
/** @typedef {import('./fake-openai.d.ts').FakeOpenAIStats} FakeOpenAIStats */
/** @typedef {import('./fake-openai.d.ts').FakeOpenAI} FakeOpenAI */
/** @typedef {import('./fake-openai.d.ts').RespondRequest} RespondRequest */
/** @typedef {import('./fake-openai.d.ts').RespondResult} RespondResult */
/** @typedef {import('./fake-openai.d.ts').LogEntry} LogEntry */
/** @typedef {{status: number, body: any, headers?: Record<string, string>}} ErrorReply */

export const DEFAULT_MODELS = Object.freeze([
  'gpt-4o-mini', 'gpt-4o', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano',
  'gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'o4-mini', 'gpt-3.5-turbo', 'llama3.1:8b',
]);

const DEFAULTS = Object.freeze({
  latencyMs: 0, jitterMs: 0, streamChunkDelayMs: 0, apiKey: undefined,
  models: DEFAULT_MODELS, contextLimits: {}, fail429Rate: 0, fail500Rate: 0, fail503Rate: 0,
  dropRate: 0, retryAfterMs: 50, failModels: {}, failFirst: 0, seed: 42, batchDelayMs: 0,
  respond: undefined, recordLog: true, rateLimitRequests: 10_000, rateLimitTokens: 10_000_000,
});

// ---------------------------------------------------------------------------------------------
// Deterministic pieces (exported so tests can compute expected numbers)

/** mulberry32: tiny, fast, good enough to make injected failures reproducible. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** @param {any} message */
export function messageText(message) {
  const c = message?.content;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((p) => (typeof p === 'string' ? p : p?.text ?? '')).join('');
  return '';
}

/** @param {any[]} messages */
export function fakePromptTokens(messages) {
  let n = 0;
  for (const m of messages ?? []) n += Math.ceil(messageText(m).length / 4) + 4;
  return n;
}

/** @param {string} text @param {number} [maxTokens] */
export function fakeCompletionTokens(text, maxTokens) {
  const n = Math.ceil((text ?? '').length / 4);
  return maxTokens ? Math.min(n, maxTokens) : n;
}

/** Masked like OpenAI's 401 message: a few leading characters, stars, the last two. */
export function maskKey(key) {
  const head = key.length >= 12 ? 5 : Math.min(2, Math.floor(key.length / 4));
  const tail = key.length >= 12 ? 2 : 0;
  const stars = '*'.repeat(Math.max(3, key.length - head - tail));
  return key.slice(0, head) + stars + (tail ? key.slice(-tail) : '');
}

/** Fill a JSON schema with plausible values, so json_schema replies parse against it. */
function fillSchema(schema, text, depth = 0) {
  if (!schema || typeof schema !== 'object' || depth > 8) return text;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const branch = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(branch) && branch.length) return fillSchema(branch[0], text, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out = /** @type {Record<string, unknown>} */ ({});
      for (const [k, s] of Object.entries(schema.properties ?? {})) out[k] = fillSchema(s, text, depth + 1);
      return out;
    }
    case 'array': return [fillSchema(schema.items, text, depth + 1)];
    case 'number': case 'integer': return 0;
    case 'boolean': return true;
    case 'null': return null;
    default: return text;
  }
}

/** The first n whitespace-separated words, without scanning the rest of a long document. */
function firstWords(text, n) {
  const re = /\S+/g;
  const out = [];
  for (let m; out.length < n && (m = re.exec(text));) out.push(m[0]);
  return out;
}

/**
 * The built-in responder: "Summary (MODEL): " + the first 12 words of the last user message,
 * cut to max_tokens words (finish_reason 'length') when that is smaller. JSON when asked.
 * @param {RespondRequest} req
 * @returns {RespondResult}
 */
export function defaultRespond({ model, messages, body }) {
  const lastUser = [...(messages ?? [])].reverse().find((m) => m?.role === 'user');
  const words = firstWords(messageText(lastUser), 12);
  let all = ['Summary', `(${model}):`, ...words];
  const maxOut = body?.max_completion_tokens ?? body?.max_tokens;
  /** @type {'stop' | 'length'} */
  let finish_reason = 'stop';
  if (maxOut && all.length > maxOut) { all = all.slice(0, Math.max(1, maxOut)); finish_reason = 'length'; }
  const text = all.join(' ');
  const rf = body?.response_format;
  if (rf?.type === 'json_object') return { content: JSON.stringify({ summary: text }), finish_reason };
  if (rf?.type === 'json_schema') {
    const value = fillSchema(rf.json_schema?.schema ?? { type: 'object', properties: { summary: {} } }, text);
    return { content: JSON.stringify(value), finish_reason };
  }
  return { content: text, finish_reason };
}

// ---------------------------------------------------------------------------------------------
// Error bodies, shaped as api.openai.com sends them

/** @returns {ErrorReply} */
function apiError(status, message, type, param = null, code = null, headers = undefined) {
  return { status, body: { error: { message, type, param, code } }, headers };
}

const errors = {
  missingKey: () => apiError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.", 'invalid_request_error'),
  invalidKey: (/** @type {string} */ sent) => apiError(401, `Incorrect API key provided: ${maskKey(sent)}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', null, 'invalid_api_key'),
  forbidden: () => apiError(403, 'You are not allowed to sample from this model', 'invalid_request_error', null, 'model_not_allowed'),
  modelNotFound: (/** @type {string} */ model) => apiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', null, 'model_not_found'),
  badJson: () => apiError(400, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)", 'invalid_request_error'),
  missing: (/** @type {string} */ param) => apiError(400, `Missing required parameter: '${param}'.`, 'invalid_request_error', param, 'missing_required_parameter'),
  invalid: (/** @type {string} */ message, param = null) => apiError(400, message, 'invalid_request_error', param),
  contextLength: (limit, prompt, completion) => apiError(400, completion
    ? `This model's maximum context length is ${limit} tokens. However, you requested ${prompt + completion} tokens (${prompt} in the messages, ${completion} in the completion). Please reduce the length of the messages or completion.`
    : `This model's maximum context length is ${limit} tokens. However, your messages resulted in ${prompt} tokens. Please reduce the length of the messages.`,
  'invalid_request_error', 'messages', 'context_length_exceeded'),
  rateLimit: (/** @type {number} */ ms) => apiError(429, 'Rate limit reached for requests', 'requests', null, 'rate_limit_exceeded',
    { 'retry-after': String(Math.max(1, Math.ceil(ms / 1000))), 'retry-after-ms': String(ms) }),
  timeout: () => apiError(408, 'Request timed out.', 'server_error'),
  server: () => apiError(500, 'The server had an error while processing your request. Sorry about that!', 'server_error'),
  overloaded: () => apiError(503, 'The engine is currently overloaded, please try again later.', 'server_error'),
  notFound: (/** @type {string} */ what) => apiError(404, what, 'invalid_request_error'),
  /** @param {number} status @param {string} [model] @param {number} [retryAfterMs] */
  forStatus(status, model = '', retryAfterMs = 50) {
    switch (status) {
      case 401: return errors.invalidKey('sk-injected-by-fake-server');
      case 403: return errors.forbidden();
      case 404: return errors.modelNotFound(model);
      case 408: return errors.timeout();
      case 429: return errors.rateLimit(retryAfterMs);
      case 500: return errors.server();
      case 503: return errors.overloaded();
      default: return apiError(status, `Injected error (HTTP ${status}) from the fake OpenAI server.`, status < 500 ? 'invalid_request_error' : 'server_error');
    }
  },
};

// ---------------------------------------------------------------------------------------------
// Small HTTP helpers

// Unique per process and cheap: a random stem plus a counter (randomBytes per id showed in profiles).
const idStem = randomBytes(6).toString('hex');
let idSeq = 0;
const newId = (prefix, width = 12) => prefix + idStem + (++idSeq).toString(16).padStart(width, '0');
const nowSec = () => Math.floor(Date.now() / 1000);

/** Events rather than `for await`: the async iterator showed in profiles at 200+ sockets. @param {http.IncomingMessage} req @returns {Promise<Buffer>} */
function readBody(req) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.once('error', reject);
    req.once('close', () => { if (!req.complete) reject(new Error('client closed the request before its body ended')); });
  });
}

/** Copy of the request headers with credentials replaced. */
function redactHeaders(headers) {
  const out = { ...headers };
  for (const k of ['authorization', 'api-key', 'x-api-key', 'cookie']) if (k in out) out[k] = 'REDACTED';
  return out;
}

/** Minimal multipart/form-data parser (RFC 7578): enough for `purpose` + `file`. */
function parseMultipart(buf, contentType) {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  if (!m) return null;
  const delim = Buffer.from(`--${m[1] ?? m[2]}`);
  const next = Buffer.from(`\r\n--${m[1] ?? m[2]}`);
  /** @type {{name: string, filename?: string, contentType?: string, data: Buffer}[]} */
  const parts = [];
  let pos = buf.indexOf(delim);
  while (pos !== -1) {
    let start = pos + delim.length;
    if (buf[start] === 0x2d && buf[start + 1] === 0x2d) break; // closing "--boundary--"
    if (buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2;
    const headEnd = buf.indexOf('\r\n\r\n', start);
    if (headEnd === -1) break;
    const end = buf.indexOf(next, headEnd + 4);
    if (end === -1) break;
    const head = buf.subarray(start, headEnd).toString('utf8');
    const disp = /content-disposition:[^\r\n]*/i.exec(head)?.[0] ?? '';
    parts.push({
      name: /\bname="([^"]*)"/i.exec(disp)?.[1] ?? '',
      filename: /\bfilename="([^"]*)"/i.exec(disp)?.[1],
      contentType: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1],
      data: buf.subarray(headEnd + 4, end),
    });
    pos = end + 2;
  }
  return parts;
}

// ---------------------------------------------------------------------------------------------
// The server

/**
 * Start a loopback OpenAI-compatible server on 127.0.0.1, port `options.port` (default 0).
 * @param {FakeOpenAIOptions & {port?: number}} [options]
 * @returns {Promise<FakeOpenAI>}
 */
export async function startFakeOpenAI(options = {}) {
  const { port: wantedPort = 0, ...rest } = options;
  /** @type {Required<Omit<FakeOpenAIOptions, 'apiKey' | 'respond'>> & FakeOpenAIOptions} */
  const opts = { ...DEFAULTS };
  let failRng = prng(DEFAULTS.seed);
  let jitterRng = prng(DEFAULTS.seed ^ 0x9e3779b9);
  let failFirstLeft = 0;
  let closed = false;
  /** @type {Set<() => void>} */
  const sleepers = new Set();
  /** @type {Map<string, any>} */
  const files = new Map();
  /** @type {Map<string, any>} */
  const batches = new Map();

  /** @param {Partial<FakeOpenAIOptions>} partial */
  function setOptions(partial) {
    for (const [k, v] of Object.entries(partial ?? {})) {
      if (!(k in DEFAULTS)) throw new TypeError(`fake-openai: unknown option "${k}" (known: ${Object.keys(DEFAULTS).join(', ')})`);
      if (k.endsWith('Rate') && v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1)) {
        throw new RangeError(`fake-openai: ${k} must be between 0 and 1, got ${v}`);
      }
      /** @type {any} */ (opts)[k] = v === undefined ? /** @type {any} */ (DEFAULTS)[k] : v;
    }
    if ('seed' in (partial ?? {})) reseed();
    if ('failFirst' in (partial ?? {})) failFirstLeft = opts.failFirst ?? 0;
  }
  function reseed() {
    failRng = prng(opts.seed);
    jitterRng = prng(opts.seed ^ 0x9e3779b9);
  }

  /** @type {FakeOpenAIStats} */
  const stats = {
    requests: 0, completed: 0, dropped: 0, aborted: 0, batchRequests: 0,
    byStatus: {}, byModel: {}, inFlight: 0, maxInFlight: 0, log: [],
    reset() {
      stats.requests = stats.completed = stats.dropped = stats.aborted = stats.batchRequests = 0;
      for (const k of Object.keys(stats.byStatus)) delete stats.byStatus[k];
      for (const k of Object.keys(stats.byModel)) delete stats.byModel[k];
      stats.maxInFlight = stats.inFlight; // requests still in flight stay counted
      stats.log.length = 0;
    },
  };
  Object.defineProperty(stats, 'reset', { enumerable: false });

  setOptions(rest);

  const sleep = (ms) => (ms > 0 && !closed ? new Promise((resolve) => {
    const done = () => { clearTimeout(t); sleepers.delete(done); resolve(undefined); };
    const t = setTimeout(done, ms);
    sleepers.add(done);
  }) : Promise.resolve());

  function commonHeaders(extraTokens = 0) {
    return {
      'x-request-id': newId('req_'),
      'openai-version': '2020-10-01',
      'openai-processing-ms': String(opts.latencyMs),
      'x-ratelimit-limit-requests': String(opts.rateLimitRequests),
      'x-ratelimit-remaining-requests': String(Math.max(0, opts.rateLimitRequests - stats.inFlight)),
      'x-ratelimit-reset-requests': '6ms',
      'x-ratelimit-limit-tokens': String(opts.rateLimitTokens),
      'x-ratelimit-remaining-tokens': String(Math.max(0, opts.rateLimitTokens - extraTokens)),
      'x-ratelimit-reset-tokens': '0s',
    };
  }

  /** @param {http.ServerResponse} res */
  function sendJson(res, status, body, headers = {}) {
    if (res.destroyed || res.headersSent) return;
    const data = JSON.stringify(body);
    res.writeHead(status, {
      ...commonHeaders(), ...headers,
      'content-type': 'application/json', 'content-length': Buffer.byteLength(data),
    });
    res.end(data);
  }
  const sendError = (res, /** @type {ErrorReply} */ e) => sendJson(res, e.status, e.body, e.headers);

  /** @param {http.IncomingMessage} req @returns {ErrorReply | null} */
  function checkAuth(req) {
    if (!opts.apiKey) return null;
    const sent = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
    if (!sent) return errors.missingKey();
    return sent === opts.apiKey ? null : errors.invalidKey(sent);
  }

  const knownModel = (m) => opts.models === '*' || (Array.isArray(opts.models) && (opts.models.includes(m) || opts.models.includes('*')));

  /** Deterministic request validation, shared by HTTP and batch lines. @returns {ErrorReply | null} */
  function validateChat(body) {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return errors.badJson();
    if (!body.model) return errors.invalid('you must provide a model parameter', 'model');
    if (!Array.isArray(body.messages)) return errors.missing('messages');
    if (body.messages.length === 0) return errors.invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages');
    if (!knownModel(body.model)) return errors.modelNotFound(body.model);
    const limit = opts.contextLimits?.[body.model];
    if (limit) {
      const prompt = fakePromptTokens(body.messages);
      const maxOut = body.max_completion_tokens ?? body.max_tokens ?? 0;
      if (prompt + maxOut > limit) return errors.contextLength(limit, prompt, maxOut);
    }
    const forced = opts.failModels?.[body.model];
    if (forced) return errors.forStatus(forced, body.model, opts.retryAfterMs);
    return null;
  }

  /** Injected, non-deterministic-looking (but seeded) faults: HTTP only. */
  function injectedFault() {
    if (failFirstLeft > 0) { failFirstLeft--; return errors.server(); }
    const r = failRng();
    let edge = opts.dropRate;
    if (r < edge) return 'drop';
    if (r < (edge += opts.fail429Rate)) return errors.rateLimit(opts.retryAfterMs);
    if (r < (edge += opts.fail500Rate)) return errors.server();
    if (r < (edge += opts.fail503Rate)) return errors.overloaded();
    return null;
  }

  /**
   * Run the responder and build the chat.completion object (or the error it asked for).
   * @returns {Promise<{error: ErrorReply} | {completion: any, content: string, delayMs: number}>}
   */
  async function complete(body, headers, source) {
    /** @type {RespondRequest} */
    const input = { model: body.model, messages: body.messages, body, headers, source };
    /** @type {string | RespondResult | undefined} */
    let raw;
    try {
      raw = opts.respond ? await opts.respond(input) : defaultRespond(input);
    } catch (err) {
      return { error: apiError(500, `The fake server's respond() threw: ${err?.message ?? err}`, 'server_error') };
    }
    /** @type {RespondResult} */
    const out = typeof raw === 'string' ? { content: raw } : raw ?? { content: '' };
    if (out.status && out.status !== 200) {
      const e = errors.forStatus(out.status, body.model, opts.retryAfterMs);
      if (out.error) e.body = { error: { ...e.body.error, ...out.error } };
      return { error: e };
    }
    // null is sent as null, as OpenAI does for a filtered reply or a refusal.
    const wireContent = out.content === null ? null : String(out.content ?? '');
    const content = wireContent ?? '';
    const n = Math.max(1, Number(body.n) || 1);
    const maxOut = body.max_completion_tokens ?? body.max_tokens;
    const prompt_tokens = fakePromptTokens(body.messages);
    const completion_tokens = fakeCompletionTokens(content, maxOut) * n;
    const usage = {
      prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      ...out.usage,
    };
    if (out.usage && out.usage.total_tokens === undefined) usage.total_tokens = usage.prompt_tokens + usage.completion_tokens;
    const finish_reason = out.finish_reason ?? 'stop';
    const completion = {
      id: newId('chatcmpl-'), object: 'chat.completion', created: nowSec(), model: body.model,
      choices: Array.from({ length: n }, (_, index) => ({
        index, message: { role: 'assistant', content: wireContent, refusal: null, annotations: [] }, logprobs: null, finish_reason,
      })),
      usage, service_tier: 'default', system_fingerprint: 'fp_fake0000',
    };
    return { completion, content, delayMs: Number(out.delayMs) || 0 };
  }

  /** @param {http.ServerResponse} res */
  async function sendStream(res, body, completion) {
    const includeUsage = body.stream_options?.include_usage === true;
    const base = { id: completion.id, object: 'chat.completion.chunk', created: completion.created, model: completion.model, service_tier: 'default', system_fingerprint: completion.system_fingerprint };
    const chunk = (choices) => `data: ${JSON.stringify(includeUsage ? { ...base, choices, usage: null } : { ...base, choices })}\n\n`;
    const n = completion.choices.length;
    const content = completion.choices[0].message.content;
    const pieces = content.match(/\s*\S+\s*/g) ?? (content ? [content] : []);
    res.writeHead(200, { ...commonHeaders(), 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    for (let i = 0; i < n; i++) res.write(chunk([{ index: i, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }]));
    for (const piece of pieces) {
      if (opts.streamChunkDelayMs) await sleep(opts.streamChunkDelayMs);
      if (res.destroyed || closed) return;
      for (let i = 0; i < n; i++) res.write(chunk([{ index: i, delta: { content: piece }, logprobs: null, finish_reason: null }]));
    }
    for (let i = 0; i < n; i++) res.write(chunk([{ index: i, delta: {}, logprobs: null, finish_reason: completion.choices[i].finish_reason }]));
    if (includeUsage) res.write(`data: ${JSON.stringify({ ...base, choices: [], usage: completion.usage })}\n\n`);
    res.end('data: [DONE]\n\n');
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async function handleChat(req, res) {
    stats.requests++;
    stats.inFlight++;
    if (stats.inFlight > stats.maxInFlight) stats.maxInFlight = stats.inFlight;
    /** @type {LogEntry} */
    const entry = { source: 'http', model: undefined, messages: undefined, body: undefined, headers: redactHeaders(req.headers), status: null, startedAt: Date.now(), endedAt: null };
    if (opts.recordLog) stats.log.push(entry);
    res.once('close', () => {
      stats.inFlight--;
      entry.endedAt = Date.now();
      if (entry.status === null) { entry.status = 0; stats.aborted++; }
    });
    const reply = (/** @type {number} */ status, fn) => {
      if (res.destroyed) return;
      entry.status = status;
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
      if (status === 200) res.once('finish', () => { stats.completed++; });
      fn();
    };

    const raw = await readBody(req);
    const authError = checkAuth(req);
    let body;
    if (!authError) {
      try { body = JSON.parse(raw.toString('utf8')); } catch { body = undefined; }
    }
    entry.body = body;
    entry.model = body?.model;
    entry.messages = body?.messages;
    if (typeof body?.model === 'string') stats.byModel[body.model] = (stats.byModel[body.model] ?? 0) + 1;

    /** @type {ErrorReply | 'drop' | null} */
    const fault = authError ?? validateChat(body) ?? injectedFault();
    await sleep(opts.latencyMs + (opts.jitterMs ? Math.floor(jitterRng() * opts.jitterMs) : 0));
    if (res.destroyed || closed) return;
    if (fault === 'drop') {
      entry.status = 0;
      stats.dropped++;
      req.socket.destroy();
      return;
    }
    if (fault) return reply(fault.status, () => sendError(res, fault));

    const result = await complete(body, entry.headers, 'http');
    if ('error' in result) return reply(result.error.status, () => sendError(res, result.error));
    if (result.delayMs) await sleep(result.delayMs);
    if (res.destroyed || closed) return;
    entry.content = result.content;
    entry.usage = result.completion.usage;
    if (body.stream === true) return reply(200, () => { sendStream(res, body, result.completion).catch(() => res.destroy()); });
    reply(200, () => sendJson(res, 200, result.completion, commonHeaders(result.completion.usage.total_tokens)));
  }

  // --- files and batches ---------------------------------------------------------------------

  function fileObject(f) {
    const { content: _c, ...meta } = f;
    return meta;
  }
  function addFile(content, filename, purpose) {
    const f = { id: newId('file-'), object: 'file', bytes: content.length, created_at: nowSec(), filename, purpose, status: 'processed', expires_at: null, status_details: null, content };
    files.set(f.id, f);
    return f;
  }

  /** Validate the JSONL; then run every line through the responder. */
  async function runBatch(batch) {
    const input = files.get(batch.input_file_id);
    const lines = input.content.toString('utf8').split('\n').map((l, i) => ({ l: l.trim(), line: i + 1 })).filter((x) => x.l);
    const problems = [];
    const requests = [];
    const seen = new Set();
    for (const { l, line } of lines) {
      let obj;
      try { obj = JSON.parse(l); } catch { problems.push({ code: 'invalid_json_line', message: 'This line is not parseable as valid JSON.', param: null, line }); continue; }
      if (typeof obj?.custom_id !== 'string') problems.push({ code: 'missing_required_parameter', message: "Missing required parameter: 'custom_id'.", param: 'custom_id', line });
      else if (seen.has(obj.custom_id)) problems.push({ code: 'duplicate_custom_id', message: 'The custom_id for this request is a duplicate of another request. The custom_id parameter must be unique for each request in a batch.', param: 'custom_id', line });
      else if (obj.url !== batch.endpoint) problems.push({ code: 'mismatched_endpoint', message: `The URL provided for this request does not match the batch endpoint ${batch.endpoint}.`, param: 'url', line });
      else if (obj.method !== 'POST') problems.push({ code: 'invalid_method', message: 'Only POST is supported.', param: 'method', line });
      else { seen.add(obj.custom_id); requests.push(obj); }
    }
    if (!lines.length) problems.push({ code: 'empty_file', message: 'The batch input file is empty.', param: null, line: null });
    if (problems.length) {
      Object.assign(batch, { status: 'failed', failed_at: nowSec(), errors: { object: 'list', data: problems } });
      return;
    }
    Object.assign(batch, { status: 'in_progress', in_progress_at: batch.in_progress_at ?? nowSec() });
    batch.request_counts.total = requests.length;
    const ok = [];
    const bad = [];
    for (const r of requests) {
      stats.batchRequests++;
      /** @type {LogEntry} */
      const entry = { source: 'batch', batchId: batch.id, customId: r.custom_id, model: r.body?.model, messages: r.body?.messages, body: r.body, headers: {}, status: null, startedAt: Date.now(), endedAt: null };
      if (opts.recordLog) stats.log.push(entry);
      const invalid = validateChat(r.body);
      const result = invalid ? { error: invalid } : await complete(r.body, {}, 'batch');
      const request_id = newId('req_');
      if ('error' in result) {
        entry.status = result.error.status;
        bad.push({ id: newId('batch_req_'), custom_id: r.custom_id, response: { status_code: result.error.status, request_id, body: result.error.body }, error: null });
        batch.request_counts.failed++;
      } else {
        entry.status = 200;
        entry.content = result.content;
        entry.usage = result.completion.usage;
        ok.push({ id: newId('batch_req_'), custom_id: r.custom_id, response: { status_code: 200, request_id, body: result.completion }, error: null });
        batch.request_counts.completed++;
      }
      entry.endedAt = Date.now();
    }
    const jsonl = (rows) => Buffer.from(rows.map((x) => JSON.stringify(x)).join('\n') + '\n');
    const t = nowSec();
    batch.finalizing_at = t;
    if (ok.length) batch.output_file_id = addFile(jsonl(ok), `${batch.id}_output.jsonl`, 'batch_output').id;
    if (bad.length) batch.error_file_id = addFile(jsonl(bad), `${batch.id}_error.jsonl`, 'batch_output').id;
    Object.assign(batch, { status: 'completed', completed_at: t });
  }

  function publicBatch(b) {
    const { _run: _r, _createdMs: _c, ...rest } = b;
    return rest;
  }

  async function handleFiles(req, res, parts) {
    if (req.method === 'POST' && parts.length === 0) {
      const raw = await readBody(req);
      const form = parseMultipart(raw, req.headers['content-type']);
      if (!form) return sendError(res, errors.invalid('Expected multipart/form-data with a boundary.'));
      const purpose = form.find((p) => p.name === 'purpose' && p.filename === undefined)?.data.toString('utf8');
      const file = form.find((p) => p.name === 'file');
      if (!purpose) return sendError(res, errors.missing('purpose'));
      if (!file) return sendError(res, errors.missing('file'));
      return sendJson(res, 200, fileObject(addFile(Buffer.from(file.data), file.filename ?? 'upload', purpose)));
    }
    if (req.method === 'GET' && parts.length === 0) {
      return sendJson(res, 200, { object: 'list', data: [...files.values()].map(fileObject), has_more: false });
    }
    const f = files.get(parts[0]);
    if (!f) return sendError(res, errors.notFound(`No such File object: ${parts[0]}`));
    if (req.method === 'GET' && parts.length === 1) return sendJson(res, 200, fileObject(f));
    if (req.method === 'GET' && parts[1] === 'content' && parts.length === 2) {
      res.writeHead(200, { ...commonHeaders(), 'content-type': 'application/octet-stream', 'content-length': f.content.length });
      return res.end(f.content);
    }
    if (req.method === 'DELETE' && parts.length === 1) {
      files.delete(f.id);
      return sendJson(res, 200, { id: f.id, object: 'file', deleted: true });
    }
    return null;
  }

  async function handleBatches(req, res, parts) {
    if (req.method === 'POST' && parts.length === 0) {
      let body;
      try { body = JSON.parse((await readBody(req)).toString('utf8')); } catch { return sendError(res, errors.badJson()); }
      for (const p of ['input_file_id', 'endpoint', 'completion_window']) if (!body?.[p]) return sendError(res, errors.missing(p));
      if (!files.has(body.input_file_id)) return sendError(res, errors.notFound(`No such File object: ${body.input_file_id}`));
      if (body.endpoint !== '/v1/chat/completions') return sendError(res, errors.invalid(`Invalid value for 'endpoint': this fake server supports only /v1/chat/completions, got ${body.endpoint}.`, 'endpoint'));
      if (body.completion_window !== '24h') return sendError(res, errors.invalid("Invalid value for 'completion_window': only '24h' is supported.", 'completion_window'));
      const created_at = nowSec();
      const batch = {
        id: newId('batch_'), object: 'batch', endpoint: body.endpoint, errors: null,
        input_file_id: body.input_file_id, completion_window: body.completion_window, status: 'validating',
        output_file_id: null, error_file_id: null, created_at, in_progress_at: null,
        expires_at: created_at + 86_400, finalizing_at: null, completed_at: null, failed_at: null,
        expired_at: null, cancelling_at: null, cancelled_at: null,
        request_counts: { total: 0, completed: 0, failed: 0 }, metadata: body.metadata ?? null,
        _createdMs: Date.now(), _run: null,
      };
      batches.set(batch.id, batch);
      return sendJson(res, 200, publicBatch(batch));
    }
    if (req.method === 'GET' && parts.length === 0) {
      const data = [...batches.values()].reverse().map(publicBatch);
      return sendJson(res, 200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: false });
    }
    const b = batches.get(parts[0]);
    if (!b) return sendError(res, errors.notFound(`No batch found with id '${parts[0]}'.`));
    if (req.method === 'GET' && parts.length === 1) {
      if (b.status === 'validating' || b.status === 'in_progress') {
        if (Date.now() - b._createdMs >= opts.batchDelayMs) {
          b._run ??= runBatch(b);
          await b._run;
        } else if (b.status === 'validating') {
          Object.assign(b, { status: 'in_progress', in_progress_at: nowSec() });
        }
      }
      return sendJson(res, 200, publicBatch(b));
    }
    if (req.method === 'POST' && parts[1] === 'cancel' && parts.length === 2) {
      if (b.status === 'validating' || b.status === 'in_progress') {
        Object.assign(b, { status: 'cancelled', cancelling_at: nowSec(), cancelled_at: nowSec() });
      }
      return sendJson(res, 200, publicBatch(b));
    }
    return null;
  }

  /** Control endpoints for a server run as a separate process (benchmarks). No auth. */
  async function handleControl(req, res, name) {
    if (req.method === 'GET' && name === 'stats') {
      const withLog = new URL(req.url ?? '/', 'http://x').searchParams.has('log');
      const { log, ...counts } = stats;
      return sendJson(res, 200, withLog ? { ...counts, log } : counts);
    }
    if (req.method === 'POST' && name === 'reset') { handle.reset(); return sendJson(res, 200, { ok: true }); }
    if (req.method === 'POST' && name === 'options') {
      try {
        const partial = JSON.parse((await readBody(req)).toString('utf8') || '{}');
        delete partial.respond;
        setOptions(partial);
      } catch (err) { return sendError(res, errors.invalid(String(err?.message ?? err))); }
      const { respond: _r, ...shown } = opts;
      return sendJson(res, 200, { ...shown, apiKey: opts.apiKey ? maskKey(opts.apiKey) : undefined });
    }
    return null;
  }

  /** @param {http.IncomingMessage} req @param {http.ServerResponse} res */
  async function route(req, res) {
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    if (path.startsWith('/__fake/')) {
      if ((await handleControl(req, res, path.slice('/__fake/'.length))) !== null) return;
    } else if (method === 'POST' && path === '/v1/chat/completions') {
      return handleChat(req, res);
    } else if (path.startsWith('/v1/')) {
      const authError = checkAuth(req);
      if (authError) { req.resume(); return sendError(res, authError); }
      const [resource, ...parts] = path.slice('/v1/'.length).split('/').map(decodeURIComponent);
      if (resource === 'models' && method === 'GET') {
        const ids = Array.isArray(opts.models) ? opts.models.filter((m) => m !== '*') : [];
        const model = (id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake' });
        if (parts.length === 0) return sendJson(res, 200, { object: 'list', data: ids.map(model) });
        if (parts.length === 1) return knownModel(parts[0]) ? sendJson(res, 200, model(parts[0])) : sendError(res, errors.modelNotFound(parts[0]));
      }
      if (resource === 'files' && (await handleFiles(req, res, parts)) !== null) return;
      if (resource === 'batches' && (await handleBatches(req, res, parts)) !== null) return;
    }
    req.resume();
    sendError(res, errors.notFound(`Invalid URL (${method} ${path || '/'})`));
  }

  const server = http.createServer({ keepAlive: true }, (req, res) => {
    route(req, res).catch((err) => {
      if (!res.headersSent) sendError(res, apiError(500, `fake-openai internal error: ${err?.message ?? err}`, 'server_error'));
      else res.destroy();
    });
  });
  // Keep-alive friendly for clients holding hundreds of sockets; no request timeout so long
  // injected latencies are the client's to time out, as they would be against the real API.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.requestTimeout = 0;
  server.maxRequestsPerSocket = 0;
  server.maxConnections = Infinity;
  server.on('clientError', (_err, socket) => { if (!socket.destroyed) socket.destroy(); });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: wantedPort, backlog: 4096 }, () => { server.off('error', reject); resolve(undefined); });
  });
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  const url = `http://127.0.0.1:${address.port}`;

  /** @type {FakeOpenAI} */
  const handle = {
    url,
    baseURL: `${url}/v1`,
    port: address.port,
    stats,
    get options() { return { ...opts }; },
    setOptions,
    reset() {
      stats.reset();
      reseed();
      failFirstLeft = opts.failFirst ?? 0;
    },
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      for (const wake of [...sleepers]) wake();
      return new Promise((resolve) => {
        server.close(() => resolve(undefined));
        server.closeAllConnections();
      });
    },
  };
  return handle;
}

// ---------------------------------------------------------------------------------------------
// CLI: node test/support/fake-openai.js --port 8089 --latency 200 [--fail-429 0.2] [--key sk-test]

const USAGE = `usage: node test/support/fake-openai.js [options]

Serves a fake OpenAI-compatible API on 127.0.0.1 and prints its base URL on stdout.

  --port N               port (default 0: any free port)
  --latency MS           fixed delay before every chat reply (default 0)
  --jitter MS            extra random delay in [0, MS)
  --chunk-delay MS       delay between streamed chunks
  --key KEY              require "Authorization: Bearer KEY"
  --models a,b,c         known model ids ('*' accepts any)
  --context-limit M=N    context window of model M (repeatable)
  --fail-model M=STATUS  model M always fails with STATUS (repeatable)
  --fail-429 R           fraction of chat requests answered 429 (0..1)
  --fail-500 R, --fail-503 R, --drop R
  --fail-first N         the first N chat requests fail with 500
  --retry-after-ms MS    Retry-After of injected 429s (default 50)
  --batch-delay MS       a batch completes on the first GET after MS
  --seed N               PRNG seed for injected faults (default 42)
  --log                  keep the request log (GET /__fake/stats?log)

Control: GET /__fake/stats, POST /__fake/reset, POST /__fake/options {json}.`;

function parseCli(argv) {
  /** @type {FakeOpenAIOptions & {port?: number}} */
  const o = { recordLog: false, contextLimits: {}, failModels: {} };
  const num = (flag, v) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n)) throw new Error(`${flag} needs a number, got ${v ?? 'nothing'}`);
    return n;
  };
  const pair = (flag, v) => {
    const i = v?.lastIndexOf('=') ?? -1;
    if (i <= 0) throw new Error(`${flag} needs MODEL=N, got ${v ?? 'nothing'}`);
    return [v.slice(0, i), num(flag, v.slice(i + 1))];
  };
  const numeric = { '--port': 'port', '--latency': 'latencyMs', '--jitter': 'jitterMs', '--chunk-delay': 'streamChunkDelayMs', '--fail-429': 'fail429Rate', '--fail-500': 'fail500Rate', '--fail-503': 'fail503Rate', '--drop': 'dropRate', '--fail-first': 'failFirst', '--retry-after-ms': 'retryAfterMs', '--batch-delay': 'batchDelayMs', '--seed': 'seed' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].includes('=') && argv[i].startsWith('--') && !['--context-limit', '--fail-model'].includes(argv[i].split('=')[0])
      ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    if (flag in numeric) /** @type {any} */ (o)[numeric[flag]] = num(flag, value());
    else if (flag === '--key') o.apiKey = value();
    else if (flag === '--models') { const v = value(); o.models = v === '*' ? '*' : v.split(',').map((s) => s.trim()).filter(Boolean); }
    else if (flag === '--context-limit') { const [m, n] = pair(flag, value()); o.contextLimits[m] = n; }
    else if (flag === '--fail-model') { const [m, n] = pair(flag, value()); o.failModels[m] = n; }
    else if (flag === '--log') o.recordLog = true;
    else if (flag === '-h' || flag === '--help') return null;
    else throw new Error(`unknown option ${flag}`);
  }
  return o;
}

async function main() {
  let o;
  try { o = parseCli(process.argv.slice(2)); } catch (err) {
    process.stderr.write(`error: ${err.message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  if (!o) { process.stdout.write(`${USAGE}\n`); return; }
  const fake = await startFakeOpenAI(o);
  process.stdout.write(`${fake.baseURL}\n`);
  const stop = async () => {
    const { log: _l, ...counts } = fake.stats;
    process.stderr.write(`fake-openai: ${JSON.stringify(counts)}\n`);
    await fake.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const invokedPath = process.argv[1] ? (() => { try { return pathToFileURL(realpathSync(process.argv[1])).href; } catch { return ''; } })() : '';
if (invokedPath === import.meta.url) await main();
