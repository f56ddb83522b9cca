import { truncateSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { LlmbatchError } from '../../src/errors.js';
import { decodeText, MAX_DOCUMENT_BYTES } from '../../src/documents/read.js';
import { bufferStdin } from '../../src/documents/index.js';
import { collect, docs, summary, tree } from './helpers.js';

describe('text passes through as it is', () => {
  it.each([
    ['special tokens', 'a <|endoftext|> b <|im_start|>user\nhi<|im_end|>'],
    ['template placeholders', 'Summarise {{document}} for {{id}} and {{field.title}}'],
    ['CRLF line ends and trailing spaces', 'one  \r\ntwo\r\n\r\n'],
    ['decomposed Unicode', 'Cafe\u0301 and \u00e9 stay distinct'],
    ['a BOM in the middle', 'before\uFEFFafter'],
  ])('keeps %s verbatim', async (_name, text) => {
    const root = await tree({ 'doc.txt': text });
    expect(docs(await collect([root]))[0].text).toBe(text);
  });

  it('strips one leading UTF-8 BOM and nothing else', async () => {
    const root = await tree({ 'doc.md': '\uFEFF# Title\n' });
    expect(docs(await collect([root]))[0].text).toBe('# Title\n');
  });
});

describe('gzip', () => {
  it('decompresses .gz transparently; the id keeps the real path', async () => {
    const root = await tree({ 'archive/notes.md.gz': gzipSync('# Notes\nSee <|endoftext|>.\n') });
    const [doc] = docs(await collect([root]));
    expect(doc).toMatchObject({ id: 'archive/notes.md.gz', path: 'archive/notes.md.gz', text: '# Notes\nSee <|endoftext|>.\n' });
  });

  it.each([
    ['a gzipped binary', gzipSync(Buffer.from([1, 0, 2, 0])), 'binary'],
    ['a gzipped empty file', gzipSync(''), 'empty'],
    ['a corrupt gzip', Buffer.from('not gzip at all'), 'unreadable: corrupt gzip (Z_DATA_ERROR)'],
  ])('skips %s', async (_name, bytes, reason) => {
    const root = await tree({ 'x.txt.gz': bytes });
    expect(summary(await collect([root]))).toEqual([`skip x.txt.gz (${reason})`]);
  });

  it('reads a gzipped JSON array as records', async () => {
    const root = await tree({ 'faq.json.gz': gzipSync('[{"id": "a", "text": "A"}]') });
    expect(summary(await collect([root]))).toEqual(['doc faq.json.gz#a']);
  });
});

describe('stdin', () => {
  it('reads one document from opts.stdin with id and path "-"', async () => {
    const stdin = Readable.from([Buffer.from('hello '), Buffer.from('from a pipe <|endoftext|>')]);
    const items = await collect(['-'], { stdin });
    expect(items).toEqual([{ kind: 'document', document: { id: '-', path: '-', text: 'hello from a pipe <|endoftext|>', index: 0 } }]);
  });

  it('numbers stdin among other inputs', async () => {
    const root = await tree({ 'a.md': 'a' });
    const items = await collect(['a.md', '-'], { cwd: root, stdin: Readable.from(['piped']) });
    expect(docs(items).map((d) => [d.id, d.index])).toEqual([
      ['a.md', 0],
      ['-', 1],
    ]);
  });

  it.each([
    ['empty', [], 'empty'],
    ['binary', [Buffer.from([0x89, 0x50, 0x00])], 'binary'],
  ])('skips %s stdin', async (_name, chunks, reason) => {
    expect(summary(await collect(['-'], { stdin: Readable.from(chunks) }))).toEqual([`skip - (${reason})`]);
  });

  /** A gigabyte of stdin in 1 MiB chunks (one buffer, yielded again and again), counting what was read. */
  function gigabyte() {
    const mib = Buffer.alloc(1024 * 1024, 'x');
    const seen = { pulled: 0, closed: false };
    async function* source() {
      try {
        for (let i = 0; i < 1024; i++) {
          seen.pulled++;
          yield mib;
        }
      } finally {
        seen.closed = true;
      }
    }
    return { stream: source(), seen };
  }
  const overLimit = ['skip - (too large: over 256 MiB (the limit is 256 MiB per document; split it))'];

  it('skips stdin over the limit once the limit is passed, without reading (or holding) the rest', async () => {
    const { stream, seen } = gigabyte();
    expect(summary(await collect(['-'], { stdin: stream }))).toEqual(overLimit);
    expect(seen).toEqual({ pulled: 257, closed: true });
  });

  it('buffers stdin once for two reads (the plan, then the run), and stops buffering past the limit', async () => {
    const small = await bufferStdin(Readable.from([Buffer.from('piped '), 'twice']));
    expect(small.overLimit).toBe(false);
    for (let read = 0; read < 2; read++) {
      expect(docs(await collect(['-'], { stdin: small })).map((d) => d.text)).toEqual(['piped twice']);
    }
    const { stream, seen } = gigabyte();
    const big = await bufferStdin(stream);
    expect(big.overLimit).toBe(true);
    expect(seen).toEqual({ pulled: 257, closed: true });
    expect(summary(await collect(['-'], { stdin: big }))).toEqual(overLimit);
  });

  it.each([
    [['-'], undefined, /no stdin/],
    [['-', '-'], Readable.from(['x']), /more than once/],
  ])('throws for %j without usable stdin', async (inputs, stdin, message) => {
    const err = await collect(inputs, { stdin }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmbatchError);
    expect((err as Error).message).toMatch(message);
  });
});

describe('documents too large to hold', () => {
  const over = MAX_DOCUMENT_BYTES + 1;

  it('skips a file over the limit before reading it, and reads the rest of the folder', async () => {
    const root = await tree({ 'small.md': 'fine', 'huge.txt': 'x' });
    truncateSync(join(root, 'huge.txt'), 600 * 1024 * 1024); // sparse: no disk, no read
    expect(summary(await collect([root]))).toEqual([
      'skip huge.txt (too large: 600 MiB (the limit is 256 MiB per document; split it))',
      'doc small.md',
    ]);
  });

  it('skips a gzip file that decompresses to more than the limit', async () => {
    const root = await tree({ 'bomb.txt.gz': gzipSync(Buffer.alloc(over, 0x61), { level: 1 }) });
    expect(summary(await collect([root]))).toEqual(['skip bomb.txt.gz (too large: over 256 MiB once decompressed (the limit is 256 MiB per document; split it))']);
  }, 30_000);

  it('skips stdin over the limit', async () => {
    expect(decodeText(Buffer.allocUnsafe(over))).toEqual({ ok: false, reason: 'too large: 256 MiB (the limit is 256 MiB per document; split it)' });
  });
});

describe('ids are unique within a run', () => {
  it('the same relative path under two inputs, and a repeated record id, get ~2, ~3', async () => {
    const a = await tree({ 'x.md': 'from a', 'recs.jsonl': '{"id":"r","text":"one"}\n{"id":"r","text":"two"}\n{"id":"r","text":"three"}\n' });
    const b = await tree({ 'x.md': 'from b' });
    const items = await collect([a, b]);
    expect(docs(items).map((d) => [d.id, d.path, d.text])).toEqual([
      ['recs.jsonl#r', 'recs.jsonl', 'one'],
      ['recs.jsonl#r~2', 'recs.jsonl', 'two'],
      ['recs.jsonl#r~3', 'recs.jsonl', 'three'],
      ['x.md', 'x.md', 'from a'],
      ['x.md~2', 'x.md', 'from b'],
    ]);
  });
});
