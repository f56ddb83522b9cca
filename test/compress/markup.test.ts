import { describe, expect, it } from 'vitest';
import { markup, retention, whitespace } from '../../src/compress/index.js';
import { allSamples, GUIDE_RST, README_MD } from './samples.js';

describe('markup', () => {
  it.each([
    // HTML
    ['tags keep their text', 'A <b>bold</b> and <span class="x">span</span> word', 'A bold and span word'],
    ['block tags between words leave a space', '<td>Alpha</td><td>Beta</td>', 'Alpha Beta'],
    ['lines left empty by tags go', 'Top\n<div align="center">\nMiddle\n</div>\nEnd', 'Top\nMiddle\nEnd'],
    ['script and style contents go', 'a <script>var x = 1;</script>b<style>p { x: 1 }</style> c', 'a b c'],
    ['comments go, even over lines', 'a <!-- hidden\nstill hidden --> b', 'a b'],
    ['img keeps its alt', '<img src="x.png" alt="Team photo 2024">', 'Team photo 2024'],
    ['<hN> becomes a Markdown heading', '<h2 id="x">Install</h2>', '## Install'],
    ['entities are decoded', '&amp; &lt;div&gt; &quot;q&quot; &#39;s&#39; a&nbsp;b &#8212; &#x2014; &copy;', '& <div> "q" \'s\' a b — — ©'],
    ['unknown or bare placeholder tags stay', 'Usage: cp <source> <dest>; Array<T>', 'Usage: cp <source> <dest>; Array<T>'],
    // Markdown
    ['link target goes', 'See [the docs](https://x.io/a_(b) "Title") now', 'See the docs now'],
    ['reference link', 'See [the docs][1] and [FAQ][]', 'See the docs and FAQ'],
    ['reference definitions go', 'Text\n\n[1]: https://x.io/1\n[faq]: <https://x.io/faq> "FAQ"', 'Text\n'],
    ['footnote definitions stay', '[^1]: A footnote with 3 facts.', '[^1]: A footnote with 3 facts.'],
    ['autolink keeps the URL', 'Go to <https://x.io/v2> or <me@x.io>', 'Go to https://x.io/v2 or me@x.io'],
    ['image keeps alt', 'Logo: ![Orca logo](logo.png)', 'Logo: Orca logo'],
    ['image without alt goes', 'Before ![](spacer.gif) after', 'Before after'],
    ['badge: image inside a link', '[![Build Status](https://ci/x.svg)](https://ci/x)', 'Build Status'],
    ['table ruler goes, cells collapse', '| A   |  B |\n|:----|---:|\n| 1   |  2 |', '| A | B |\n| 1 | 2 |'],
    ['strong emphasis', '**bold** and __strong text__', 'bold and strong text'],
    ['dunder names are not emphasis', 'call __init__ or a**b**c', 'call __init__ or a**b**c'],
    ['ATX headings keep their hashes', '## Usage **now**', '## Usage now'],
    ['setext underline goes', 'Title\n=====\n\nBody', 'Title\n\nBody'],
    ['a lone rule stays', 'a\n\n---\n\nb', 'a\n\n---\n\nb'],
    // RST
    ['section over- and underlines go', '=====\nTitle\n=====\n\nSub\n~~~\ntext', 'Title\n\nSub\ntext'],
    ['directive becomes a label', '.. note::\n\n   Be careful.', 'Note:\n\n   Be careful.'],
    ['directive argument kept', '.. versionadded:: 2.1', 'Added in version: 2.1'],
    ['directive name capitals kept', '.. WARNING::', 'WARNING:'],
    ['resource directives and options go, alt stays', '.. image:: img/a-3.png\n   :width: 400px\n   :alt: Flow chart', '   Flow chart'],
    ['roles keep their text', 'The :class:`~pkg.Client` and :func:`run` (:ref:`Guide <guide-3>`)', 'The pkg.Client and run (Guide)'],
    ['rfc and pep roles', ':rfc:`2616` and :pep:`8`', 'RFC 2616 and PEP 8'],
    ['hyperlink references', '`the docs <https://x.io/3>`_ and `Quickstart`_ and `<https://x.io>`__', 'the docs and Quickstart and https://x.io'],
    ['targets go', 'Text\n\n.. _setup: https://x.io/setup\n.. _label:\n__ https://x.io/anon', 'Text\n'],
    ['comments go with their continuation', '.. Copyright 2020\n   ACME Corp.\n\nBody', 'Body'],
    ['footnotes and substitutions stay', '.. [1] A note.\n.. |ver| replace:: 3.2', '.. [1] A note.\n.. |ver| replace:: 3.2'],
    ['simple table borders go', '=====  =====\nA      B\n=====  =====\n1      2\n=====  =====', 'A      B\n1      2'],
    ['grid table rulers go', '+-----+-----+\n| A   | B   |\n+=====+=====+\n| 1   | 2   |\n+-----+-----+', '| A | B |\n| 1 | 2 |'],
  ])('%s', (_name, input, expected) => {
    expect(markup(input)).toBe(expected);
  });

  it.each([
    ['inline code', 'Run `**not** [x](y) <b>t</b> &amp;` now **bold**', 'Run `**not** [x](y) <b>t</b> &amp;` now bold'],
    ['double-backtick code', 'Use ``a <b>c</b>`` here', 'Use ``a <b>c</b>`` here'],
    ['fenced code', '```html\n<b>x</b> [l](u) **y** &amp;\n```', '```html\n<b>x</b> [l](u) **y** &amp;\n```'],
    ['indented code', 'Text\n\n    <b>x</b> [l](u)\n', 'Text\n\n    <b>x</b> [l](u)\n'],
    ['RST literal', 'Example::\n\n   **x** `y <z>`_\n', 'Example::\n\n   **x** `y <z>`_\n'],
    ['code-block directive line and content', '.. code-block:: html\n\n   <b>x</b>', '.. code-block:: html\n\n   <b>x</b>'],
  ])('leaves code untouched: %s', (_name, input, expected) => {
    expect(markup(input)).toBe(expected);
  });

  it('cleans a realistic README', () => {
    const out = markup(README_MD);
    expect(out).not.toMatch(/https?:\/\/example\.com\/(logo|bench|faq)/);
    expect(out).not.toContain('<!--');
    expect(out).toContain('Orca logo');
    expect(out).toContain('Orca is a fast job queue for Node.js 20 and Deno 1.40');
    expect(out).toContain('```sh\nnpm install orca@3.2.1   # pins the 3.x line\n```');
    expect(out).toContain('    const queue = new Orca({ concurrency: 4 });   // indented code');
    expect(out).toContain('Please note: the `__init__` hook and `**kwargs` style options');
    expect(out).toContain('Ctrl+C');
  });

  it('cleans a realistic RST guide', () => {
    const out = markup(GUIDE_RST);
    expect(out).toMatch(/^Harbor client API\n\nThe harbor.Client talks to Harbor 3.2 over HTTPS \(see Setup,\nRFC 7231 and the reference\)\./);
    expect(out).toContain('Note:\n\n   Requests time out after 30 seconds');
    expect(out).toContain('Example::\n\n    client = Client("https://harbor.example:7443", timeout=30)');
    expect(out).toContain('.. code-block:: python\n   :linenos:\n\n   import harbor\n   harbor.connect(  retries=3  )');
    expect(out).not.toContain('Copyright');
    expect(out).not.toContain('400px');
  });

  it.each(allSamples())('keeps every visible number and term of %s', (_name, text) => {
    for (const out of [markup(text), markup(whitespace(text)), whitespace(markup(text))]) {
      expect(retention(text, out)).toMatchObject({ numbers: 1, terms: 1 });
    }
  });

  it.each(allSamples())('only shortens %s, and is idempotent', (_name, text) => {
    const once = markup(text);
    expect(once.length).toBeLessThanOrEqual(text.length);
    expect(markup(once)).toBe(once);
  });
});

describe('markup on a code file (syntax code)', () => {
  it('leaves a program as it is: tags, links and ** inside it are strings and operators', () => {
    const py = 'html = "<b>x</b> [a](b) ![i](j)"\nreturn "**bold**" ** 2\n';
    expect(markup(py, 'code')).toBe(py);
  });
});
