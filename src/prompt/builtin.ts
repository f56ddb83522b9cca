import type { PromptTemplate } from './types.js';

/** Built-in prompts (SPEC §3). Short on purpose: every word here is paid for on every document. */
export const BUILTIN_PROMPTS: Readonly<Record<string, PromptTemplate>> = {
  summarize: {
    name: 'summarize',
    system: 'You are a precise assistant that writes faithful, concise summaries.',
    user: 'Summarize the following document in a short paragraph. Keep names, numbers and dates exact.\n\n{{document}}',
  },
  bullets: {
    name: 'bullets',
    system: 'You are a precise assistant that extracts key points.',
    user: 'List the key points of the following document as 3 to 7 short bullet points.\n\n{{document}}',
  },
  'extract-json': {
    name: 'extract-json',
    system: 'You extract structured data and answer with one JSON object only.',
    user:
      'Extract from the document below a JSON object with the keys "title" (string), "summary" (string), ' +
      '"entities" (array of strings: people, organisations, products) and "dates" (array of strings).\n\n{{document}}',
    response_format: 'json',
  },
};
