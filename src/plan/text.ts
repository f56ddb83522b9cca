import type { Document } from '../documents/types.js';

/** A document's text as it will be sent (after compression), with token counts around it. */
export interface PreparedText {
  text: string;
  /** Document tokens before / after compression (null when not counted). */
  tokensBefore: number | null;
  tokensAfter: number | null;
}

export interface TransformHelpers {
  /** For `llm:` compression: a cached model call made by the engine, its cost counted there. */
  condense?: (text: string, model?: string) => Promise<string>;
}

/** Turns a document into the text to send: compression lives behind this (identity by default). */
export type TextTransform = (doc: Document, helpers?: TransformHelpers) => Promise<PreparedText>;
