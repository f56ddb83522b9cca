import { describe, expect, it } from 'vitest';
import type { Document, InputItem } from '../../src/documents/types.js';
import { ModelRegistry } from '../../src/models/index.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildVariants, compareLive, compareOffline, forcedBoundaries, resolveBaseline, type CompareOptions, type Counter,
} from '../../src/plan/compare.js';
import { DocumentCounts, overheadTable } from '../../src/plan/compare-count.js';
import { DEFAULT_MAX_OUTPUT } from '../../src/plan/variant.js';
import type { PromptTemplate } from '../../src/prompt/index.js';
import { renderMessages } from '../../src/prompt/index.js';
import type { CompletionRequest, Provider } from '../../src/providers/types.js';
import { countChat, countTokens, type ChatMessage } from '../../src/tokens/index.js';
import { whitespace } from '../../src/compress/index.js';
import { planMapReduce } from '../../src/plan/map-reduce-plan.js';
import { compileRoutes } from '../../src/route/index.js';

const verbose: PromptTemplate = { name: 'verbose', user: 'Summarize in detail, section by section:\n\n{{document}}' };
const concise: PromptTemplate = { name: 'concise', user: 'One line:\n\n{{document}}' };
const registry = new ModelRegistry();

const TEXTS = [
  'Release notes.\n\nThe cache is now on by default.   \n\n\n\nRetries honour Retry-After.',
  'Meeting notes: ship v2 on Friday; Alice owns the migration.',
  'Security policy.\n\nKeys are never logged.\n\n\n\nRotate keys every 90 days.   ',
];

function docs(texts = TEXTS): Document[] {
  return texts.map((text, index) => ({ id: `doc-${index}.md`, path: `doc-${index}.md`, text, index }));
}

/** A fresh stream per call, and a tally of how many times the corpus was read. */
function source(list: Document[], extra: InputItem[] = []) {
  const reads = { n: 0 };
  const items = async function* (): AsyncIterable<InputItem> {
    reads.n++;
    for (const d of list) yield { kind: 'document', document: d };
    yield* extra;
  };
  return { items, reads };
}

/** Counts exactly (in-process) and records every count it was asked for. */
function spyCounter(): Counter & { calls: { item: ChatMessage[] | string; enc: string }[] } {
  const calls: { item: ChatMessage[] | string; enc: string }[] = [];
  return {
    calls,
    async count(item, enc) {
      calls.push({ item, enc });
      return typeof item === 'string' ? countTokens(item, enc) : countChat(item, enc);
    },
    flush() {},
    async close() {},
  };
}

function options(over: Partial<CompareOptions> = {}): CompareOptions {
  return {
    items: source(docs()).items, prompts: [verbose, concise], models: ['gpt-4o-mini'], compress: ['none'],
    registry, fillRatio: 0.35, counter: { workers: 0 }, ...over,
  };
}

describe('variants', () => {
  it('are prompts × models × compression settings, first prompt and model first, with readable names', () => {
    const v = buildVariants({ prompts: [verbose, concise], models: ['gpt-4o-mini', 'gpt-4.1'], compress: ['none', 'whitespace,dedupe'] });
    expect(v.map((x) => x.name)).toEqual([
      'verbose@gpt-4o-mini', 'verbose@gpt-4o-mini+whitespace+dedupe', 'verbose@gpt-4.1', 'verbose@gpt-4.1+whitespace+dedupe',
      'concise@gpt-4o-mini', 'concise@gpt-4o-mini+whitespace+dedupe', 'concise@gpt-4.1', 'concise@gpt-4.1+whitespace+dedupe',
    ]);
    expect(v[1].compress.label).toBe('whitespace+dedupe');
  });

  it.each([
    [['none', 'none'], ['p@m']],
    [['whitespace', ' whitespace '], ['p@m+whitespace']],
    [['extractive'], ['p@m+extractive:0.5']],
    [[], ['p@m']],
  ])('compression settings %j → %j (equal settings collapse)', (compress, names) => {
    const p = { name: 'p', user: 'x' };
    expect(buildVariants({ prompts: [p], models: ['m'], compress }).map((v) => v.name)).toEqual(names);
  });

  it('drops a prompt given twice, but refuses two different prompts with one name', () => {
    expect(buildVariants({ prompts: [concise, concise], models: ['m'], compress: ['none'] })).toHaveLength(1);
    const twin = { ...concise, user: 'other' };
    expect(() => buildVariants({ prompts: [concise, twin], models: ['m'], compress: ['none'] })).toThrow(/both named "concise"/);
  });

  it("uses a prompt file's own model when no model was chosen", () => {
    const own = { name: 'own', user: 'x', model: 'gpt-4.1-nano' };
    const v = buildVariants({ prompts: [own, concise], models: ['gpt-4o-mini'], compress: ['none'], promptModels: true });
    expect(v.map((x) => x.name)).toEqual(['own@gpt-4.1-nano', 'concise@gpt-4o-mini']);
  });

  it('picks the first variant as the baseline unless one is named; an unknown name lists the choices', () => {
    const v = buildVariants({ prompts: [verbose, concise], models: ['m'], compress: ['none'] });
    expect(resolveBaseline(v)).toBe('verbose@m');
    expect(resolveBaseline(v, 'concise@m')).toBe('concise@m');
    expect(() => resolveBaseline(v, 'nope')).toThrow(/not one of the variants/);
  });
});

describe('counting a document once for many prompts', () => {
  const fixtureTexts = readdirSync(join(__dirname, '../../fixtures/docs'), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && /\.(md|txt|rst)$/.test(d.name))
    .map((d) => readFileSync(join(d.parentPath, d.name), 'utf8'));
  const edgeTexts = [
    'one line, no break', 'A\nB', '\n\nStarts after blank lines', 'Ends with a break\n', 'x:\n/usr/bin/env and more:\n/etc\nend',
    '  \n\n1. first\n2. second\n\n', 'Windows\r\nline\r\nends\r\n', 'emoji 🎉\n😀 face\n漢字の行\n한국어', '<|endoftext|>\n<|im_start|>user\nhi',
    "it's\n's odd\n'll do", '\t\n\t indented\n    code()\n}', 'trailing spaces   \nnext   \n', 'a\n\u0301combining\nb',
  ];
  const templates: PromptTemplate[] = [
    { name: 't1', user: '{{document}}' },
    { name: 't2', user: 'Summarize:\n\n{{document}}' },
    { name: 't3', user: 'Doc:{{document}}:end' },
    { name: 't4', user: '{{document}}\n\nTL;DR:' },
    { name: 't5', system: 'You are terse. Document {{id}}.', user: "'s{{document}}'s" },
    { name: 't6', user: 'No placeholder, appended' },
    { name: 't7', user: '{{document}} twice {{document}}' },
    { name: 't8', system: 'Context: {{document}}', user: 'Answer.' },
    { name: 't9', user: 'Path {{path}}\n/{{document}}\n/' },
  ];

  it.each([['o200k_base'], ['cl100k_base']] as const)('equals the full count of every request (%s)', async (enc) => {
    const counter = spyCounter();
    const overhead = overheadTable();
    for (const [i, text] of [...fixtureTexts, ...edgeTexts].entries()) {
      const doc: Document = { id: `d${i}`, path: `d${i}.md`, text, index: i };
      const counts = new DocumentCounts(doc, counter, overhead);
      for (const [j, t] of templates.entries()) {
        expect(await counts.request(t, j, text, enc), `${t.name} over text ${i}`).toBe(countChat(renderMessages(t, doc, text), enc));
      }
    }
    expect(fixtureTexts.length).toBeGreaterThan(5);
  });

  it('tokenizes a long document once, however many prompts', async () => {
    const counter = spyCounter();
    const text = Array.from({ length: 200 }, (_, i) => `Line ${i} says something.`).join('\n');
    const doc: Document = { id: 'd', path: 'd', text, index: 0 };
    const counts = new DocumentCounts(doc, counter, overheadTable());
    for (const [j, t] of templates.slice(0, 4).entries()) await counts.request(t, j, text, 'o200k_base');
    const big = counter.calls.filter((c) => (typeof c.item === 'string' ? c.item.length : 1e9) > 100);
    expect(big).toHaveLength(1);
  });

  it.each([
    ['no break', null],
    ['a\nb', { p: 2, q: 2 }],
    ['a\n b\nc\n\nd', { p: 5, q: 8 }],
    ['x\n/y', null],
    ['\n1', { p: 1, q: 1 }],
  ])('forcedBoundaries(%j) = %j', (text, expected) => {
    expect(forcedBoundaries(text)).toEqual(expected);
  });
});

describe('compareOffline', () => {
  it('counts each variant exactly as the rendered request', async () => {
    const r = await compareOffline(options());
    const expected = (p: PromptTemplate) => docs().reduce((n, d) => n + countChat(renderMessages(p, d, d.text), 'o200k_base'), 0);
    expect(r.variants.map((v) => v.input_tokens)).toEqual([expected(verbose), expected(concise)]);
    expect(r.variants[0]).toMatchObject({ name: 'verbose@gpt-4o-mini', documents: 3, delta_tokens_pct: 0, latency_ms: null, similarity: null });
    expect(r).toMatchObject({ baseline: 'verbose@gpt-4o-mini', live: false, documents: 3, gates: [] });
  });

  it('counts each distinct rendered text once per encoding, and reads the corpus once', async () => {
    const counter = spyCounter();
    const { items, reads } = source(docs(['already clean text', 'also clean']));
    // Two o200k models × (none, whitespace that changes nothing): one count per document.
    const r = await compareOffline(options({ items, prompts: [concise], models: ['gpt-4o-mini', 'gpt-4.1'], compress: ['none', 'whitespace'], counter }));
    expect(r.variants).toHaveLength(4);
    expect(counter.calls).toHaveLength(2);
    expect(reads.n).toBe(1);
    expect(new Set(r.variants.map((v) => v.input_tokens)).size).toBe(1);

    // A cl100k model adds one count per document; whitespace that changes the text adds one per encoding.
    const counter2 = spyCounter();
    const oneLine = ['clean single line', 'double  spaced   line   ', 'another clean line'];
    const changed = oneLine.filter((t) => whitespace(t) !== t).length;
    expect(changed).toBe(1);
    await compareOffline(options({ items: source(docs(oneLine)).items, prompts: [concise], models: ['gpt-4o-mini', 'gpt-4.1', 'gpt-3.5-turbo'], compress: ['none', 'whitespace'], counter: counter2 }));
    expect(counter2.calls).toHaveLength(2 * (3 + changed));
  });

  it('reports tokens before and after compression', async () => {
    const r = await compareOffline(options({ prompts: [concise], compress: ['none', 'whitespace'] }));
    const [none, ws] = r.variants;
    expect(ws.input_tokens).toBeLessThan(none.input_tokens);
    // Exactly the compressed documents' rendered requests, as tiktoken counts them.
    expect(ws.input_tokens).toBe(docs().reduce((n, d) => n + countChat(renderMessages(concise, d, whitespace(d.text)), 'o200k_base'), 0));
    expect(ws.input_tokens_before_compression).toBe(none.input_tokens);
    expect(none.input_tokens_before_compression).toBe(none.input_tokens);
    expect(ws.compress).toBe('whitespace');
  });

  it('reads the corpus once more, not once per variant, for cross-document dedupe', async () => {
    const { items, reads } = source(docs());
    await compareOffline(options({ items, models: ['gpt-4o-mini', 'gpt-4.1'], compress: ['none', 'dedupe', 'whitespace,dedupe'] }));
    expect(reads.n).toBe(2);
  });

  it('estimates output from the ledger only when every variant has past answers: one footing for the deltas', async () => {
    // Only `concise` has past answers (an edited `verbose` has none yet): both from the fill ratio.
    const some = (prompt: PromptTemplate, model: string) => (prompt.user === concise.user && model === 'gpt-4o-mini' ? { mean: 40, samples: 7 } : null);
    const mixed = await compareOffline(options({ outputHistory: some }));
    for (const v of mixed.variants) expect(v).toMatchObject({ output_source: 'fill-ratio', output_samples: 0, output_tokens: Math.round(3 * DEFAULT_MAX_OUTPUT * 0.35) });
    expect(mixed.variants[1].delta_cost_pct).toBeLessThan(0); // concise is shorter: cheaper on input alone, not +100 %
    expect(mixed.notes).toContain('Output tokens for every variant from the fill ratio: verbose@gpt-4o-mini has no past answers in the ledger (a new or edited prompt), and estimates from two sources would not compare');

    const history = (prompt: PromptTemplate, model: string) => (model === 'gpt-4o-mini' ? (prompt.user === concise.user ? { mean: 40, samples: 7 } : { mean: 90, samples: 4 }) : null);
    const r = await compareOffline(options({ outputHistory: history }));
    const [v, c] = r.variants;
    expect(v).toMatchObject({ output_source: 'ledger', output_samples: 4, output_tokens: 270 });
    expect(c).toMatchObject({ output_source: 'ledger', output_samples: 7, output_tokens: 120 });
    expect(r.fill_ratio).toBe(0.35);
    // Priced at gpt-4o-mini's list prices ($0.15 / $0.60 per million input / output tokens);
    // the range runs from the point estimate up to every answer using max tokens.
    expect(c.cost_usd!).toBeCloseTo((c.input_tokens * 0.15 + 120 * 0.6) / 1e6, 12);
    expect(c.cost_high!).toBeCloseTo((c.input_tokens * 0.15 + 3 * DEFAULT_MAX_OUTPUT * 0.6) / 1e6, 12);
    expect(v.cost_usd!).toBeCloseTo((v.input_tokens * 0.15 + v.output_tokens * 0.6) / 1e6, 12);
    expect(c.cost_high!).toBeGreaterThan(c.cost_usd!);
    expect(c.cost_per_1k_docs).toBeCloseTo((c.cost_usd! / 3) * 1000, 10);
  });

  it('never estimates more output than max tokens allows', async () => {
    const r = await compareOffline(options({ prompts: [concise], maxOutputTokens: 50, outputHistory: () => ({ mean: 400, samples: 3 }) }));
    expect(r.variants[0].output_tokens).toBe(150);
  });

  it('computes deltas against the named baseline', async () => {
    const r = await compareOffline(options({ baseline: 'concise@gpt-4o-mini' }));
    expect(r.baseline).toBe('concise@gpt-4o-mini');
    expect(r.variants[1]).toMatchObject({ delta_tokens_pct: 0, delta_cost_pct: 0 });
    expect(r.variants[0].delta_cost_pct!).toBeGreaterThan(0);
  });

  it.each([
    [{ maxIncreasePct: 5000 }, [true]],
    [{ maxIncreasePct: 10 }, [false]],
    [{ maxCost: 1 }, [true, true]],
    [{ maxCost: 0.0000001 }, [false, false]],
  ])('gates %j → passed %j', async (gates, passed) => {
    const r = await compareOffline(options({ prompts: [concise], models: ['gpt-4o-mini', 'gpt-4.1'], gates }));
    expect(r.gates.map((g) => g.passed)).toEqual(passed);
    for (const g of r.gates) expect(g.reason).toMatch(/concise@gpt-4/);
  });

  it('lists skipped files and unreadable records, and warns about unknown models', async () => {
    const extra: InputItem[] = [
      { kind: 'skipped', skipped: { path: 'logo.png', reason: 'binary' } },
      { kind: 'error', error: { id: 'r.jsonl:3', path: 'r.jsonl', message: 'r.jsonl:3: malformed JSON', index: 9 } },
    ];
    const r = await compareOffline(options({ items: source(docs(), extra).items, prompts: [concise], models: ['my-local-llama'] }));
    expect(r.skipped).toEqual([{ path: 'logo.png', reason: 'binary' }, { path: 'r.jsonl:3', reason: 'malformed JSON' }]);
    expect(r.variants[0].cost_usd).toBeNull();
    expect(r.notes.join('\n')).toMatch(/my-local-llama.*not in the registry/);
  });

  it('does not run llm compression offline, and says so', async () => {
    const r = await compareOffline(options({ prompts: [concise], compress: ['none', 'llm'] }));
    expect(r.variants[1].input_tokens).toBe(r.variants[0].input_tokens);
    expect(r.notes.join('\n')).toMatch(/llm compression .* not run offline/);
  });
});

describe('compareOffline: documents over a window are priced as the run processes them', () => {
  // A 300-token window with up to 50 output tokens; `wide` holds everything here.
  const small = new ModelRegistry({
    tiny: { input: 1000, output: 1000, cached_input: 0, context: 300, max_output: 50, encoding: 'o200k_base' },
    wide: { input: 1000, output: 1000, cached_input: 0, context: 100_000, max_output: 50, encoding: 'cl100k_base' },
  });
  const sentences = (n: number, gap = '\n\n') => Array.from({ length: n }, (_, i) => `Note ${i} says the Orion team shipped release ${i} on time.`).join(gap);
  const mr = (d: Document, text: string, model: string, prompt = concise) => planMapReduce(d, text, model, { prompt, registry: small }, (max) => Math.round(max * 0.35));
  const offline = (list: Document[], over: Partial<CompareOptions> = {}) =>
    compareOffline(options({ items: source(list).items, prompts: [concise], models: ['tiny'], registry: small, ...over }));

  it('map-reduced on the model: chunks and reduce rounds in tokens, output and the range; short documents untouched', async () => {
    const [short, long] = docs(['Meeting notes: ship v2 on Friday.', sentences(40)]);
    const counter = spyCounter();
    const r = await offline([short, long], { counter });
    const plan = mr(long, long.text, 'tiny');
    const one = countChat(renderMessages(concise, short, short.text), 'o200k_base');
    expect(plan.chunks).toBeGreaterThan(2);
    expect(r.variants[0]).toMatchObject({
      over_context: 1, over_context_chunks: plan.chunks, input_tokens: one + plan.estimate.input,
      output_tokens: Math.round((1 + plan.estimate.calls) * 50 * 0.35),
      cost_low: expect.closeTo((one + plan.estimate.input + Math.round((1 + plan.estimate.calls) * 50 * 0.35)) * 1000 / 1e6, 9),
      cost_high: expect.closeTo((one + plan.worst.input + (1 + plan.worst.calls) * 50) * 1000 / 1e6, 9),
    });
    expect(r.notes.join('\n')).toMatch(new RegExp(`concise@tiny: 1 document\\(s\\) exceed .*map-reduces them \\(${plan.chunks} chunk requests \\+ reduce\\)`));
    // The short document was counted once, as before; only the long one is cut (in-process, not through the counter).
    expect(counter.calls.filter((c) => JSON.stringify(c.item).includes('Meeting notes'))).toHaveLength(1);
  });

  it('per variant, after its compression: a document over the window only with its blank runs is one request once compressed', async () => {
    const [d] = docs([sentences(6, '\n\n' + ' \t'.repeat(60) + '\n\n')]);
    const r = await offline([d], { compress: ['none', 'whitespace'], models: ['tiny', 'wide'] });
    const byName = Object.fromEntries(r.variants.map((v) => [v.name, v]));
    expect(countChat(renderMessages(concise, d, d.text), 'o200k_base') + 50).toBeGreaterThan(300); // over, before compression
    expect(byName['concise@tiny']).toMatchObject({ over_context: 1, over_context_chunks: mr(d, d.text, 'tiny').chunks, input_tokens: mr(d, d.text, 'tiny').estimate.input });
    expect(byName['concise@tiny+whitespace']).toMatchObject({ over_context: 0, over_context_chunks: 0, input_tokens: countChat(renderMessages(concise, d, whitespace(d.text)), 'o200k_base') });
    expect(byName['concise@wide']).toMatchObject({ over_context: 0, input_tokens: countChat(renderMessages(concise, d, d.text), 'cl100k_base') });
  });

  it("a routed variant: the route's fallback that holds the document, else map-reduce on the widest window", async () => {
    const [a, b] = docs([sentences(40), sentences(400)]);
    const routes = compileRoutes([{ model: 'tiny', fallback: ['wide'] }]);
    const r = await offline([a], { routes });
    const routed = r.variants.find((v) => v.model === 'routes')!;
    expect(routed).toMatchObject({ over_context: 0, over_context_chunks: 0, input_tokens: countChat(renderMessages(concise, a, a.text), 'cl100k_base') });
    expect(r.notes.join('\n')).toMatch(/concise@routes: each document priced on the model its route picks \(wide 1\)/);

    const narrow = new ModelRegistry({
      tiny: { input: 1000, output: 1000, cached_input: 0, context: 300, max_output: 50, encoding: 'o200k_base' },
      wide: { input: 1000, output: 1000, cached_input: 0, context: 2000, max_output: 50, encoding: 'cl100k_base' },
    });
    const r2 = await offline([b], { routes, registry: narrow });
    const plan = planMapReduce(b, b.text, 'wide', { prompt: concise, registry: narrow }, (max) => Math.round(max * 0.35));
    expect(r2.variants.find((v) => v.model === 'routes')).toMatchObject({ over_context: 1, over_context_chunks: plan.chunks, input_tokens: plan.estimate.input });
  });

  it('a document the prompt leaves no room for: priced at $0 with a note, as the run fails it sending nothing', async () => {
    const long: PromptTemplate = { name: 'long', user: 'Summarize this carefully. '.repeat(60) + '\n\n{{document}}' };
    const r = await offline(docs([sentences(3)]), { prompts: [long] });
    expect(r.variants[0]).toMatchObject({ input_tokens: 0, output_tokens: 0, cost_low: 0, cost_high: 0, over_context: 0 });
    expect(r.notes.join('\n')).toMatch(/long@tiny: 1 document\(s\) will fail, sending nothing: .*doc-0\.md.*priced at \$0/);
  });
});

describe('compareLive', () => {
  /** Answers with the first words of the user message; the concise prompt gets a different answer. */
  const provider: Provider = {
    id: 'http://fake',
    async complete(req: CompletionRequest) {
      const user = String(req.messages[req.messages.length - 1].content);
      const words = user.split(/\s+/);
      const content = user.startsWith('One line') ? `short ${words.slice(3, 6).join(' ')}` : words.slice(0, 12).join(' ');
      return { content, finish_reason: 'stop', usage: { input_tokens: Math.ceil(user.length / 4), output_tokens: content.split(' ').length, cached_input_tokens: 0 } };
    },
  };

  it('measures every variant and scores its answers against the baseline', async () => {
    const events: string[] = [];
    const o = options({ models: ['gpt-4o-mini', 'gpt-4.1'], baseline: 'verbose@gpt-4.1' });
    const offline = await compareOffline(o);
    const r = await compareLive({
      ...o,
      run: { concurrency: 2, retries: 0, timeoutMs: 5000, graceMs: 100, secrets: [], command: 'compare test' },
    }, { provider, cache: null, ledger: null, onVariant: (v) => events.push(`${v.index}:${v.name}`) });
    expect(events[0]).toBe('0:verbose@gpt-4.1');
    expect(events).toHaveLength(4);
    expect(r.status).toBe('done');
    expect(r.live).toBe(true);
    const by = Object.fromEntries(r.variants.map((v) => [v.name, v]));
    expect(by['verbose@gpt-4.1']).toMatchObject({ similarity: 1, similarity_worst: 1, output_source: 'measured', documents: 3, failed: 0 });
    // Same prompt, other model: the fake answers identically.
    expect(by['verbose@gpt-4o-mini'].similarity).toBe(1);
    expect(by['concise@gpt-4o-mini'].similarity!).toBeLessThan(0.5);
    for (const v of r.variants) {
      expect(v.latency_ms).not.toBeNull();
      expect(v.latencies).toHaveLength(3);
      // The estimate error is the offline estimate against what was measured; the cost is the
      // measured usage at list prices (per million tokens: gpt-4o-mini $0.15 / $0.60, gpt-4.1 $2 / $8).
      const estimated = offline.variants.find((x) => x.name === v.name)!;
      expect(v.estimate_error_pct!.input_tokens!).toBeCloseTo(((estimated.input_tokens - v.input_tokens) / v.input_tokens) * 100, 9);
      expect(v.estimate_error_pct!.output_tokens!).toBeCloseTo(((estimated.output_tokens - v.output_tokens) / v.output_tokens) * 100, 9);
      const [pin, pout] = ({ 'gpt-4o-mini': [0.15, 0.6], 'gpt-4.1': [2, 8] } as Record<string, number[]>)[v.model];
      expect(v.cost_usd!).toBeCloseTo((v.input_tokens * pin + v.output_tokens * pout) / 1e6, 12);
      expect(v.output_tokens).toBe(3 * (v.prompt === 'concise' ? 4 : 12)); // the fake's answers, in words
      expect(v.input_tokens).toBe(docs().reduce((n, d) => n + Math.ceil(renderMessages(v.prompt === 'concise' ? concise : verbose, d, d.text)[0].content.length / 4), 0));
    }
    expect(r.variants.map((v) => v.name)).toEqual(['verbose@gpt-4o-mini', 'verbose@gpt-4.1', 'concise@gpt-4o-mini', 'concise@gpt-4.1']);
  });
});
