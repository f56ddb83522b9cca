import http from 'node:http';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import OpenAI, { toFile } from 'openai';
import { fakePromptTokens, maskKey, startFakeOpenAI, type FakeOpenAI } from './fake-openai.js';

const KEY = 'sk-test-fake-0123456789abcdef';
const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
const doc = 'The quick brown fox jumps over the lazy dog while the farmer watches from the porch at dusk';

let fake: FakeOpenAI;
beforeAll(async () => { fake = await startFakeOpenAI({ apiKey: KEY }); });
afterAll(async () => { await fake.close(); });
afterEach(() => {
  // undefined restores an option's default; the key stays set.
  fake.setOptions({ latencyMs: undefined, fail429Rate: undefined, dropRate: undefined, retryAfterMs: undefined, seed: undefined, contextLimits: undefined, failModels: undefined, failFirst: undefined, respond: undefined, batchDelayMs: undefined });
  fake.reset();
});

async function chat(body: unknown, headers: Record<string, string> = auth) {
  const res = await fetch(`${fake.baseURL}/chat/completions`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { res, json: res.headers.get('content-type')?.startsWith('application/json') ? await res.json() : await res.text() };
}

/** Parse an SSE body into its data payloads. */
function sseData(text: string): string[] {
  return text.split('\n\n').filter(Boolean).map((ev) => {
    expect(ev.startsWith('data: ')).toBe(true);
    return ev.slice('data: '.length);
  });
}

describe('fake OpenAI server: chat completions', () => {
  it('answers a non-stream request in the chat.completion shape, deterministically', async () => {
    const messages = [{ role: 'system', content: 'Summarize.' }, { role: 'user', content: doc }];
    const { res, json } = await chat({ model: 'gpt-4o-mini', messages });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-ratelimit-limit-requests')).toBeTruthy();
    expect(json).toMatchObject({
      object: 'chat.completion', model: 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant' }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: fakePromptTokens(messages), prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0 } },
    });
    expect(json.id).toMatch(/^chatcmpl-/);
    expect(json.choices[0].message.content).toBe('Summary (gpt-4o-mini): The quick brown fox jumps over the lazy dog while the farmer');
    expect(json.usage.total_tokens).toBe(json.usage.prompt_tokens + json.usage.completion_tokens);
    const again = await chat({ model: 'gpt-4o-mini', messages });
    expect(again.json.choices[0].message.content).toBe(json.choices[0].message.content);
    expect(again.json.usage).toEqual(json.usage);
  });

  it('cuts the reply at max_tokens words with finish_reason length, and answers JSON mode with JSON', async () => {
    const short = await chat({ model: 'gpt-4o', max_tokens: 4, messages: [{ role: 'user', content: doc }] });
    expect(short.json.choices[0]).toMatchObject({ message: { content: 'Summary (gpt-4o): The quick' }, finish_reason: 'length' });
    expect(short.json.usage.completion_tokens).toBeLessThanOrEqual(4);
    const js = await chat({ model: 'gpt-4o', response_format: { type: 'json_object' }, messages: [{ role: 'user', content: doc }] });
    expect(JSON.parse(js.json.choices[0].message.content)).toEqual({ summary: expect.stringContaining('quick brown fox') });
  });

  it('streams chunks: role first, content, finish_reason, then usage when include_usage, then [DONE]', async () => {
    const messages = [{ role: 'user', content: doc }];
    const res = await fetch(`${fake.baseURL}/chat/completions`, {
      method: 'POST', headers: auth,
      body: JSON.stringify({ model: 'gpt-4.1-mini', messages, stream: true, stream_options: { include_usage: true } }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const data = sseData(await res.text());
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
    for (const c of chunks) expect(c).toMatchObject({ object: 'chat.completion.chunk', model: 'gpt-4.1-mini', id: chunks[0].id });
    expect(chunks[0].choices[0].delta).toMatchObject({ role: 'assistant', content: '' });
    const usageChunk = chunks.at(-1);
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toMatchObject({ prompt_tokens: fakePromptTokens(messages) });
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
    const text = chunks.flatMap((c) => c.choices.map((ch: any) => ch.delta.content ?? '')).join('');
    expect(text).toBe('Summary (gpt-4.1-mini): The quick brown fox jumps over the lazy dog while the farmer');
    expect(chunks.slice(1, -2).length).toBeGreaterThan(2);

    const noUsage = await fetch(`${fake.baseURL}/chat/completions`, {
      method: 'POST', headers: auth, body: JSON.stringify({ model: 'gpt-4.1-mini', messages, stream: true }),
    });
    const plain = sseData(await noUsage.text()).slice(0, -1).map((d) => JSON.parse(d));
    expect(plain.every((c) => c.choices.length === 1 && !('usage' in c))).toBe(true);
  });

  it('uses respond() when given, and logs which model got which document', async () => {
    fake.setOptions({ respond: async ({ model, messages }) => ({ content: `${model}:${messages.at(-1).content.length}`, usage: { completion_tokens: 7 } }) });
    await chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'doc-a' }] });
    const { json } = await chat({ model: 'llama3.1:8b', messages: [{ role: 'user', content: 'doc-bb' }] });
    expect(json.choices[0].message.content).toBe('llama3.1:8b:6');
    expect(json.usage.completion_tokens).toBe(7);
    expect(json.usage.total_tokens).toBe(json.usage.prompt_tokens + 7);
    expect(fake.stats.log.map((e) => [e.model, e.messages?.[0].content, e.status])).toEqual([['gpt-4o', 'doc-a', 200], ['llama3.1:8b', 'doc-bb', 200]]);
    expect(fake.stats.log[0].headers.authorization).toBe('REDACTED');
    expect(fake.stats).toMatchObject({ requests: 2, completed: 2, byModel: { 'gpt-4o': 1, 'llama3.1:8b': 1 }, byStatus: { 200: 2 } });
  });
});

describe('fake OpenAI server: errors', () => {
  it('401 with a wrong key, echoing only a masked key', async () => {
    const wrong = 'sk-wrong-key-9876543210zyxw';
    const { res, json } = await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }, { authorization: `Bearer ${wrong}` });
    expect(res.status).toBe(401);
    expect(json.error).toMatchObject({ type: 'invalid_request_error', param: null, code: 'invalid_api_key' });
    expect(json.error.message).toContain(maskKey(wrong));
    const raw = JSON.stringify(json);
    expect(raw).not.toContain(wrong);
    expect(raw).not.toContain(KEY);
    const missing = await chat({ model: 'gpt-4o-mini', messages: [] }, {});
    expect(missing.res.status).toBe(401);
    expect(JSON.stringify(fake.stats.log)).not.toContain(KEY);
  });

  it('404 for an unknown model', async () => {
    const { res, json } = await chat({ model: 'gpt-9-ultra', messages: [{ role: 'user', content: 'x' }] });
    expect(res.status).toBe(404);
    expect(json.error).toEqual({ message: 'The model `gpt-9-ultra` does not exist or you do not have access to it.', type: 'invalid_request_error', param: null, code: 'model_not_found' });
  });

  it('400 context_length_exceeded when prompt + max_tokens exceed the limit', async () => {
    const messages = [{ role: 'user', content: 'word '.repeat(400) }];
    const prompt = fakePromptTokens(messages);
    fake.setOptions({ contextLimits: { 'gpt-4o-mini': prompt + 10 } });
    expect((await chat({ model: 'gpt-4o-mini', messages, max_tokens: 10 })).res.status).toBe(200);
    const { res, json } = await chat({ model: 'gpt-4o-mini', messages, max_tokens: 11 });
    expect(res.status).toBe(400);
    expect(json.error).toMatchObject({ type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded' });
    expect(json.error.message).toContain(`maximum context length is ${prompt + 10} tokens`);
    fake.setOptions({ contextLimits: { 'gpt-4o-mini': prompt - 1 } });
    const noMax = await chat({ model: 'gpt-4o-mini', messages });
    expect(noMax.json.error.message).toContain(`your messages resulted in ${prompt} tokens`);
  });

  it('429 with Retry-After and retry-after-ms at the configured rate, reproducibly', async () => {
    fake.setOptions({ fail429Rate: 0.3, retryAfterMs: 1500, seed: 7 });
    const statuses: number[] = [];
    let sample: Response | undefined;
    for (let i = 0; i < 40; i++) {
      const { res } = await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `d${i}` }] });
      statuses.push(res.status);
      if (res.status === 429) sample = res;
    }
    expect(sample).toBeDefined();
    expect(sample!.headers.get('retry-after')).toBe('2');
    expect(sample!.headers.get('retry-after-ms')).toBe('1500');
    const failures = statuses.filter((s) => s === 429).length;
    expect(failures).toBeGreaterThan(3);
    expect(failures).toBeLessThan(25);
    expect(fake.stats.byStatus[429]).toBe(failures);
    fake.reset();
    const again: number[] = [];
    for (let i = 0; i < 40; i++) again.push((await chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })).res.status);
    expect(again).toEqual(statuses);
  });

  it('failModels, failFirst and 5xx bodies', async () => {
    fake.setOptions({ failModels: { 'gpt-4o': 503 }, failFirst: 2 });
    const msg = [{ role: 'user', content: 'x' }];
    expect((await chat({ model: 'gpt-4o', messages: msg })).res.status).toBe(503);
    const first = await chat({ model: 'gpt-4o-mini', messages: msg });
    expect(first.res.status).toBe(500);
    expect(first.json.error).toMatchObject({ type: 'server_error', message: expect.stringContaining('The server had an error while processing your request.') });
    expect((await chat({ model: 'gpt-4o-mini', messages: msg })).res.status).toBe(500);
    expect((await chat({ model: 'gpt-4o-mini', messages: msg })).res.status).toBe(200);
  });

  it('dropRate destroys the socket without a response', async () => {
    fake.setOptions({ dropRate: 1 });
    await expect(chat({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] })).rejects.toThrow();
    expect(fake.stats).toMatchObject({ requests: 1, dropped: 1, inFlight: 0 });
  });

  it('rejects unknown options', () => {
    expect(() => fake.setOptions({ fail429: 0.2 } as any)).toThrow(/unknown option/);
    expect(() => fake.setOptions({ fail500Rate: 2 })).toThrow(RangeError);
  });
});

describe('fake OpenAI server: concurrency', () => {
  it('counts requests in flight exactly, over 250 keep-alive sockets', async () => {
    fake.setOptions({ latencyMs: 150 });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 300 });
    const post = (i: number) => new Promise<number>((resolve, reject) => {
      const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `doc ${i}` }] });
      const req = http.request(`${fake.baseURL}/chat/completions`, { method: 'POST', agent, headers: { ...auth, 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
    try {
      const first = await Promise.all(Array.from({ length: 10 }, (_, i) => post(i)));
      expect(first.every((s) => s === 200)).toBe(true);
      expect(fake.stats.maxInFlight).toBe(10);
      expect(fake.stats.inFlight).toBe(0);
      fake.reset();
      // Held until all 250 are in: a fixed latency let early ones finish before the last arrived
      // on a loaded machine (reaching 250 took 140-190 ms against a 150 ms latency).
      let open!: () => void;
      const gate = new Promise<void>((r) => (open = r));
      fake.setOptions({ respond: async () => { await gate; return { content: 'ok' }; } });
      const pending = Promise.all(Array.from({ length: 250 }, (_, i) => post(i)));
      await expect.poll(() => fake.stats.inFlight, { timeout: 10_000, interval: 5 }).toBe(250);
      open();
      const many = await pending;
      expect(many.every((s) => s === 200)).toBe(true);
      expect(fake.stats).toMatchObject({ requests: 250, completed: 250, maxInFlight: 250, inFlight: 0 });
    } finally {
      agent.destroy();
    }
  });

  it('a client abort frees the in-flight slot', async () => {
    fake.setOptions({ latencyMs: 5_000 });
    const ac = new AbortController();
    const pending = fetch(`${fake.baseURL}/chat/completions`, { method: 'POST', headers: auth, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }), signal: ac.signal });
    await expect.poll(() => fake.stats.inFlight).toBe(1);
    ac.abort();
    await expect(pending).rejects.toThrow();
    await expect.poll(() => fake.stats.inFlight).toBe(0);
    expect(fake.stats.aborted).toBe(1);
  });
});

describe('fake OpenAI server: models and batch API', () => {
  it('lists models', async () => {
    const res = await fetch(`${fake.baseURL}/models`, { headers: auth });
    const json = await res.json();
    expect(json.object).toBe('list');
    expect(json.data).toContainEqual({ id: 'gpt-4o-mini', object: 'model', created: expect.any(Number), owned_by: 'fake' });
  });

  it('round-trips a batch: upload JSONL, create, poll, download output and errors', async () => {
    fake.setOptions({ batchDelayMs: 1000 });
    const lines = [
      { custom_id: 'a', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'first document' }] } },
      { custom_id: 'b', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4.1', messages: [{ role: 'user', content: 'second document' }] } },
      { custom_id: 'c', method: 'POST', url: '/v1/chat/completions', body: { model: 'no-such-model', messages: [{ role: 'user', content: 'third' }] } },
    ];
    const jsonl = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
    const form = new FormData();
    form.append('purpose', 'batch');
    form.append('file', new Blob([jsonl], { type: 'application/jsonl' }), 'input.jsonl');
    const up = await (await fetch(`${fake.baseURL}/files`, { method: 'POST', headers: { authorization: auth.authorization }, body: form })).json();
    expect(up).toMatchObject({ object: 'file', bytes: Buffer.byteLength(jsonl), filename: 'input.jsonl', purpose: 'batch' });
    expect(up.id).toMatch(/^file-/);
    expect(await (await fetch(`${fake.baseURL}/files/${up.id}/content`, { headers: auth })).text()).toBe(jsonl);

    const created = await (await fetch(`${fake.baseURL}/batches`, { method: 'POST', headers: auth, body: JSON.stringify({ input_file_id: up.id, endpoint: '/v1/chat/completions', completion_window: '24h' }) })).json();
    expect(created).toMatchObject({ object: 'batch', status: 'validating', input_file_id: up.id, output_file_id: null });
    expect(created.id).toMatch(/^batch_/);

    const poll = async () => (await fetch(`${fake.baseURL}/batches/${created.id}`, { headers: auth })).json();
    expect((await poll()).status).toBe('in_progress'); // within the 1 s the batch takes
    await expect.poll(async () => (await poll()).status, { timeout: 10_000, interval: 100 }).toBe('completed');
    const done = await poll();
    expect(done).toMatchObject({ status: 'completed', request_counts: { total: 3, completed: 2, failed: 1 } });

    const out = (await (await fetch(`${fake.baseURL}/files/${done.output_file_id}/content`, { headers: auth })).text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(out.map((o) => o.custom_id)).toEqual(['a', 'b']);
    expect(out[1]).toMatchObject({ response: { status_code: 200, body: { object: 'chat.completion', model: 'gpt-4.1', choices: [{ message: { content: 'Summary (gpt-4.1): second document' } }] } }, error: null });
    const errs = (await (await fetch(`${fake.baseURL}/files/${done.error_file_id}/content`, { headers: auth })).text()).trim().split('\n').map((l) => JSON.parse(l));
    expect(errs).toEqual([expect.objectContaining({ custom_id: 'c', response: expect.objectContaining({ status_code: 404, body: { error: expect.objectContaining({ code: 'model_not_found' }) } }) })]);
    expect(fake.stats.batchRequests).toBe(3);
    expect(fake.stats.requests).toBe(0);
  });

  it('fails validation of a malformed batch file', async () => {
    const form = new FormData();
    form.append('purpose', 'batch');
    form.append('file', new Blob(['{"custom_id":"a","method":"POST","url":"/v1/chat/completions","body":{}}\nnot json\n']), 'bad.jsonl');
    const up = await (await fetch(`${fake.baseURL}/files`, { method: 'POST', headers: { authorization: auth.authorization }, body: form })).json();
    const b = await (await fetch(`${fake.baseURL}/batches`, { method: 'POST', headers: auth, body: JSON.stringify({ input_file_id: up.id, endpoint: '/v1/chat/completions', completion_window: '24h' }) })).json();
    const got = await (await fetch(`${fake.baseURL}/batches/${b.id}`, { headers: auth })).json();
    expect(got).toMatchObject({ status: 'failed', errors: { object: 'list', data: [{ code: 'invalid_json_line', line: 2 }] } });
  });
});

describe('fake OpenAI server through the real openai SDK', () => {
  const client = () => new OpenAI({ apiKey: KEY, baseURL: fake.baseURL, maxRetries: 0 });

  it('non-stream completion', async () => {
    const r = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: doc }], max_completion_tokens: 50 });
    expect(r.choices[0].message.content).toMatch(/^Summary \(gpt-4o-mini\): The quick/);
    expect(r.usage?.prompt_tokens).toBe(fakePromptTokens([{ role: 'user', content: doc }]));
  });

  it('stream with include_usage', async () => {
    const stream = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: doc }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    let finish: string | null = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toMatch(/^Summary \(gpt-4o-mini\): The quick/);
    expect(finish).toBe('stop');
    expect(usage?.total_tokens).toBeGreaterThan(0);
  });

  it('typed errors: 401, 404 and 429 with retry-after', async () => {
    await expect(new OpenAI({ apiKey: 'sk-bad-key-000000000000', baseURL: fake.baseURL, maxRetries: 0 }).models.list())
      .rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    await expect(client().chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'x' }] }))
      .rejects.toBeInstanceOf(OpenAI.NotFoundError);
    fake.setOptions({ fail429Rate: 1 });
    const err = await client().chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.headers.get('retry-after-ms')).toBe('50');
  });

  it('batch round trip with multipart upload from the SDK', async () => {
    const c = client();
    const line = { custom_id: 'only', method: 'POST', url: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello batch' }] } };
    const file = await c.files.create({ file: await toFile(Buffer.from(JSON.stringify(line) + '\n'), 'in.jsonl'), purpose: 'batch' });
    const batch = await c.batches.create({ input_file_id: file.id, endpoint: '/v1/chat/completions', completion_window: '24h' });
    const done = await c.batches.retrieve(batch.id);
    expect(done.status).toBe('completed');
    const content = await (await c.files.content(done.output_file_id!)).text();
    expect(JSON.parse(content).response.body.choices[0].message.content).toBe('Summary (gpt-4o-mini): hello batch');
  });
});

describe('fake OpenAI CLI', () => {
  it('prints its base URL and serves until killed', async () => {
    const script = fileURLToPath(new URL('./fake-openai.js', import.meta.url));
    const child = spawn(process.execPath, [script, '--port', '0', '--latency', '10', '--key', 'sk-cli-test'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const [line] = await once(child.stdout, 'data');
      const baseURL = String(line).trim();
      expect(baseURL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const res = await fetch(`${baseURL}/chat/completions`, { method: 'POST', headers: { authorization: 'Bearer sk-cli-test' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
      expect(res.status).toBe(200);
      const stats = await (await fetch(baseURL.replace(/\/v1$/, '/__fake/stats'))).json();
      expect(stats).toMatchObject({ requests: 1, completed: 1 });
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
