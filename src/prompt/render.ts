/**
 * Single-pass rendering: one regex walks the template once and each placeholder is replaced
 * by a callback, so text that came from a document (which may itself contain `{{id}}` or
 * `{{document}}`) is never scanned for placeholders again.
 */
import type { Document } from '../documents/types.js';
import type { ChatMessage } from '../tokens/chat.js';
import type { PromptTemplate } from './types.js';

const PLACEHOLDER = /\{\{\s*(document|id|path|field\.[^}\s]+)\s*\}\}/g;

/**
 * What a placeholder looks like, known or not: `{{name}}` with a word-like name. `{{ }}`, JSON
 * braces (`{{"a": 1}}`) and other text with double braces are not placeholder-shaped.
 */
const PLACEHOLDER_SHAPE = /\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}/g;
const KNOWN = /^(document|id|path|field\.[^}\s]+)$/;

/**
 * The placeholder-shaped tokens of a template that the renderer does not know (`{{documnet}}`,
 * `{{title}}`), each once, in order. Rendering leaves them as they are, so a prompt holding one
 * would be sent, and paid for, with the typo in it.
 */
export function unknownPlaceholders(template: string): string[] {
  const names = new Set<string>();
  for (const m of template.matchAll(PLACEHOLDER_SHAPE)) if (!KNOWN.test(m[1])) names.add(m[1]);
  return [...names];
}

export function hasDocumentPlaceholder(template: string): boolean {
  return /\{\{\s*document\s*\}\}/.test(template);
}

function fieldValue(doc: Pick<Document, 'fields'>, name: string): string {
  const v = doc.fields?.[name];
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function renderText(template: string, doc: Pick<Document, 'id' | 'path' | 'fields'>, text: string): string {
  return template.replace(PLACEHOLDER, (_m, key: string) => {
    if (key === 'document') return text;
    if (key === 'id') return doc.id;
    if (key === 'path') return doc.path;
    return fieldValue(doc, key.slice('field.'.length));
  });
}

/**
 * The chat messages for one document. `text` is the document text after compression.
 * A template without `{{document}}` (in the user message or the system message) gets the
 * document appended to the user message after a blank line (SPEC §3): once, never twice.
 */
export function renderMessages(
  prompt: PromptTemplate,
  doc: Pick<Document, 'id' | 'path' | 'fields'>,
  text: string,
): ChatMessage[] {
  const messages: ChatMessage[] = [];
  if (prompt.system) messages.push({ role: 'system', content: renderText(prompt.system, doc, text) });
  const base = prompt.user.replace(/\s+$/, '');
  const placed = hasDocumentPlaceholder(base) || (prompt.system !== undefined && hasDocumentPlaceholder(prompt.system));
  const user = placed ? prompt.user : base ? `${base}\n\n{{document}}` : '{{document}}';
  messages.push({ role: 'user', content: renderText(user, doc, text) });
  return messages;
}
