/**
 * Chat requests are billed for more than their text: every message carries a few tokens of
 * framing, and the reply is primed with `<|start|>assistant<|message|>`. The constants are the
 * ones of OpenAI's cookbook "How to count tokens with tiktoken" (3 per message, 1 per name,
 * 3 for the reply) and match `usage.prompt_tokens` for gpt-4o/4.1-family models.
 * https://cookbook.openai.com/examples/how_to_count_tokens_with_tiktoken
 */
import type { Encoding } from '../models/types.js';
import { countTokens } from './encoder.js';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
  name?: string;
}

export const TOKENS_PER_MESSAGE = 3;
export const TOKENS_PER_NAME = 1;
export const REPLY_PRIMING = 3;

/** Framing tokens of a request, excluding the message texts. */
export function chatOverhead(messages: readonly ChatMessage[], encoding: Encoding): number {
  let n = REPLY_PRIMING;
  for (const m of messages) {
    n += TOKENS_PER_MESSAGE + countTokens(m.role, encoding);
    if (m.name) n += TOKENS_PER_NAME + countTokens(m.name, encoding);
  }
  return n;
}

/** Prompt tokens of a chat request the way the API bills them. */
export function countChat(messages: readonly ChatMessage[], encoding: Encoding): number {
  let n = chatOverhead(messages, encoding);
  for (const m of messages) n += countTokens(m.content, encoding);
  return n;
}
