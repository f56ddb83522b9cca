/**
 * One file → its text: transparent gzip, binary sniffing, BOM stripping. Nothing else is
 * changed: text is sent as it is (no normalisation of whitespace, line ends or Unicode).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import { promisify } from 'node:util';
import { createGunzip, gunzip } from 'node:zlib';
import { errorReason } from './walk.js';

export type TextResult = { ok: true; text: string } | { ok: false; reason: string };

const SNIFF_BYTES = 8192;
/** Share of U+FFFD above which a decoded file counts as binary rather than text with a few bad bytes. */
const MAX_REPLACEMENT_RATIO = 0.1;

export const isGzip = (file: string): boolean => file.toLowerCase().endsWith('.gz');

/** The name that decides the file type: `notes.md.gz` is read as `notes.md`. */
export const logicalName = (file: string): string => (isGzip(file) ? file.slice(0, -3) : file);

export const isBlank = (text: string): boolean => !/\S/.test(text);

/**
 * The largest document read whole: 256 MiB of text. V8 cannot hold a string much above 512 Mi
 * characters, and a document this size is already tens of thousands of map-reduce requests;
 * a larger file is skipped with the reason (split it), and the run goes on.
 */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** "256 MiB", for messages. */
export const MAX_DOCUMENT_TEXT = `${MAX_DOCUMENT_BYTES / 1024 / 1024} MiB`;

/** The skip reason: the size, or null when only "over the limit" is known (`how`: how that was found). */
export const tooLarge = (bytes: number | null, how = ' once decompressed'): string =>
  `too large: ${bytes === null ? `over ${MAX_DOCUMENT_TEXT}${how}` : `${(bytes / 1024 / 1024).toFixed(0)} MiB`} (the limit is ${MAX_DOCUMENT_TEXT} per document; split it)`;

export function readReason(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ERR_BUFFER_TOO_LARGE') return tooLarge(null);
  return typeof code === 'string' && code.startsWith('Z_') ? `unreadable: corrupt gzip (${code})` : errorReason(err);
}

/** gunzip, refusing output above MAX_DOCUMENT_BYTES (a small .gz can hold gigabytes). */
const gunzipBounded = (bytes: Uint8Array): Promise<Buffer> => promisify(gunzip)(bytes, { maxOutputLength: MAX_DOCUMENT_BYTES });

/** Windows-1252 at 0x80-0x9F, in order; '' where it has nothing (those stay Latin-1's C1 controls). */
const CP1252_HIGH = [
  '€', '', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '', 'Ž', '',
  '', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '', 'ž', 'Ÿ',
];

/** Share of bytes above ASCII beyond which non-UTF-8 bytes are not read as Windows-1252 text. */
const MAX_LEGACY_RATIO = 0.3;

/** Control characters plain text does not hold (tab, newlines, form feed and ESC aside). */
const CONTROL = /[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]/;

/**
 * Bytes that are not UTF-8 and hold no UTF-8 character at all (only ASCII around the invalid
 * bytes), no UTF-8 BOM, no control characters, and at most 30% of bytes above ASCII: text from an old Western system, read as
 * Windows-1252 (Latin-1's superset). `café` in Latin-1 is one invalid byte per accent, which
 * would otherwise reach the model as U+FFFD — or, in accented text, be skipped as binary.
 * UTF-8 with a few bad bytes keeps its UTF-8 reading (and U+FFFD for those bytes).
 */
function legacyText(bytes: Uint8Array, utf8: string): string | null {
  if (/[^\x00-\x7f\ufffd]/.test(utf8) || (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)) return null;
  if (isValidUtf8(bytes)) return null; // a U+FFFD written in the text itself, not a bad byte
  // Accented prose has a minority of such bytes; more than that is not text (binary).
  let high = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) high++;
  if (high > bytes.length * MAX_LEGACY_RATIO) return null;
  // Latin-1 plus Windows-1252's letters and signs at 0x80-0x9F (Node's TextDecoder reads that
  // label as plain Latin-1, where they are control characters).
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1')
    .replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80] || c);
  return CONTROL.test(text) ? null : text;
}

function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Bytes → text, or the reason it is not a document. The decoder drops a leading BOM. */
export function decodeText(bytes: Uint8Array): TextResult {
  if (bytes.length > MAX_DOCUMENT_BYTES) return { ok: false, reason: tooLarge(bytes.length) };
  if (bytes.subarray(0, SNIFF_BYTES).includes(0)) return { ok: false, reason: 'binary' };
  let text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  let bad = 0;
  // Most documents have none: one native search instead of a loop over every character.
  if (text.includes('\ufffd')) {
    const legacy = legacyText(bytes, text);
    if (legacy !== null) text = legacy;
    else for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) bad++;
  }
  if (bad > 0 && bad / text.length > MAX_REPLACEMENT_RATIO) return { ok: false, reason: 'binary' };
  if (isBlank(text)) return { ok: false, reason: 'empty' };
  return { ok: true, text };
}

/**
 * Files up to this size are read synchronously: one open/fstat/read/close on the main thread
 * costs a few microseconds, where the promise API takes five thread-pool round trips per file —
 * the largest CPU cost of a run over many small documents.
 */
const SYNC_READ_MAX = 256 * 1024;

function readSmallSync(abs: string): Uint8Array | null {
  const fd = openSync(abs, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > SYNC_READ_MAX) return null;
    const buf = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

/** Read a whole file as one document. A plain binary file is rejected after its first 8 KiB. */
export async function readText(abs: string): Promise<TextResult> {
  let bytes: Uint8Array;
  try {
    const small = readSmallSync(abs);
    if (small) return decodeText(isGzip(abs) ? await gunzipBounded(small) : small);
  } catch (err) {
    return { ok: false, reason: readReason(err) };
  }
  try {
    const handle = await open(abs, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_DOCUMENT_BYTES) return { ok: false, reason: tooLarge(size) };
      if (!isGzip(abs)) {
        const head = Buffer.alloc(SNIFF_BYTES);
        const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
        if (head.subarray(0, bytesRead).includes(0)) return { ok: false, reason: 'binary' };
      }
      // Positional reads above leave the file offset at 0, so this reads the whole file.
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
    if (isGzip(abs)) bytes = await gunzipBounded(bytes);
  } catch (err) {
    return { ok: false, reason: readReason(err) };
  }
  return decodeText(bytes);
}

/** A byte stream of the (decompressed) file, for record files read line by line. */
export async function openStream(abs: string): Promise<{ ok: true; stream: Readable } | { ok: false; reason: string }> {
  try {
    const handle = await open(abs, 'r');
    const raw = handle.createReadStream();
    if (!isGzip(abs)) return { ok: true, stream: raw };
    return { ok: true, stream: pipeline(raw, createGunzip(), () => {}) };
  } catch (err) {
    return { ok: false, reason: readReason(err) };
  }
}
