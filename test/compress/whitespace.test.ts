import { describe, expect, it } from 'vitest';
import { retention, whitespace } from '../../src/compress/index.js';
import { allSamples, GUIDE_RST } from './samples.js';

describe('whitespace', () => {
  it.each([
    ['CRLF and lone CR become LF', 'a\r\nb\rc\r\n', 'a\nb\nc'],
    ['trailing spaces and tabs go', 'one  \t\ntwo\t\n', 'one\ntwo'],
    ['runs of blank lines become one', 'a\n\n\n\n\nb', 'a\n\nb'],
    ['whitespace-only lines count as blank', 'a\n  \n\t\n \nb', 'a\n\nb'],
    ['runs of spaces inside a line collapse', 'a    b \t c', 'a b c'],
    ['prose indentation is trimmed', 'para\n   continued here', 'para\ncontinued here'],
    ['list nesting is kept', '- a\n  - b\n    - c', '- a\n  - b\n    - c'],
    ['leading blank lines and the trailing end go', '\n\n\ntext\n\n\n  ', 'text'],
    ['zero-width characters are stripped', 'zero\u200Bwidth\uFEFF and soft\u00ADhyphen', 'zerowidth and softhyphen'],
    ['ZWJ in emoji sequences is kept', 'family 👩\u200D👩\u200D👧', 'family 👩\u200D👩\u200D👧'],
    ['no-break spaces are spaces', 'a\u00A0\u00A0b', 'a b'],
    ['inline code keeps its spaces', 'run `a  b` now   please', 'run `a  b` now please'],
    ['RST simple tables keep column gaps', '=====  ====\nA      B\n=====  ====', '=====  ====\nA  B\n=====  ===='],
  ])('%s', (_name, input, expected) => {
    expect(whitespace(input)).toBe(expected);
  });

  const code: Array<[string, string, string]> = [
    ['fenced ```', 'Intro:\n\n```py\ndef f(x):   \n\n\n\n    return  x   \n```\n\nAfter  text.', '```py\ndef f(x):   \n\n\n\n    return  x   \n```'],
    ['fenced ~~~', '~~~\n  a   b  \n~~~', '~~~\n  a   b  \n~~~'],
    ['unclosed fence runs to the end', 'x\n```\n a  b', '```\n a  b'],
    ['indented after a blank line', 'Text\n\n    x  =  1   \n\n\n    y  =  2\n\nMore', '    x  =  1   \n\n\n    y  =  2'],
    ['tab-indented', 'Text\n\n\tx  =  1', '\tx  =  1'],
    ['RST literal after ::', 'Example::\n\n  a   b  \n    c\n\nDone', '  a   b  \n    c'],
    ['RST code-block directive', '.. code-block:: sh\n   :linenos:\n\n   ls   -la  \n\nok', '   :linenos:\n\n   ls   -la  '],
    ['doctest', 'Text\n\n>>> 1  +  1\n2', '>>> 1  +  1\n2'],
    ['<pre> block', 'Text\n\n<pre>\n  a    b\n</pre>', '<pre>\n  a    b\n</pre>'],
    ['YAML front matter', '---\ntitle:   x\n  nested:  y\n---\n\nbody', '---\ntitle:   x\n  nested:  y\n---'],
  ];
  it.each(code)('keeps code byte-for-byte: %s', (_name, input, block) => {
    expect(whitespace(input)).toContain(block);
  });

  it('keeps RST indentation, which is syntax there', () => {
    const out = whitespace(GUIDE_RST);
    expect(out).toContain('.. note::\n\n   Requests time out after 30 seconds;');
    expect(out).toContain('   :alt: Flow of a Harbor request');
  });

  it('is idempotent', () => {
    for (const [, text] of allSamples()) expect(whitespace(whitespace(text))).toBe(whitespace(text));
  });

  it.each(allSamples())('keeps every number and term of %s', (_name, text) => {
    const out = whitespace(text);
    expect(retention(text, out)).toMatchObject({ numbers: 1, terms: 1 });
    expect(out.length).toBeLessThanOrEqual(text.length);
  });
});

describe('whitespace on a code file (syntax code)', () => {
  it('keeps indentation, inner spaces and strings; drops trailing spaces and blank-line runs', () => {
    const py = 'def f():\r\n    x  =  "a   b"   \n\n\n\n\tif x:\n\t\treturn x\n';
    expect(whitespace(py, 'code')).toBe('def f():\n    x  =  "a   b"\n\n\tif x:\n\t\treturn x');
  });
});
