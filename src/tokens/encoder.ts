/**
 * The one owner of tokenizer encoders. tiktoken ships its BPE ranks inside the package
 * (no network), and `encode_ordinary` treats `<|endoftext|>` and friends as plain text —
 * real documents contain them, and `encode` would throw on them.
 * tiktoken is loaded lazily so `--help`/`--version` never pay for its WASM.
 */
import { createRequire } from 'node:module';
import type { Encoding } from '../models/types.js';

interface Encoder {
  encode_ordinary(text: string): Uint32Array;
  decode(tokens: Uint32Array): Uint8Array;
  free(): void;
}

const encoders = new Map<Encoding, Encoder>();
let tiktoken: { get_encoding(name: string): Encoder } | undefined;

export function getEncoder(encoding: Encoding): Encoder {
  let enc = encoders.get(encoding);
  if (!enc) {
    tiktoken ??= createRequire(import.meta.url)('tiktoken') as { get_encoding(name: string): Encoder };
    enc = tiktoken.get_encoding(encoding);
    encoders.set(encoding, enc);
  }
  return enc;
}

/** Exact token count of `text` under `encoding`; special-token strings count as ordinary text. */
export function countTokens(text: string, encoding: Encoding): number {
  if (text.length === 0) return 0;
  return getEncoder(encoding).encode_ordinary(text).length;
}

/** Encode, for splitting text at token boundaries (chunking, extractive budgets). */
export function encodeTokens(text: string, encoding: Encoding): Uint32Array {
  return getEncoder(encoding).encode_ordinary(text);
}

const decoder = new TextDecoder();
export function decodeTokens(tokens: Uint32Array, encoding: Encoding): string {
  return decoder.decode(getEncoder(encoding).decode(tokens));
}

export function freeEncoders(): void {
  for (const e of encoders.values()) e.free();
  encoders.clear();
}
