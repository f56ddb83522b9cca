import { describe, expect, it } from 'vitest';
import {
  BoilerplateIndex, boilerplateInput, buildBoilerplateIndex, compress, compressSync, formatCompress, needsBoilerplate, parseCompress,
  type StrategySpec, type Syntax, whitespace,
} from '../../src/compress/index.js';
import { atoms } from '../../src/compress/sentences.js';
import { LlmbatchError } from '../../src/errors.js';

const words = (t: string): number => t.split(/\s+/).filter(Boolean).length;

describe('parseCompress', () => {
  it.each<[string, StrategySpec[]]>([
    ['none', []],
    ['', []],
    [' NONE ', []],
    ['whitespace', [{ name: 'whitespace' }]],
    ['whitespace,dedupe,extractive:0.4,llm:gpt-4.1-nano', [
      { name: 'whitespace' }, { name: 'dedupe' }, { name: 'extractive', arg: '0.4' }, { name: 'llm', arg: 'gpt-4.1-nano' }]],
    [' Markup , extractive ', [{ name: 'markup' }, { name: 'extractive' }]],
    ['extractive:800', [{ name: 'extractive', arg: '800' }]],
    ['extractive:0.50', [{ name: 'extractive', arg: '0.5' }]],
    ['extractive:1', [{ name: 'extractive', arg: '1' }]],
    ['llm:ollama:llama3:8b', [{ name: 'llm', arg: 'ollama:llama3:8b' }]],
    ['whitespace,,dedupe,', [{ name: 'whitespace' }, { name: 'dedupe' }]],
  ])('%j', (list, expected) => {
    expect(parseCompress(list)).toEqual(expected);
  });

  it.each([
    ['gzip', /Unknown compression strategy "gzip"/],
    ['whitespace,summarize', /Unknown compression strategy "summarize"/],
    ['extractive:0', /Bad extractive ratio "0"/],
    ['extractive:-0.5', /Bad extractive ratio/],
    ['extractive:1.5', /Bad extractive ratio/],
    ['extractive:half', /Bad extractive ratio/],
    ['extractive:', /Bad extractive ratio/],
    ['whitespace:2', /takes no argument/],
    ['llm:', /takes no argument/],
    ['none,whitespace', /cannot be combined/],
  ])('rejects %j', (list, message) => {
    let err: unknown;
    try {
      parseCompress(list);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LlmbatchError);
    expect(err).toMatchObject({ code: 'usage', exitCode: 2 });
    expect((err as Error).message).toMatch(message);
  });

  it('hints at the valid names', () => {
    expect(() => parseCompress('x')).toThrowError(expect.objectContaining({
      message: 'Unknown compression strategy "x"',
      hint: 'Use one of: whitespace, dedupe, markup, extractive[:R], llm[:MODEL], or none',
    }));
  });
});

describe('formatCompress', () => {
  it.each([
    ['none', 'none'],
    ['whitespace,dedupe,extractive:0.4', 'whitespace+dedupe+extractive:0.4'],
    ['extractive', 'extractive:0.5'],
    ['llm', 'llm:gpt-4.1-nano'],
    ['markup,llm:gpt-4.1-mini', 'markup+llm:gpt-4.1-mini'],
  ])('%s → %s', (list, label) => {
    expect(formatCompress(parseCompress(list))).toBe(label);
  });
});

describe('compress', () => {
  const doc = '# Title\r\n\r\n\r\nSee   [docs](https://x.io).\r\n\r\nSee   [docs](https://x.io).\r\n';

  it('applies strategies in order', async () => {
    const ctx = { countTokens: words };
    expect(await compress(doc, parseCompress('whitespace,dedupe,markup'), ctx)).toBe('# Title\n\nSee docs.');
    expect(compressSync(doc, parseCompress('whitespace,dedupe,markup'), ctx)).toBe('# Title\n\nSee docs.');
    expect(compressSync(doc, [], ctx)).toBe(doc);
  });

  it('runs llm through ctx.condense', async () => {
    const condense = async (text: string, model?: string) => `[${model}] ${text.length}`;
    expect(await compress(doc, parseCompress('whitespace,llm:m1'), { countTokens: words, condense })).toBe(`[m1] ${whitespace(doc).length}`);
  });

  it('compressSync refuses llm before doing any work', () => {
    // extractive counts tokens: had it run before the refusal, the counter would have been called.
    const counted: string[] = [];
    const countTokens = (t: string) => (counted.push(t), words(t));
    expect(() => compressSync('One sentence here. Another sentence there. A third one too.', parseCompress('extractive:0.5,llm'), { countTokens }))
      .toThrowError(expect.objectContaining({ code: 'not-available' }));
    expect(counted).toEqual([]);
  });

  it('feeds the boilerplate pre-pass the text the first dedupe sees', () => {
    const specs = parseCompress('whitespace,dedupe,markup');
    expect(needsBoilerplate(specs)).toBe(true);
    expect(needsBoilerplate(parseCompress('markup'))).toBe(false);
    expect(boilerplateInput(doc, specs, { countTokens: words })).toBe('# Title\n\nSee [docs](https://x.io).\n\nSee [docs](https://x.io).');
    expect(boilerplateInput(doc, parseCompress('markup'), { countTokens: words })).toBeUndefined();
  });

  it('drops cross-document boilerplate through ctx.boilerplate', () => {
    const footer = 'This page is part of the Harbor documentation, published under CC BY 4.0.';
    const docs = Array.from({ length: 4 }, (_, i) => `Page ${i} body.\n\n${footer}`);
    const specs = parseCompress('dedupe');
    const boilerplate = buildBoilerplateIndex(docs.map((d) => boilerplateInput(d, specs, { countTokens: words })!));
    expect(compressSync(docs[2], specs, { countTokens: words, boilerplate })).toBe('Page 2 body.');
  });
});

describe('ctx.syntax: a file name decides Markdown or RST, else the content does', () => {
  // One RST-looking line makes the content guess read this Markdown file as RST, where an
  // indented block after a blank line is prose.
  const CODE = '    indented <b>code</b>   block [z](w), the same in every file';
  const DOC = `Intro text here.\n\n${CODE}\n\n.. note::\n\n   hello\n`;
  const AS_PROSE = { markup: '    indented code block z, the same in every file', whitespace: '    indented <b>code</b> block [z](w), the same in every file' };

  it.each<[Syntax | undefined, 'markup' | 'whitespace', string]>([
    ['markdown', 'markup', CODE],
    ['markdown', 'whitespace', CODE],
    ['rst', 'markup', AS_PROSE.markup],
    ['rst', 'whitespace', AS_PROSE.whitespace],
    [undefined, 'markup', AS_PROSE.markup],
    [undefined, 'whitespace', AS_PROSE.whitespace],
  ])('%s, %s', (syntax, list, line) => {
    expect(compressSync(DOC, parseCompress(list), { countTokens: words, syntax }).split('\n')).toContain(line);
  });

  it('extractive keeps a Markdown file\'s indented block as one code unit', () => {
    expect(atoms(DOC, 'markdown').filter((a) => a.kind === 'code').map((a) => a.text)).toEqual([CODE]);
    expect(atoms(DOC).filter((a) => a.kind === 'code')).toEqual([]);
  });

  it.each<[Syntax | undefined, boolean]>([['markdown', false], [undefined, true]])('the boilerplate pre-pass, %s: code is boilerplate %s', (syntax, expected) => {
    const index = new BoilerplateIndex();
    for (let i = 0; i < 3; i++) index.add(DOC, syntax);
    expect(index.isBoilerplate(CODE)).toBe(expected);
  });
});
