import type { BoilerplateIndex } from './dedupe.js';

export type StrategyName = 'whitespace' | 'dedupe' | 'markup' | 'extractive' | 'llm';

export interface StrategySpec {
  name: StrategyName;
  /** extractive: a ratio (≤ 1) or a token budget (> 1); llm: a model name. */
  arg?: string;
}

/**
 * A document's markup, when its file name declares it (`.md`, `.rst`; see blocks.ts), or `code`:
 * source code or a structured config file (`.py`, `.yaml`, `.json` …), code from end to end.
 */
export type Syntax = 'markdown' | 'rst' | 'code';

export interface CompressContext {
  /** Exact token counter for the target model (injected by the caller). */
  countTokens: (text: string) => number;
  /** Cross-document boilerplate, built in a pre-pass over the batch (see dedupe.ts). */
  boilerplate?: BoilerplateIndex;
  /** For llm: a cached model call, injected by the engine. */
  condense?: (text: string, model?: string) => Promise<string>;
  /** The document's markup; undefined: guessed from its content. */
  syntax?: Syntax;
}
