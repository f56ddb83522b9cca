/**
 * A prompt template's identity for the ledger's output history (`compare`, `estimate`): past
 * answers estimate a prompt's output only if they were answers to the same text. The material
 * is what the template itself asks and in what form: system text, user text and response
 * format — not its name (a renamed file asks the same thing; an edited one does not), and not
 * temperature or max tokens, which flags set too (the estimate caps the history's mean at the
 * current max tokens). An empty system message is no system message, as renderMessages sends
 * it. Bump the `p1` tag if the material changes: older hashes then stop matching.
 */
import { createHash } from 'node:crypto';
import type { PromptTemplate } from './types.js';

export function promptHash(prompt: PromptTemplate): string {
  const material = JSON.stringify(['p1', prompt.system || null, prompt.user, prompt.response_format ?? null]);
  return createHash('sha256').update(material).digest('hex').slice(0, 16);
}
