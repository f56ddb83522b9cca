import { describe, expect, it } from 'vitest';
import { chooseRoute, compileRoutes, shouldEscalate, splitIntoChunks, type RouteInput } from '../../src/route/index.js';
import { LlmbatchError } from '../../src/errors.js';

const doc = (over: Partial<RouteInput> = {}): RouteInput => ({ tokens: 500, path: 'docs/a.md', text: 'hello world', prompt: 'summarize', ...over });

const rules = compileRoutes([
  { when: { maxTokens: 1000 }, model: 'small' },
  { when: { path: 'legal/**' }, model: 'big', fallback: ['big-mini'] },
  { when: { match: 'INVOICE-\\d+' }, model: 'extractor', escalate: { to: 'big', if: 'invalid-json' } },
  { when: { prompt: 'bullets', minTokens: 2000 }, model: 'bulleteer' },
]);

describe('chooseRoute', () => {
  it.each([
    ['short documents go to the first rule', doc({ tokens: 999 }), 'small', 1],
    ['a token condition is inclusive', doc({ tokens: 1000 }), 'small', 1],
    ['path globs', doc({ tokens: 5000, path: 'legal/contracts/x.md' }), 'big', 2],
    ['regex on the text', doc({ tokens: 5000, text: 'see INVOICE-42 below' }), 'extractor', 3],
    ['all conditions of a rule must hold', doc({ tokens: 1500, prompt: 'bullets' }), 'default', null],
    ['prompt + minTokens', doc({ tokens: 2500, prompt: 'bullets' }), 'bulleteer', 4],
    ['minTokens is inclusive too', doc({ tokens: 2000, prompt: 'bullets' }), 'bulleteer', 4],
    ['nothing matches: the default model', doc({ tokens: 5000 }), 'default', null],
  ])('%s', (_name, input, model, rule) => {
    const c = chooseRoute(rules, input, 'default');
    expect(c.model).toBe(model);
    expect(c.rule).toBe(rule);
    expect(c.reason).toMatch(rule === null ? /--model/ : new RegExp(`rule ${rule}`));
  });

  it('first match wins and carries fallbacks and escalation', () => {
    expect(chooseRoute(rules, doc({ tokens: 5000, path: 'legal/a.md', text: 'INVOICE-1' }), 'd')).toMatchObject({ model: 'big', fallback: ['big-mini'] });
    expect(chooseRoute(rules, doc({ tokens: 5000, text: 'INVOICE-1' }), 'd').escalate).toEqual({ to: 'big', if: { kind: 'invalid-json' } });
  });

  it('a rule without `when` always matches', () => {
    expect(chooseRoute(compileRoutes([{ model: 'x' }]), doc(), 'd')).toMatchObject({ model: 'x', rule: 1, reason: 'rule 1 (always)' });
  });

  it.each([
    [[{ when: { match: '(' }, model: 'x' }], /rule 1: "match" is not a valid regular expression/],
    [[{ model: 'a' }, { when: { minTokens: 10, maxTokens: 5 }, model: 'x' }], /rule 2: minTokens \(10\) is above maxTokens/],
    [[{ model: 'x', escalate: { to: 'y', if: 'sometimes' } }], /rule 1: escalate.if "sometimes"/],
  ])('rejects bad rules, naming the rule: %j', (bad, message) => {
    expect(() => compileRoutes(bad as any, 'routes.yaml')).toThrow(LlmbatchError);
    expect(() => compileRoutes(bad as any, 'routes.yaml')).toThrow(message);
  });
});

describe('shouldEscalate', () => {
  it.each([
    [{ kind: 'invalid-json' } as const, '{"a": 1}', false],
    [{ kind: 'invalid-json' } as const, '```json\n{"a": 1}\n```', false],
    [{ kind: 'invalid-json' } as const, 'Sure! Here is the JSON: {"a": 1}', true],
    [{ kind: 'empty' } as const, '  \n', true],
    [{ kind: 'empty' } as const, 'ok', false],
    [{ kind: 'shorter-than', chars: 10 } as const, 'too short', true],
    [{ kind: 'shorter-than', chars: 10 } as const, 'long enough text', false],
  ])('%j on %j → %s', (cond, output, expected) => {
    expect(shouldEscalate(cond, output)).toBe(expected);
  });
});

describe('splitIntoChunks', () => {
  const words = { count: (t: string) => t.split(/\s+/).filter(Boolean).length, hardSplit: (t: string, n: number) => {
    const w = t.split(/\s+/).filter(Boolean);
    const out: string[] = [];
    for (let i = 0; i < w.length; i += n) out.push(w.slice(i, i + n).join(' '));
    return out;
  } };

  it('packs paragraphs greedily, in order, within the budget', () => {
    const text = ['one two three', 'four five', 'six seven eight nine', 'ten'].join('\n\n');
    const chunks = splitIntoChunks(text, 6, words);
    expect(chunks).toEqual(['one two three\n\nfour five', 'six seven eight nine\n\nten']);
    expect(chunks.every((c) => words.count(c) <= 6)).toBe(true);
  });

  it('splits an over-long paragraph at sentences, and an over-long sentence at tokens', () => {
    const para = 'Alpha beta gamma. Delta epsilon zeta eta. ' + Array.from({ length: 25 }, (_, i) => `w${i}`).join(' ') + '.';
    const chunks = splitIntoChunks(para, 10, words);
    expect(chunks.every((c) => words.count(c) <= 10)).toBe(true);
    expect(chunks.join(' ').split(/\s+/)).toEqual(para.split(/\s+/));
    // Sentences kept whole where they fit; the long run (25 words: "eta. w0" does not end a
    // sentence, a capital would) is cut at the budget.
    expect(chunks).toEqual(['Alpha beta gamma.', 'Delta epsilon zeta eta. w0 w1 w2 w3 w4 w5', 'w6 w7 w8 w9 w10 w11 w12 w13 w14 w15', 'w16 w17 w18 w19 w20 w21 w22 w23 w24.']);
  });

  it('keeps every word of the document, in order', () => {
    const text = Array.from({ length: 200 }, (_, i) => `Paragraph ${i} has words. It ends here.`).join('\n\n');
    const chunks = splitIntoChunks(text, 50, words);
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.join('\n\n')).toBe(text);
  });
});
