// Realistic documents for the property checks: Markdown with HTML, RST, plain text.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const README_MD = `<!-- Copyright 2023 Example Corp. Licensed under MIT. -->
<p align="center">
  <img src="https://example.com/logo.png" alt="Orca logo" width="160">
</p>

# Orca   

[![Build Status](https://ci.example.com/orca.svg?branch=main)](https://ci.example.com/orca)
[![npm](https://img.shields.io/npm/v/orca.svg)](https://www.npmjs.com/package/orca)

Orca is a **fast** job queue for Node.js 20 and Deno 1.40, written by Dr. Ada Lovelace at
Analytical Engines Ltd.  It handles 12,500 jobs per second on a MacBook Pro M2 (see the
[benchmarks](https://example.com/bench-2024.html "Benchmarks") and <https://orca.example/v3>).

## Installation

\`\`\`sh
npm install orca@3.2.1   # pins the 3.x line
\`\`\`

| Option      | Default | Since |
|-------------|:-------:|------:|
| concurrency | 10      | 1.0   |
| retries     | 3       | 2.4   |

__Please note__: the \`__init__\` hook and \`**kwargs\` style options are gone since version 3.0.
Use <kbd>Ctrl</kbd>+<kbd>C</kbd> to stop; &copy; 2024 Example&nbsp;Corp &amp; friends.

![](https://example.com/spacer.gif)

    const queue = new Orca({ concurrency: 4 });   // indented code
    queue.add(job);

See the [FAQ][faq] and the [Changelog](CHANGELOG.md#v3.2.1).

[faq]: https://example.com/faq-7
`;

export const GUIDE_RST = `.. Copyright 2021 The Harbor Authors.
   Licensed under the Apache License 2.0.

==================
Harbor client API
==================

.. _client-api:

The :class:\`~harbor.Client\` talks to Harbor 3.2 over HTTPS (see :ref:\`Setup <setup-7>\`,
:rfc:\`7231\` and \`the reference <https://docs.harbor.example/api/v3/>\`_).

.. note::

   Requests time out after 30 seconds; Frankfurt and Dublin regions use 45 seconds.

.. versionadded:: 3.1

.. image:: img/flow-2.png
   :width: 400px
   :alt: Flow of a Harbor request

Example::

    client = Client("https://harbor.example:7443", timeout=30)
    client.search("level:error", limit=1000)

.. code-block:: python
   :linenos:

   import harbor
   harbor.connect(  retries=3  )

Exit codes
----------

=====  ===================  =========
Code   Meaning              Since
=====  ===================  =========
0      success              1.0
2      usage error          1.4
=====  ===================  =========

>>> harbor.version()
'3.2.0'
`;

export const NOTES_TXT = `Meeting notes, 12 March 2024\r\n\r\n\r\n\r\nAttendees: Priya Raman, Tom O'Brien, Wei Zhang.   \r\n\t\r\nBudget for Q2 is EUR 48,000 (was 52,500 in Q1).\u200B  The Oslo office opens on 2024-06-01.\r\n\r\n\r\n    exit 0   # keep   these   spaces\r\n`;

const fixture = (rel: string): string =>
  readFileSync(fileURLToPath(new URL(`../../fixtures/docs/${rel}`, import.meta.url)), 'utf8');

/** The inline samples plus the repository's own fixture documents. */
export function allSamples(): Array<[string, string]> {
  return [
    ['README.md', README_MD],
    ['guide.rst', GUIDE_RST],
    ['notes.txt', NOTES_TXT],
    ...['api/client.rst', 'guides/configuration.md', 'guides/getting-started.md', 'guides/troubleshooting.txt',
      'policy/security.rst', 'policy/data-retention-policy.md'].map((p): [string, string] => [p, fixture(p)]),
  ];
}
