import type { Document } from '../documents/types.js';
import type { RegisteredModel } from '../models/index.js';
import { maxOutputFor } from '../plan/variant.js';
import { renderMessages, type PromptTemplate } from '../prompt/index.js';
import type { CompletionRequest } from '../providers/types.js';
import { CONDENSE_PROMPT } from '../compress/llm.js';
import type { CallResult } from './call.js';

export interface RequestSettings {
  prompt: PromptTemplate;
  temperature?: number;
  maxOutputTokens?: number;
}

export function buildRequest(doc: Document, text: string, ctx: RequestSettings, info: RegisteredModel, model: string): CompletionRequest {
  return {
    model,
    messages: renderMessages(ctx.prompt, doc, text),
    temperature: ctx.prompt.temperature ?? ctx.temperature,
    max_tokens: maxOutputFor(ctx.prompt, ctx.maxOutputTokens, info),
    response_format: ctx.prompt.response_format,
  };
}

/** The condense call of `llm` compression: the instruction, the text, up to 1,024 tokens back. */
export function condenseRequest(text: string, model: string, info: RegisteredModel): CompletionRequest {
  return { model, messages: [{ role: 'system', content: CONDENSE_PROMPT }, { role: 'user', content: text }], temperature: 0, max_tokens: Math.min(1024, info.max_output) };
}

/** A document-level failure inside the pipeline; becomes an error record. */
export class DocumentFailure extends Error {
  constructor(readonly call: Extract<CallResult, { ok: false }> | null, message: string, readonly code: string) {
    super(message);
  }
}

export function failureOf(r: Extract<CallResult, { ok: false }>): DocumentFailure {
  const e = r.error;
  const code = e.kind === 'aborted' ? 'aborted' : e.kind === 'context' ? 'context_length' : e.status ? `http_${e.status}` : e.kind;
  return new DocumentFailure(r, `${e.message}${r.attempts > 1 ? ` (after ${r.attempts} attempts)` : ''}`, code);
}

