/**
 * llm: a cheap model turns the document into key points. The call itself (its cost, its cache
 * entry, its retries) belongs to the engine, which injects it as `ctx.condense`; the engine sends
 * CONDENSE_PROMPT as the instruction and the document as the content.
 */
import { LlmbatchError } from '../errors.js';
import type { CompressContext } from './types.js';

export const DEFAULT_CONDENSE_MODEL = 'gpt-4.1-nano';

export const CONDENSE_PROMPT = [
  'Condense the document that follows into its key points, as a short list.',
  'Keep every number, name, date, version, identifier and quantity exactly as written.',
  'Keep code, commands and error messages that matter verbatim.',
  'Do not add facts, opinions or commentary that are not in the document.',
  'Write in the language of the document.',
].join('\n');

export async function llmCondense(
  text: string,
  model: string = DEFAULT_CONDENSE_MODEL,
  ctx: Pick<CompressContext, 'condense'>,
): Promise<string> {
  if (!ctx.condense) {
    throw new LlmbatchError(
      'usage',
      `The llm compression strategy needs a model call (${model}), and none is available here`,
      'Run it through the batch engine, or pick a local strategy: whitespace, dedupe, markup, extractive[:R]',
    );
  }
  if (text.trim() === '') return text;
  return ctx.condense(text, model);
}
