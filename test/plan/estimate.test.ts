import { describe, expect, it } from 'vitest';
import type { Document, InputItem } from '../../src/documents/types.js';
import { ModelRegistry } from '../../src/models/index.js';
import { estimate, type EstimateOptions } from '../../src/plan/estimate.js';
import { planMapReduce } from '../../src/plan/map-reduce-plan.js';
import type { PromptTemplate } from '../../src/prompt/index.js';
import { countChat, countTokens } from '../../src/tokens/index.js';
import { renderMessages } from '../../src/prompt/index.js';

// A 300-token window with up to 50 output tokens; `wide` holds everything here.
const registry = new ModelRegistry({
  tiny: { input: 1000, output: 1000, cached_input: 0, context: 300, max_output: 50, encoding: 'o200k_base' },
  wide: { input: 1000, output: 1000, cached_input: 0, context: 100_000, max_output: 50, encoding: 'cl100k_base' },
});
const summarize: PromptTemplate = { name: 'summarize', user: 'Summarize:\n\n{{document}}' };
const FILL = 0.35;

const doc = (id: string, text: string): Document => ({ id, path: id, text, index: 0 });
const sentences = (n: number) => Array.from({ length: n }, (_, i) => `Note ${i} says the Orion team shipped release ${i} on time.`).join('\n\n');

function run(docs: Document[], over: Partial<EstimateOptions> = {}) {
  async function* items(): AsyncIterable<InputItem> {
    for (const d of docs) yield { kind: 'document', document: d };
  }
  return estimate({ items: items(), prompt: summarize, models: ['tiny'], registry, fillRatio: FILL, top: 5, byFile: false, counter: { workers: 0 }, ...over });
}

describe('estimate: documents over a window are priced as the run map-reduces them', () => {
  it('without a prompt (no run to mirror), counted as one request each, with a warning saying so', async () => {
    const small = doc('small.txt', sentences(2));
    const long = doc('long.txt', sentences(40));
    const r = await run([small, long], { prompt: null });
    expect(r.models[0]).toMatchObject({
      documents: 2, over_context: 1, over_context_ids: ['long.txt'], over_context_chunks: 0,
      input_tokens: countTokens(small.text, 'o200k_base') + countTokens(long.text, 'o200k_base'),
    });
    expect(r.warnings).toContain('Documents over a window are counted as one request each: without a prompt there is no run to mirror. Give -p to price them the way run map-reduces them (chunk requests and reduce rounds).');
  });

  it.each([
    ['with a prompt', summarize],
  ])('%s: chunks and reduce rounds in the tokens and the range', async (_, prompt) => {
    const small = doc('small.txt', sentences(2));
    const long = doc('long.txt', sentences(40));
    const r = await run([small, long], { prompt });
    const asRun = prompt ?? { name: '(none)', user: '{{document}}' };
    const mr = planMapReduce(long, long.text, 'tiny', { prompt: asRun, registry }, (max) => Math.round(max * FILL));
    const smallTokens = prompt ? countChat(renderMessages(prompt, small, small.text), 'o200k_base') : countTokens(small.text, 'o200k_base');
    expect(mr.chunks).toBeGreaterThan(2);
    expect(r.models[0]).toMatchObject({
      documents: 2, over_context: 1, over_context_ids: ['long.txt'], over_context_chunks: mr.chunks,
      input_tokens: smallTokens + mr.estimate.input,
      output_tokens_estimate: Math.round((1 + mr.estimate.calls) * 50 * FILL),
      cost_usd: {
        low: expect.closeTo((smallTokens + mr.estimate.input + Math.round((1 + mr.estimate.calls) * 50 * FILL)) * 1000 / 1e6, 9),
        high: expect.closeTo((smallTokens + mr.worst.input + (1 + mr.worst.calls) * 50) * 1000 / 1e6, 9),
      },
    });
    expect(r.errors).toEqual([]);
  });

  it('each model of several on its own window', async () => {
    const long = doc('long.txt', sentences(40));
    const r = await run([long], { models: ['tiny', 'wide'] });
    expect(r.models.map((m) => [m.model, m.over_context, m.over_context_chunks > 2])).toEqual([['tiny', 1, true], ['wide', 0, false]]);
    expect(r.models[1].input_tokens).toBe(countChat(renderMessages(summarize, long, long.text), 'cl100k_base'));
  });

  it('a document the prompt leaves no room for: an error record, nothing priced for that model', async () => {
    const huge: PromptTemplate = { name: 'huge', user: 'Summarize this carefully. '.repeat(60) };
    const r = await run([doc('a.txt', sentences(3))], { prompt: huge, models: ['tiny', 'wide'] });
    expect(r.models[0]).toMatchObject({ documents: 1, over_context: 1, over_context_chunks: 0, input_tokens: 0, cost_usd: { low: 0, high: 0 } });
    expect(r.models[1].input_tokens).toBeGreaterThan(300);
    expect(r.errors).toEqual([{ id: 'a.txt', message: expect.stringMatching(/^a\.txt: fails on tiny, sending nothing: the prompt alone \(\d+ tokens\)/) }]);
  });

  // 'ꙮ' is three tokens per UTF-16 unit, the most there can be: documents at the edge of the
  // window test the bound that decides which documents keep their text for chunking.
  it.each([summarize])('text at three tokens a character, across the edge of the window (prompt %o)', async (prompt) => {
    const docs = Array.from({ length: 30 }, (_, i) => doc(`d${70 + i}.txt`, 'ꙮ'.repeat(70 + i)));
    const r = await run(docs, { prompt });
    expect(r.models[0].over_context).toBeGreaterThan(0);
    expect(r.models[0].over_context).toBeLessThan(30);
    expect(r.models[0].over_context_chunks).toBeGreaterThanOrEqual(2 * r.models[0].over_context);
  });
});

describe('planMapReduce counts each chunk request exactly, from counts shared across plans', () => {
  // Paragraphs whose edges vary the way real text does: letters, digits, closing punctuation,
  // leading spaces and bullets, a path, quotes, non-Latin script, code.
  const edges = [
    (i: number) => `Release ${i} shipped on time, said the Orion team`,
    (i: number) => `${i} files changed in version 1.${i}.`,
    (i: number) => `  * Fix crash ${i} when the cache is full (closes: #${1000 + i}).`,
    (i: number) => `/usr/lib/orion/${i}/config.yaml holds the settings`,
    (i: number) => `"Quoted ${i}," she said. "Really!"`,
    (i: number) => `Ωμέγα ${i} και 東京 ${i} — end`,
    (i: number) => `def f${i}():\n    return ${i}  `,
    (i: number) => ` -- Maintainer <m${i}@example.org>  Mon, 0${i % 9 + 1} Jan 2024 12:00:00 +0000`,
    (i: number) => `Ends with spaces ${i}   `,
    (i: number) => `\ttabbed ${i} line ending in a slash /`,
    (i: number) => `URL https://example.org/${i}/?q=a&b=${i}#x`,
    (i: number) => `¿Qué tal ${i}? ¡Bien! 🙂 …`,
    (i: number) => `it's ${i}'s turn, isn't it'`,
    (i: number) => `${'word '.repeat(30 + i)}and one sentence far longer than a chunk with no stop at all ${'more '.repeat(120)}end`,
    (i: number) => `line one ${i}\nline two\r\nline three\n`,
    (i: number) => `(${i}) [x] {y} <z> — «quoted» ‘single’ “double”`,
  ];
  // A seeded shuffle of edges, so every pair of edges meets at some join.
  let seed = 7;
  const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const text = Array.from({ length: 400 }, (_, i) => edges[Math.floor(next() * edges.length)](i)).join('\n\n');
  const prompts: PromptTemplate[] = [
    summarize,
    { name: 'appended', user: 'Summarize in one line.' },
    { name: 'suffix', user: 'Text:\n{{document}}\nAnswer in one line.' },
    { name: 'inline', user: 'Summarize: {{document}}' },
    { name: 'system', system: 'You read: {{document}}', user: 'One line.' },
    { name: 'twice', user: '{{document}}\n\n---\n\n{{document}}' },
  ];
  const models = new ModelRegistry({
    o200: { input: 1, output: 1, cached_input: 0, context: 400, max_output: 50, encoding: 'o200k_base' },
    cl100: { input: 1, output: 1, cached_input: 0, context: 400, max_output: 50, encoding: 'cl100k_base' },
  });

  it.each(prompts.flatMap((p) => ['o200', 'cl100'].map((m) => [p.name, m, p] as const)))('%s on %s', async (_name, model, prompt) => {
    const d = doc('long.txt', text);
    const settings = { prompt, registry: models };
    const { chunkDocument } = await import('../../src/engine/map-reduce.js');
    const cut = chunkDocument(d, text, model, settings);
    const exact = cut.chunks.reduce((n, c) => n + countChat(cut.request(c).messages, models.get(model).info.encoding), 0);
    expect(cut.chunks.length).toBeGreaterThan(5);
    expect(planMapReduce(d, text, model, settings, () => 10).chunkInput).toBe(exact);
  });
});
