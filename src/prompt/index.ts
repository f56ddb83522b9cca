export { BUILTIN_PROMPTS } from './builtin.js';
export { renderMessages, renderText, hasDocumentPlaceholder } from './render.js';
export { resolvePrompt, resolveSystem, promptSchema, type ConfigPrompt, type ResolvePromptOptions } from './load.js';
export { promptHash } from './hash.js';
export type { PromptTemplate } from './types.js';
