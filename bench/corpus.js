// Builds the benchmark text corpus from real prose already on this machine: the docs that npm
// packages ship, Debian's /usr/share/doc, the common licenses and the text files of the pyenv
// Pythons. Nothing is generated or repeated, so token counts and compression ratios measured on
// it look like real documents.
//
// Selection is deterministic for a given machine: candidates are sorted per source, and the next
// file always comes from the source with the fewest bytes taken so far, until `minBytes` is
// reached. The result is written to `<dir>.partial` and renamed, with a manifest.json, so an
// interrupted build never looks finished; a later call with the same or a smaller `minBytes`
// reuses it.
//
// Run `node bench/corpus.js [minMB]` to build it and print the summary.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const FORMAT = 1;
const MAX_FILE_BYTES = 2 * 1024 * 1024;
const MIN_FILE_BYTES = 64;
/** Share of letters among non-space characters below which a file is data, not prose. */
const MIN_LETTER_SHARE = 0.6;

const SKIP_DIRS = new Set(['.git', '.bin', '.cache', '__pycache__', 'site-packages-cache']);
const CODE_EXT = new Set(['.html', '.htm', '.xml', '.xsl', '.c', '.h', '.cc', '.cpp', '.pl', '.pm', '.py',
  '.sh', '.js', '.cjs', '.mjs', '.ts', '.json', '.map', '.css', '.svg', '.png', '.gif', '.jpg', '.jpeg',
  '.pdf', '.ps', '.dvi', '.el', '.vim', '.yml', '.yaml', '.toml', '.ini', '.cfg', '.in', '.am', '.ac',
  '.mk', '.patch', '.diff', '.csv', '.tsv', '.gz', '.bz2', '.xz', '.zip', '.Z']);
const TEXT_EXT = new Set(['.md', '.markdown', '.txt', '.rst']);
const NPM_NAMES = /^(readme|changelog|changes|history|license|licence|notice|authors|contributors)([-._].*)?$/i;
const DEBIAN_NAMES = /^(readme|changelog|changes|news|todo|authors|thanks|copyright|faq|bugs|credits|history)([-._].*)?$/i;

const ext = (name) => path.extname(name).toLowerCase();

/** Sources in a fixed order; `accept` sees the path relative to `root` (".gz" already removed). */
export const SOURCES = [
  {
    name: 'npm',
    root: path.join(REPO_ROOT, 'node_modules'),
    accept: (rel) => {
      const base = path.basename(rel);
      return TEXT_EXT.has(ext(base)) || (NPM_NAMES.test(base) && !CODE_EXT.has(ext(base)));
    },
  },
  {
    name: 'debian',
    root: '/usr/share/doc',
    gz: true,
    accept: (rel) => {
      const base = path.basename(rel);
      return TEXT_EXT.has(ext(base)) || (DEBIAN_NAMES.test(base) && !CODE_EXT.has(ext(base)));
    },
  },
  { name: 'licenses', root: '/usr/share/common-licenses', accept: () => true },
  {
    name: 'python',
    root: '/root/.pyenv',
    // Package metadata (entry_points.txt, top_level.txt…) is not prose.
    accept: (rel) => TEXT_EXT.has(ext(rel)) && !/\.(dist|egg)-info\//.test(rel),
  },
];

/** Resolve a bench path against the repository root, so the cwd does not matter. */
export function benchPath(p) {
  return path.isAbsolute(p) ? p : path.join(REPO_ROOT, p);
}

async function* walk(root, rel = '') {
  let entries;
  try {
    entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
  } catch {
    return; // missing or unreadable: that source simply has less to give
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isSymbolicLink()) continue; // /usr/share/doc links whole folders to siblings
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) yield* walk(root, child);
    } else if (e.isFile()) {
      yield child;
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The file's text if it is prose we want, else null. */
async function readProse(file, gz) {
  const stat = await fs.stat(file);
  if (stat.size > MAX_FILE_BYTES || stat.size === 0) return null;
  let buf = await fs.readFile(file);
  if (gz) {
    try {
      buf = gunzipSync(buf, { maxOutputLength: MAX_FILE_BYTES + 1 });
    } catch {
      return null; // corrupt, or larger than the cap once decompressed
    }
  }
  if (buf.length > MAX_FILE_BYTES || buf.length < MIN_FILE_BYTES || buf.includes(0)) return null;
  let text;
  try {
    text = utf8.decode(buf);
  } catch {
    return null;
  }
  const dense = text.replace(/\s+/g, '');
  const letters = dense.match(/\p{L}/gu)?.length ?? 0;
  return letters / dense.length >= MIN_LETTER_SHARE ? { text, buf } : null;
}

/** Yields accepted files of one source in sorted order: {rel (output path), from, buf}. */
async function* candidates(source) {
  for await (const rel of walk(source.root)) {
    const isGz = Boolean(source.gz) && rel.endsWith('.gz');
    const out = isGz ? rel.slice(0, -3) : rel;
    if (!source.accept(out)) continue;
    const from = path.join(source.root, rel);
    const prose = await readProse(from, isGz).catch(() => null);
    if (prose) yield { rel: `${source.name}/${out}`, from, buf: prose.buf };
  }
}

/** A corpus folder's manifest, when it is there and of this format (shared with corpus-many.js). */
export async function readManifest(dir) {
  try {
    const m = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8'));
    return m.format === FORMAT ? m : null;
  } catch {
    return null;
  }
}

/** True when every file the manifest lists is there with its size. */
export async function manifestIntact(dir, entries) {
  for (const e of entries) {
    const st = await fs.stat(path.join(dir, e.path)).catch(() => null);
    if (!st || st.size !== e.bytes) return false;
  }
  return true;
}

/** Replace `dir` with `partial`, refusing to delete a folder this module did not write. */
export async function replaceDir(dir, partial) {
  if (existsSync(dir)) {
    const ours = existsSync(path.join(dir, 'manifest.json')) || (await fs.readdir(dir)).length === 0;
    if (!ours) throw new Error(`${dir} exists and has no manifest.json: not overwriting it; remove it or pick another dir`);
    await fs.rm(dir, { recursive: true, force: true });
  }
  await fs.rename(partial, dir);
}

function summary(dir, m, reused) {
  return {
    dir, files: m.files, bytes: m.bytes, sources: m.sources, complete: m.complete, note: m.note,
    reused, paths: m.entries.map((e) => e.path),
  };
}

/**
 * Assemble (once) a corpus of at least `minBytes` of real prose under `dir`, one sub-folder per
 * source. Returns `{dir, files, bytes, sources: {name: {files, bytes}}, complete, note, reused,
 * paths}`; `complete` is false (and `note` says by how much) when the machine has too little.
 */
export async function buildCorpus({ minBytes = 20 * 1024 * 1024, dir = 'bench/.corpus/text' } = {}) {
  dir = benchPath(dir);
  const old = await readManifest(dir);
  const oldEnough = old && (old.bytes >= minBytes || (!old.complete && old.minBytes >= minBytes));
  if (oldEnough && (await manifestIntact(dir, old.entries))) return summary(dir, old, true);

  const partial = `${dir}.partial`;
  await fs.rm(partial, { recursive: true, force: true });
  const seen = new Set();
  const entries = [];
  const sources = Object.fromEntries(SOURCES.map((s) => [s.name, { files: 0, bytes: 0 }]));
  const live = SOURCES.map((s) => ({ name: s.name, it: candidates(s) }));
  let bytes = 0;
  while (bytes < minBytes && live.length > 0) {
    // Take from the source that has given the least so far (ties: SOURCES order).
    live.sort((a, b) => sources[a.name].bytes - sources[b.name].bytes);
    const src = live[0];
    const next = await src.it.next();
    if (next.done) {
      live.shift();
      continue;
    }
    const { rel, from, buf } = next.value;
    const sha256 = createHash('sha256').update(buf).digest('hex');
    if (seen.has(sha256)) continue;
    seen.add(sha256);
    const target = path.join(partial, rel);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, buf);
    entries.push({ path: rel, bytes: buf.length, sha256, from });
    sources[src.name].files += 1;
    sources[src.name].bytes += buf.length;
    bytes += buf.length;
  }
  await Promise.all(live.map((s) => s.it.return?.()));

  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const complete = bytes >= minBytes;
  const manifest = {
    format: FORMAT, minBytes, bytes, files: entries.length, complete,
    note: complete ? null : `only ${bytes} bytes of distinct prose found, ${minBytes - bytes} short of ${minBytes}; files are never repeated to make up the difference`,
    sources, entries,
  };
  await fs.mkdir(partial, { recursive: true });
  await fs.writeFile(path.join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  await replaceDir(dir, partial);
  return summary(dir, manifest, false);
}

export const isMain = (url) => Boolean(process.argv[1]) && path.resolve(process.argv[1]) === fileURLToPath(url);

if (isMain(import.meta.url)) {
  const mb = Number(process.argv[2] ?? 20);
  const t0 = performance.now();
  const r = await buildCorpus({ minBytes: Math.round(mb * 1024 * 1024) });
  const ms = Math.round(performance.now() - t0);
  const mib = (n) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
  console.log(`${r.reused ? 'reused' : 'built'} ${r.dir} in ${ms} ms: ${r.files} files, ${mib(r.bytes)}${r.complete ? '' : ' (INCOMPLETE)'}`);
  for (const [name, s] of Object.entries(r.sources)) console.log(`  ${name.padEnd(9)} ${String(s.files).padStart(6)} files  ${mib(s.bytes)}`);
  if (r.note) console.log(`note: ${r.note}`);
}
