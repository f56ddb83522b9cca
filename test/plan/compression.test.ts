import { describe, expect, it } from 'vitest';
import { parseCompress } from '../../src/compress/index.js';
import { makeTransform, syntaxOf } from '../../src/plan/compression.js';

describe('syntaxOf', () => {
  it.each([
    ['docs/guide.md', 'markdown'], ['README.MD', 'markdown'], ['a.markdown', 'markdown'], ['page.mdx', 'markdown'],
    ['notes.md.gz', 'markdown'], ['guide.rst', 'rst'], ['guide.rest', 'rst'], ['guide.rst.gz', 'rst'],
    ['notes.txt', undefined], ['Makefile', undefined], ['data.jsonl', undefined], ['-', undefined],
    ['src/app.py', 'code'], ['conf.YAML', 'code'], ['lib/x.ts.gz', 'code'], ['records.json', undefined],
  ])('%s → %s', (path, syntax) => {
    expect(syntaxOf(path)).toBe(syntax);
  });
});

describe('makeTransform', () => {
  const CODE = '    indented <b>code</b> block [z](w)';
  const text = `Intro text here.\n\n${CODE}\n\n.. note::\n\n   hello\n`;
  const transform = makeTransform({ specs: parseCompress('whitespace,dedupe,markup'), encoding: 'o200k_base' })!;

  it.each([
    ['t.md', CODE], ['t.md.gz', CODE], ['t.rst', '    indented code block z'], ['t.txt', '    indented code block z'], ['-', '    indented code block z'],
  ])('%s', async (path, line) => {
    const out = await transform({ id: path, path, text, index: 0 });
    expect(out.text.split('\n')).toContain(line);
  });
});
