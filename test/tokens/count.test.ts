import { describe, expect, it, vi } from 'vitest';
import { Worker } from 'node:worker_threads';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { chatOverhead, countChat, countTokens, type ChatMessage } from '../../src/tokens/index.js';
import type { Encoding } from '../../src/models/types.js';
import { ROOT } from '../support/cli.js';

// The pool starts workers from `new URL('./worker.js', import.meta.url)`. Under vitest the
// module is src/tokens/pool.ts, next to worker.ts, which a Worker (plain Node) cannot run; so the
// pool is tested through the BUILT module (run `npx tsc -p tsconfig.json` first), whose
// worker.js sits beside it, exactly as the CLI uses it.
const DIST_TOKENS = join(ROOT, 'dist/tokens/index.js');
type TokenCounterClass = typeof import('../../src/tokens/pool.js').TokenCounter;
const { TokenCounter } = (await import(DIST_TOKENS)) as { TokenCounter: TokenCounterClass };

interface TiktokenEncoder {
  encode(text: string, allowed?: string[] | 'all', disallowed?: string[] | 'all'): Uint32Array;
}
const tiktoken = createRequire(import.meta.url)('tiktoken') as { get_encoding(name: string): TiktokenEncoder };
const reference = new Map<Encoding, TiktokenEncoder>();
/** tiktoken's own count, with special-token strings treated as ordinary text. */
function tiktokenCount(text: string, enc: Encoding): number {
  if (!reference.has(enc)) reference.set(enc, tiktoken.get_encoding(enc));
  return reference.get(enc)!.encode(text, [], []).length;
}

const ENCODINGS: Encoding[] = ['o200k_base', 'cl100k_base'];

function walk(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
    .sort();
}

/** Real text: the bundled fixtures (the .gz decompressed), a README, a 230 KB changelog, localized messages. */
function realTexts(): [string, string][] {
  const out: [string, string][] = [];
  for (const file of walk(join(ROOT, 'fixtures'))) {
    if (file.endsWith('.png')) continue;
    const raw = readFileSync(file);
    const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    if (text) out.push([relative(ROOT, file), text]);
  }
  for (const file of [
    'node_modules/typescript/README.md',
    'node_modules/openai/CHANGELOG.md',
    'node_modules/typescript/lib/ja/diagnosticMessages.generated.json',
  ]) {
    out.push([file, readFileSync(join(ROOT, file), 'utf8')]);
  }
  return out;
}
const TEXTS = realTexts();

describe('countTokens equals tiktoken on real text', () => {
  it('reads a real corpus (fixtures, a README, a large changelog, non-Latin text)', () => {
    expect(TEXTS.length).toBeGreaterThan(15);
    expect(TEXTS.some(([, t]) => t.length > 200_000)).toBe(true);
  });

  const cases = ENCODINGS.flatMap((enc) => TEXTS.map(([file, text]) => [enc, file, text] as const));
  it.each(cases)('%s: %s', (enc, _file, text) => {
    const n = countTokens(text, enc);
    expect(n).toBe(tiktokenCount(text, enc));
    expect(n).toBeGreaterThan(0);
  });

  it.each(ENCODINGS)('%s: the empty string is 0', (enc) => {
    expect(countTokens('', enc)).toBe(0);
  });

  it('the two encodings really differ (the encoding argument is used)', () => {
    const jp = TEXTS.find(([f]) => f.includes('/ja/'))![1];
    expect(countTokens(jp, 'o200k_base')).not.toBe(countTokens(jp, 'cl100k_base'));
  });
});

describe('special-token strings are ordinary text', () => {
  const specials = [
    '<|endoftext|>',
    '<|im_start|>',
    '<|im_end|>',
    '<|fim_prefix|>',
    '<|fim_middle|>',
    '<|fim_suffix|>',
    '<|endofprompt|>',
    'before <|endoftext|> after',
    '<|im_start|>system\nYou are evil<|im_end|>\n<|im_start|>user',
    '```\n<|fim_prefix|>def f():<|fim_suffix|>\n<|fim_middle|>```',
    '<|endoftext|><|endoftext|><|endoftext|>',
  ];
  const cases = ENCODINGS.flatMap((enc) => specials.map((s) => [enc, s] as const));

  it.each(cases)('%s: %j never throws and counts as text', (enc, text) => {
    expect(() => countTokens(text, enc)).not.toThrow();
    expect(countTokens(text, enc)).toBe(tiktokenCount(text, enc));
  });

  it.each(ENCODINGS)('%s: "<|endoftext|>" is several ordinary tokens, not one special token', (enc) => {
    expect(countTokens('<|endoftext|>', enc)).toBeGreaterThan(1);
    // tiktoken's default encode refuses it: this is the crash countTokens avoids.
    expect(() => tiktoken.get_encoding(enc).encode('<|endoftext|>')).toThrow();
  });

  it('the bundled fixture with special tokens counts like tiktoken', () => {
    const text = readFileSync(join(ROOT, 'fixtures/docs/special-tokens.md'), 'utf8');
    expect(text).toContain('<|endoftext|>');
    for (const enc of ENCODINGS) expect(countTokens(text, enc)).toBe(tiktokenCount(text, enc));
  });
});

describe('countChat: the OpenAI cookbook method', () => {
  // https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken
  // content + 3 per message + role (+ 1 + name) per message + 3 to prime the reply.
  it.each(ENCODINGS)('%s: a hand-computed request', (enc) => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are helpful.' }, // You| are| helpful|. = 4
      { role: 'user', content: 'Hello world' }, // Hello| world = 2
    ];
    // 4 + 2 content, 2 × (3 + 1 for the one-token role), 3 reply priming
    expect(countChat(messages, enc)).toBe(17);
    expect(chatOverhead(messages, enc)).toBe(11);
  });

  it.each([
    ['o200k_base', 124],
    ['cl100k_base', 129],
  ] as const)('%s: the cookbook example (with names) gives the prompt_tokens the API reported: %i', (enc, expected) => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.' },
      { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
      { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
      { role: 'system', name: 'example_user', content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage." },
      { role: 'system', name: 'example_assistant', content: "Let's talk later when we're less busy about how to do better." },
      { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
    ];
    expect(countChat(messages, enc)).toBe(expected);
  });

  const real = TEXTS.slice(0, 6);
  const cases = ENCODINGS.flatMap((enc) => real.map(([file, text]) => [enc, file, text] as const));
  it.each(cases)('%s: %s as a request = sum of tiktoken counts + framing', (enc, _file, text) => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You are a precise assistant.' },
      { role: 'user', content: `Summarize:\n\n${text}` },
    ];
    const expected = messages.reduce((n, m) => n + 3 + tiktokenCount(m.role, enc) + tiktokenCount(m.content, enc), 3);
    expect(countChat(messages, enc)).toBe(expected);
  });

  it.each(ENCODINGS)('%s: an empty request costs the reply priming only; an empty message its framing', (enc) => {
    expect(countChat([], enc)).toBe(3);
    expect(countChat([{ role: 'user', content: '' }], enc)).toBe(3 + 3 + 1);
  });
});

describe('TokenCounter (worker pool) agrees with in-process counting', () => {
  type Item = string | ChatMessage[];
  /** A few hundred items: real texts and slices of them, chat requests, empty strings, special tokens. */
  function items(): Item[] {
    const out: Item[] = [];
    TEXTS.forEach(([, text], i) => {
      out.push(text);
      for (let k = 0; k < 8; k++) out.push(text.slice(k * 997, k * 997 + 500 + i * 37));
      out.push([{ role: 'system', content: 'Be brief.' }, { role: 'user', content: text.slice(0, 3000) }]);
      out.push([{ role: 'user', content: text.slice(-2000), name: 'reader' }]);
    });
    out.push('', '<|endoftext|>', [{ role: 'user', content: '' }]);
    return out;
  }
  const inProcess = (item: Item, enc: Encoding) => (typeof item === 'string' ? countTokens(item, enc) : countChat(item, enc));

  async function countAll(
    counter: InstanceType<TokenCounterClass>,
    jobs: { item: Item; enc: Encoding }[],
  ): Promise<number[]> {
    // Submit everything without awaiting, then flush, as estimate does.
    const promises = jobs.map(({ item, enc }) => counter.count(item, enc));
    counter.flush();
    try {
      return await Promise.all(promises);
    } finally {
      await counter.close();
    }
  }

  it('has a corpus of a few hundred items', () => {
    expect(items().length).toBeGreaterThan(200);
  });

  /** Runs `fn` and returns how many items were posted to worker threads meanwhile. */
  async function sentToWorkers<T>(fn: () => Promise<T>): Promise<{ result: T; sent: number }> {
    const post = vi.spyOn(Worker.prototype, 'postMessage');
    try {
      const result = await fn();
      return { result, sent: post.mock.calls.reduce((n, [msg]) => n + (msg as { items: unknown[] }).items.length, 0) };
    } finally {
      post.mockRestore();
    }
  }

  it.each(ENCODINGS)('%s: forced onto 2 workers', async (enc) => {
    const all = items();
    const { result: got, sent } = await sentToWorkers(() => countAll(new TokenCounter({ inlineBytes: 0, workers: 2 }), all.map((item) => ({ item, enc }))));
    expect(got).toEqual(all.map((item) => inProcess(item, enc)));
    expect(sent).toBe(all.length); // every item was counted by a worker
  });

  it.each([
    ['alternating encodings item by item', (i: number) => ENCODINGS[i % 2]],
    ['encodings in runs of 7', (i: number) => ENCODINGS[Math.floor(i / 7) % 2]],
  ])('mixed encodings: %s', async (_label, encOf) => {
    const jobs = items().map((item, i) => ({ item, enc: encOf(i) }));
    const got = await countAll(new TokenCounter({ inlineBytes: 0, workers: 2, jobBytes: 64 * 1024 }), jobs);
    expect(got).toEqual(jobs.map(({ item, enc }) => inProcess(item, enc)));
  });

  it('switches from in-process to workers part way (inlineBytes) and still agrees', async () => {
    const jobs = items().map((item, i) => ({ item, enc: ENCODINGS[i % 3 === 0 ? 1 : 0] }));
    const { result: got, sent } = await sentToWorkers(() => countAll(new TokenCounter({ inlineBytes: 200_000, workers: 2, jobBytes: 16 * 1024 }), jobs));
    expect(got).toEqual(jobs.map(({ item, enc }) => inProcess(item, enc)));
    // Some were counted in-process before the switch, the rest by workers.
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(jobs.length);
  });

  it('workers: 0 counts in-process; the empty string is 0 either way', async () => {
    expect(await countAll(new TokenCounter({ workers: 0 }), [{ item: '', enc: 'o200k_base' }])).toEqual([0]);
    expect(await countAll(new TokenCounter({ inlineBytes: 0, workers: 2 }), [{ item: '', enc: 'cl100k_base' }])).toEqual([0]);
  });

  it('a caller that awaits each count in turn is not stuck waiting for a full job', async () => {
    const counter = new TokenCounter({ inlineBytes: 0, workers: 2 });
    try {
      for (const [, text] of TEXTS.slice(0, 5)) expect(await counter.count(text, 'o200k_base')).toBe(countTokens(text, 'o200k_base'));
    } finally {
      await counter.close();
    }
  });

  it('a process with nothing to do but wait for the pool stays alive until the counts arrive', () => {
    // Regression: workers were unref()'d, so a CLI awaiting only counts (the end of `estimate`
    // over a corpus above inlineBytes) exited with code 13, "unsettled top-level await", and no output.
    const script = `
      const { TokenCounter } = await import(${JSON.stringify(DIST_TOKENS)});
      const c = new TokenCounter({ inlineBytes: 0, workers: 2 });
      const p = Array.from({ length: 50 }, (_, i) => c.count('word '.repeat(200 + i), 'o200k_base'));
      c.flush();
      const counts = await Promise.all(p);
      await c.close();
      console.log(JSON.stringify(counts.slice(0, 3)));
    `;
    // A file, not `-e`: workers inherit the parent's execArgv, and `--input-type` breaks them.
    const file = join(mkdtempSync(join(tmpdir(), 'llmbatch-pool-')), 'wait-for-pool.mjs');
    writeFileSync(file, script);
    const res = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 30_000 });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual([0, 1, 2].map((i) => countTokens('word '.repeat(200 + i), 'o200k_base')));
  });
});
