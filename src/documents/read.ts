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

/** Bytes → text, or the reason it is not a document. The decoder drops a leading BOM. */
export function decodeText(bytes: Uint8Array): TextResult {
  if (bytes.length > MAX_DOCUMENT_BYTES) return { ok: false, reason: tooLarge(bytes.length) };
  if (bytes.subarray(0, SNIFF_BYTES).includes(0)) return { ok: false, reason: 'binary' };
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  let bad = 0;
  // Most documents have none: one native search instead of a loop over every character.
  if (text.includes('\ufffd')) for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) bad++;
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
