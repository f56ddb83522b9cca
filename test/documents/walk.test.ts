import { execFileSync } from 'node:child_process';
import { chmod, mkdir, symlink } from 'node:fs/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readInputs } from '../../src/documents/index.js';
import { LlmbatchError } from '../../src/errors.js';
import { collect, docs, skips, summary, tree } from './helpers.js';

describe('walking folders', () => {
  it('walks recursively in code-point order, with ids relative to the input root', async () => {
    const root = await tree({
      'b.md': 'bee',
      'a.md': 'ay',
      'B.md': 'capital bee',
      'sub/z.txt': 'zed',
      'sub/deeper/y.txt': 'why',
      'sub-2.txt': 'dash sorts before letters',
      'é.txt': 'accented, after ASCII',
      '😀.txt': 'U+1F600, after U+FF5A by code point (before it in UTF-16)',
      'ｚ.txt': 'U+FF5A fullwidth z',
    });
    const items = await collect([root]);
    expect(summary(items)).toEqual([
      'doc B.md',
      'doc a.md',
      'doc b.md',
      'doc sub/deeper/y.txt',
      'doc sub/z.txt',
      'doc sub-2.txt',
      'doc é.txt',
      'doc ｚ.txt',
      'doc 😀.txt',
    ]);
    const first = docs(items)[0];
    expect(first).toMatchObject({ id: 'B.md', path: 'B.md', text: 'capital bee', index: 0, source: path.join(root, 'B.md') });
    expect(docs(items).map((d) => d.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('uses the folder as root, the parent folder for a file, and numbers across inputs', async () => {
    const root = await tree({ 'docs/a.md': 'a', 'docs/guides/b.md': 'b', 'one.txt': 'one' });
    const items = await collect(['docs/guides/b.md', 'docs', 'one.txt'], { cwd: root });
    expect(docs(items).map((d) => [d.id, d.index])).toEqual([
      ['b.md', 0],
      ['a.md', 1],
      ['one.txt', 2],
    ]);
    // docs/guides/b.md was given first: the folder walk does not read it again.
    expect(skips(items)).toEqual([{ path: 'guides/b.md', reason: 'given twice (read once, from an earlier input)' }]);
  });

  it('reads a file once when inputs overlap (a folder and a glob in it, a path given twice)', async () => {
    const root = await tree({ 'docs/a.md': 'a', 'docs/sub/b.txt': 'b' });
    const items = await collect(['docs', 'docs/**/*.txt', 'docs/a.md'], { cwd: root });
    expect(summary(items)).toEqual([
      'doc a.md',
      'doc sub/b.txt',
      'skip sub/b.txt (given twice (read once, from an earlier input))',
      'skip a.md (given twice (read once, from an earlier input))',
    ]);
  });

  it('does not walk hidden entries or node_modules, and does not report them', async () => {
    const root = await tree({
      'keep.md': 'kept',
      '.env': 'SECRET=1',
      '.git/config': 'x',
      'node_modules/pkg/readme.md': 'x',
      'sub/.hidden.md': 'x',
    });
    expect(summary(await collect([root]))).toEqual(['doc keep.md']);
  });

  it('never reads the tool\'s own files (outputs, report, cache, ledger and their side files) as documents', async () => {
    const root = await tree({
      'a.md': 'a document',
      'out.jsonl': '{"id":"a.md"}',
      'out.jsonl.tmp-123-abc': 'partial',
      'summaries/a.md': 'a summary',
      'state/cache.sqlite': 'x',
      'state/cache.sqlite-wal': 'x',
      'state/cache.sqlite-shm': 'x',
      'state/notes.md': 'kept: not a tool file',
      'summaries-2024.md': 'kept: only shares a prefix with the output folder',
    });
    const ignore = ['out.jsonl', 'summaries', 'state/cache.sqlite'].map((p) => path.join(root, p));
    expect(summary(await collect([root], { ignore }))).toEqual(['doc a.md', 'doc state/notes.md', 'doc summaries-2024.md']);
  });

  it('reads a hidden file or folder when it is named explicitly', async () => {
    const root = await tree({ '.notes/a.md': 'a', '.env': 'X=1' });
    expect(summary(await collect(['.notes', '.env'], { cwd: root }))).toEqual(['doc a.md', 'doc .env']);
  });

  it.each([
    ['a NUL byte', Buffer.from([0x41, 0x00, 0x42]), 'binary'],
    ['mostly invalid UTF-8', Buffer.from(Array.from({ length: 100 }, (_, i) => (i % 2 ? 0xff : 0x41))), 'binary'],
    ['zero bytes', Buffer.alloc(0), 'empty'],
    ['only whitespace', ' \n\t\r\n ', 'empty'],
    ['only a BOM', '\uFEFF', 'empty'],
  ])('skips a file with %s as %s', async (_name, content, reason) => {
    const root = await tree({ 'f.dat': content, 'ok.txt': 'fine' });
    expect(summary(await collect([root]))).toEqual([`skip f.dat (${reason})`, 'doc ok.txt']);
  });

  it('keeps a text file with a few invalid bytes as a document', async () => {
    const text = Buffer.concat([Buffer.from('Café prices rose by 3 per cent in '), Buffer.from([0xe9]), Buffer.from(' 2024.')]);
    const root = await tree({ 'latin.txt': text });
    const [doc] = docs(await collect([root]));
    expect(doc.text).toBe('Café prices rose by 3 per cent in \uFFFD 2024.');
  });

  it('reads Latin-1 / Windows-1252 text (no UTF-8 in it) in that encoding instead of skipping it as binary', async () => {
    // ~17% of the bytes are accents: over the 10% of invalid UTF-8 that counts as binary.
    const accented = Buffer.from('Café naïve résumé, déjà vu à Noël. '.repeat(40), 'latin1');
    // Windows-1252 has € at 0x80 and — at 0x97 (control characters in Latin-1).
    const win = Buffer.from([...Buffer.from('Prices: 50 '), 0x80, 0x20, 0x97, ...Buffer.from(' caf'), 0xe9, 0x0a]);
    const root = await tree({ 'fr.txt': accented, 'win.txt': win });
    const out = docs(await collect([root]));
    expect(out.map((d) => d.id)).toEqual(['fr.txt', 'win.txt']);
    expect(out[0].text).toBe('Café naïve résumé, déjà vu à Noël. '.repeat(40));
    expect(out[1].text).toBe('Prices: 50 \u20ac \u2014 caf\u00e9\n');
  });

  it('keeps a valid UTF-8 file whose only non-ASCII character is a written U+FFFD as it is', async () => {
    const text = 'Unknown characters are set to \uFFFD or ?. No transliteration.\n';
    const root = await tree({ 'readme.md': text });
    expect(docs(await collect([root]))[0].text).toBe(text);
  });

  it.each([
    ['control characters', Buffer.from([0x41, 0xe9, 0x01, 0xe9, 0x02, 0x41])],
    ['mostly high bytes', Buffer.from(Array.from({ length: 100 }, (_, i) => (i % 3 ? 0xe9 : 0x41)))],
  ])('does not read bytes with %s as Windows-1252 text', async (_name, content) => {
    const root = await tree({ 'f.dat': content });
    expect(summary(await collect([root]))).toEqual(['skip f.dat (binary)']);
  });

  it('sniffs NUL only in the first 8 KiB', async () => {
    const root = await tree({ 'late-nul.txt': 'x'.repeat(9000) + '\0' });
    expect(summary(await collect([root]))).toEqual(['doc late-nul.txt']);
  });

  it('skips a dangling symlink as unreadable and carries on', async () => {
    const root = await tree({ 'a.md': 'a', 'z.md': 'z' });
    await symlink(path.join(root, 'missing.md'), path.join(root, 'm.md'));
    expect(summary(await collect([root]))).toEqual(['doc a.md', 'skip m.md (unreadable: ENOENT)', 'doc z.md']);
  });

  // Root can read a chmod 000 file, so EACCES cannot be produced when the tests run as root.
  it.skipIf(process.getuid?.() === 0)('skips an unreadable file and folder with the reason', async () => {
    const root = await tree({ 'locked.md': 'secret', 'shut/x.md': 'x', 'ok.md': 'ok' });
    await chmod(path.join(root, 'locked.md'), 0o000);
    await chmod(path.join(root, 'shut'), 0o000);
    try {
      expect(summary(await collect([root]))).toEqual([
        'skip locked.md (unreadable: EACCES)',
        'doc ok.md',
        'skip shut (unreadable: EACCES)',
      ]);
    } finally {
      await chmod(path.join(root, 'shut'), 0o755);
    }
  });

  it('skips a FIFO instead of blocking on it', async () => {
    const root = await tree({ 'a.md': 'a' });
    execFileSync('mkfifo', [path.join(root, 'pipe')]);
    expect(summary(await collect([root]))).toEqual(['doc a.md', 'skip pipe (not a regular file)']);
  });

  it('names a file or folder whose name is not UTF-8 as such (not ENOENT), and reads the rest', async () => {
    const root = await tree({ 'a.md': 'a', 'ok-é.md': 'accented, valid UTF-8' });
    const latin1 = (name: string) => Buffer.concat([Buffer.from(root + '/'), Buffer.from(name, 'latin1')]);
    writeFileSync(latin1('caf\u00e9.txt'), 'Latin-1 name');
    mkdirSync(latin1('dir\u00e9'));
    expect(summary(await collect([root]))).toEqual([
      'doc a.md',
      'skip caf\uFFFD.txt (unreadable: the name is not valid UTF-8 (rename it))',
      'skip dir\uFFFD (unreadable: the name is not valid UTF-8 (rename it))',
      'doc ok-é.md',
    ]);
    // Through a glob too: a folder the glob would walk into is listed, not dropped; a file the
    // glob does not match is not a document of this run either way.
    expect(summary(await collect([`${root}/**/*.md`]))).toEqual([
      'doc a.md',
      'skip dir\uFFFD (unreadable: the name is not valid UTF-8 (rename it))',
      'doc ok-é.md',
    ]);
  });

  it('terminates on a symlink loop and reports it once', async () => {
    const root = await tree({ 'a/doc.md': 'text' });
    await symlink(root, path.join(root, 'a', 'loop'));
    await symlink(path.join(root, 'a'), path.join(root, 'b'));
    const items = await collect([root]);
    expect(summary(items)).toEqual([
      'doc a/doc.md',
      'skip a/loop (symlink loop)',
      'doc b/doc.md',
      'skip b/loop (symlink loop)',
    ]);
  });

  it('follows a symlink to a folder outside the tree, keeping ids on the walked path', async () => {
    const outside = await tree({ 'x.md': 'x' });
    const root = await tree({ 'a.md': 'a' });
    await symlink(outside, path.join(root, 'linked'));
    const items = await collect([root]);
    expect(summary(items)).toEqual(['doc a.md', 'doc linked/x.md']);
    expect(docs(items)[1].source).toBe(path.join(root, 'linked', 'x.md'));
  });
});

describe('include and exclude', () => {
  const files = {
    'a.md': 'a',
    'b.txt': 'b',
    'docs/c.md': 'c',
    'docs/d.rst': 'd',
    'vendor/e.md': 'e',
    'docs/draft-f.md': 'f',
  };

  it.each([
    [{ include: ['*.md'] }, ['a.md', 'docs/c.md', 'docs/draft-f.md', 'vendor/e.md']],
    [{ include: ['docs/**'] }, ['docs/c.md', 'docs/d.rst', 'docs/draft-f.md']],
    [{ include: ['*.md', '*.rst'] }, ['a.md', 'docs/c.md', 'docs/d.rst', 'docs/draft-f.md', 'vendor/e.md']],
    [{ exclude: ['vendor'] }, ['a.md', 'b.txt', 'docs/c.md', 'docs/d.rst', 'docs/draft-f.md']],
    [{ exclude: ['vendor/**', 'draft-*'] }, ['a.md', 'b.txt', 'docs/c.md', 'docs/d.rst']],
    [{ include: ['*.md'], exclude: ['docs/*.md'] }, ['a.md', 'vendor/e.md']],
  ])('filters the walk with %j', async (opts, expected) => {
    const root = await tree(files);
    expect(docs(await collect([root], opts)).map((d) => d.id)).toEqual(expected);
  });

  it('never filters an explicitly named file', async () => {
    const root = await tree(files);
    const items = await collect(['b.txt'], { cwd: root, include: ['*.md'], exclude: ['*.txt'] });
    expect(summary(items)).toEqual(['doc b.txt']);
  });

  it('does not report a filtered-out file that would have been skipped', async () => {
    const root = await tree({ 'a.md': 'a', 'empty.txt': '' });
    expect(summary(await collect([root], { include: ['*.md'] }))).toEqual(['doc a.md']);
  });
});

describe('globs', () => {
  const files = { 'docs/a.md': 'a', 'docs/sub/b.md': 'b', 'docs/c.txt': 'c', 'other/d.md': 'd', 'top.md': 't' };

  it.each([
    ['docs/**/*.md', ['a.md', 'sub/b.md']],
    ['docs/*.md', ['a.md']],
    ['*.md', ['top.md']],
    ['**/*.md', ['docs/a.md', 'docs/sub/b.md', 'other/d.md', 'top.md']],
    ['docs/{a.md,c.txt}', ['a.md', 'c.txt']],
    // Like a shell, a glob that matches a folder takes everything under it.
    ['docs/*', ['a.md', 'c.txt', 'sub/b.md']],
    ['d*', ['docs/a.md', 'docs/c.txt', 'docs/sub/b.md']],
  ])('expands %s from its static base', async (glob, ids) => {
    const root = await tree(files);
    expect(docs(await collect([glob], { cwd: root })).map((d) => d.id)).toEqual(ids);
  });

  it('applies include/exclude on top of the glob', async () => {
    const root = await tree(files);
    const items = await collect(['docs/**'], { cwd: root, exclude: ['*.txt'] });
    expect(docs(items).map((d) => d.id)).toEqual(['a.md', 'sub/b.md']);
  });

  it('prefers an existing file over reading its name as a glob', async () => {
    const root = await tree({ 'notes[1].md': 'literal name' });
    expect(summary(await collect(['notes[1].md'], { cwd: root }))).toEqual(['doc notes[1].md']);
  });
});

describe('run-level input errors', () => {
  it.each([
    [['missing.md'], /No such file or folder: missing.md/],
    [['docs/nope/'], /No such file or folder: docs\/nope\//],
    [['docs/**/*.pdf'], /No files match docs\/\*\*\/\*\.pdf/],
    [['absent/*.md'], /No files match absent\/\*\.md/],
  ])('throws LlmbatchError for %j', async (inputs, message) => {
    const root = await tree({ 'docs/a.md': 'a' });
    const err = await collect(inputs, { cwd: root }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmbatchError);
    expect(err).toMatchObject({ code: 'input', exitCode: 2 });
    expect((err as Error).message).toMatch(message);
    expect((err as LlmbatchError).hint).toBeTruthy();
  });

  it('checks every explicit input before yielding anything', async () => {
    const root = await tree({ 'a.md': 'a' });
    const seen: string[] = [];
    const run = async () => {
      for await (const item of readInputs(['a.md', 'typo.md'], { cwd: root })) seen.push(item.kind);
    };
    await expect(run()).rejects.toThrow(/typo\.md/);
    expect(seen).toEqual([]);
  });

  it('treats an empty folder as no documents, not an error', async () => {
    const root = await tree({ 'a.md': 'a' });
    await mkdir(path.join(root, 'empty-folder'));
    expect(skips(await collect([root]))).toEqual([]);
  });
});
