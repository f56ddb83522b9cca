// Many small documents for the "memory does not grow with the number of files" benchmark:
// `count` files of ~1–3 KB, cut from the real text corpus (bench/corpus.js) at line breaks, in
// folders of 500. Every file's content is distinct (hash-checked), so a cache never turns the
// benchmark into a replay. When the corpus is shorter than count × ~2 KB, later passes start at a
// different offset, so their slices differ from the first pass's.
//
// Deterministic: the slice lengths come from a seeded generator over the corpus in path order.
// Idempotent: a manifest.json with the same count and seed means the folder is reused.
//
// Run `node bench/corpus-many.js [count]` to build it and print the summary.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { benchPath, buildCorpus, isMain, manifestIntact, readManifest, replaceDir } from './corpus.js';
import { prng } from '../test/support/fake-openai.js';

const FORMAT = 1;
const PER_FOLDER = 500;
// Lengths are in UTF-16 units for cutting, and capped in UTF-8 bytes by fitBytes().
const MIN_CHARS = 1024;
const MAX_CHARS = 3072;
const SEED = 20_000;
const WRITE_BATCH = 64;


/** End of a slice: the first line break after `want`, else a space, else `want` itself. */
function cutAt(text, start, want) {
  const hard = Math.min(text.length, start + want);
  const nl = text.indexOf('\n', hard);
  if (nl !== -1 && nl - start <= MAX_CHARS) return nl + 1;
  const sp = text.indexOf(' ', hard);
  if (sp !== -1 && sp - start <= MAX_CHARS) return sp + 1;
  const code = text.charCodeAt(hard - 1);
  return code >= 0xd800 && code <= 0xdbff ? hard + 1 : hard; // never split a surrogate pair
}

/** Trim a slice of mostly non-ASCII text back to MAX_CHARS bytes, at a line break if one is near. */
function fitBytes(piece) {
  let bytes = Buffer.byteLength(piece);
  while (bytes > MAX_CHARS) {
    let end = Math.floor((piece.length * MAX_CHARS) / bytes);
    const code = piece.charCodeAt(end - 1);
    if (code >= 0xd800 && code <= 0xdbff) end -= 1;
    const nl = piece.lastIndexOf('\n', end - 1);
    piece = piece.slice(0, nl > end / 2 ? nl + 1 : end);
    bytes = Buffer.byteLength(piece);
  }
  return piece;
}

/** Yields `count` distinct slices of `text`. */
function* slices(text, count) {
  const rand = prng(SEED);
  const seen = new Set();
  let made = 0;
  for (let pass = 0; made < count; pass++) {
    if (pass > 64) throw new Error(`corpus too small: only ${made} distinct slices after 64 passes`);
    // Later passes start mid-line at a pass-specific offset, then realign to the next line.
    const offset = (pass * 997) % MAX_CHARS;
    let at = pass === 0 ? 0 : text.indexOf('\n', offset) + 1 || offset;
    while (made < count && at < text.length - MIN_CHARS) {
      const end = cutAt(text, at, MIN_CHARS + Math.floor(rand() * (MAX_CHARS - MIN_CHARS)));
      const piece = fitBytes(text.slice(at, end));
      at += piece.length;
      const h = createHash('sha256').update(piece).digest('hex');
      if (seen.has(h) || piece.trim() === '') continue;
      seen.add(h);
      made++;
      yield piece;
    }
  }
}


/**
 * Write `count` small files under `dir` (`000/00000.txt`…, 500 per folder). Returns
 * `{dir, files, folders, bytes, minBytes, maxBytes, reused}`.
 */
export async function buildManySmall({ count = 20000, dir = 'bench/.corpus/many' } = {}) {
  dir = benchPath(dir);
  const old = await readManifest(dir);
  if (old && old.files === count && old.seed === SEED && (await manifestIntact(dir, old.entries))) {
    return summary(dir, old, true);
  }

  const corpus = await buildCorpus();
  const texts = await Promise.all(corpus.paths.map((p) => fs.readFile(path.join(corpus.dir, p), 'utf8')));
  const text = texts.join('\n\n');

  const partial = `${dir}.partial`;
  await fs.rm(partial, { recursive: true, force: true });
  const folders = Math.ceil(count / PER_FOLDER);
  const fw = Math.max(3, String(folders - 1).length);
  const nw = Math.max(5, String(count - 1).length);
  const entries = [];
  let batch = [];
  let i = 0;
  for (const piece of slices(text, count)) {
    const rel = `${String(Math.floor(i / PER_FOLDER)).padStart(fw, '0')}/${String(i).padStart(nw, '0')}.txt`;
    if (i % PER_FOLDER === 0) await fs.mkdir(path.join(partial, path.dirname(rel)), { recursive: true });
    const buf = Buffer.from(piece, 'utf8');
    entries.push({ path: rel, bytes: buf.length });
    batch.push(fs.writeFile(path.join(partial, rel), buf));
    if (batch.length >= WRITE_BATCH) {
      await Promise.all(batch);
      batch = [];
    }
    i++;
  }
  await Promise.all(batch);

  const sizes = entries.map((e) => e.bytes);
  const manifest = {
    format: FORMAT, seed: SEED, files: entries.length, folders, perFolder: PER_FOLDER,
    bytes: sizes.reduce((a, b) => a + b, 0), minBytes: Math.min(...sizes), maxBytes: Math.max(...sizes),
    corpusBytes: corpus.bytes, entries,
  };
  await fs.writeFile(path.join(partial, 'manifest.json'), `${JSON.stringify(manifest)}\n`);
  await replaceDir(dir, partial);
  return summary(dir, manifest, false);
}

function summary(dir, m, reused) {
  const { files, folders, bytes, minBytes, maxBytes } = m;
  return { dir, files, folders, bytes, minBytes, maxBytes, reused };
}

if (isMain(import.meta.url)) {
  const t0 = performance.now();
  const r = await buildManySmall({ count: Number(process.argv[2] ?? 20000) });
  const ms = Math.round(performance.now() - t0);
  console.log(`${r.reused ? 'reused' : 'built'} ${r.dir} in ${ms} ms: ${r.files} files in ${r.folders} folders, ` +
    `${(r.bytes / 1024 / 1024).toFixed(2)} MiB, ${r.minBytes}–${r.maxBytes} bytes each`);
}
