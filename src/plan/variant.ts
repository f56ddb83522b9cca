/**
 * What is needed to price or send one document under one (prompt, model, compression)
 * combination, shared by estimate, compare, --dry-run and run: the single place that renders
 * and counts.
 */
import type { Document } from '../documents/types.js';
import type { RegisteredModel } from '../models/index.js';
import { renderMessages, type PromptTemplate } from '../prompt/index.js';
import type { ChatMessage } from '../tokens/index.js';

/** Default max output tokens when neither the prompt nor a flag sets one: bounds the cost. */
export const DEFAULT_MAX_OUTPUT = 1024;

export function maxOutputFor(prompt: PromptTemplate | null, flag: number | undefined, model: RegisteredModel): number {
  return Math.min(prompt?.max_tokens ?? flag ?? DEFAULT_MAX_OUTPUT, model.max_output);
}

/** The request messages for a document, or null when there is no prompt (documents alone). */
export function messagesFor(prompt: PromptTemplate | null, doc: Document, text: string): ChatMessage[] | null {
  return prompt ? renderMessages(prompt, doc, text) : null;
}
