/**
 * Compression as the planning and run stages use it: `--compress LIST` → a TextTransform
 * (document → text to send, with tokens before/after), plus the batch pre-pass that
 * cross-document `dedupe` needs (boilerplate is only boilerplate relative to the batch).
 */
import {
  BoilerplateIndex, boilerplateInput, compress, formatCompress, needsBoilerplate, parseCompress, type StrategySpec,
} from '../compress/index.js';
import type { InputItem } from '../documents/types.js';
import type { Encoding } from '../models/types.js';
import { countTokens } from '../tokens/index.js';
import type { TextTransform } from './text.js';

export interface CompressionPlan {
  specs: StrategySpec[];
  label: string;
}

export function compressionPlan(list: string): CompressionPlan {
  const specs = parseCompress(list);
  return { specs, label: formatCompress(specs) };
}

/** The pre-pass over the batch for cross-document dedupe; undefined when no dedupe is asked. */
export async function boilerplateFor(specs: StrategySpec[], items: AsyncIterable<InputItem>, encoding: Encoding): Promise<BoilerplateIndex | undefined> {
  if (!needsBoilerplate(specs)) return undefined;
  const index = new BoilerplateIndex();
  const ctx = { countTokens: (t: string) => countTokens(t, encoding) };
  let docs = 0;
  for await (const item of items) {
    if (item.kind !== 'document') continue;
    docs++;
    index.add(boilerplateInput(item.document.text, specs, ctx) ?? item.document.text);
  }
  index.finalize(docs);
  return index;
}

export interface TransformOptions {
  specs: StrategySpec[];
  encoding: Encoding;
  boilerplate?: BoilerplateIndex;
}

/** Identity (no counting) when there is nothing to do. */
export function makeTransform(opts: TransformOptions): TextTransform | undefined {
  if (opts.specs.length === 0) return undefined;
  const count = (t: string) => countTokens(t, opts.encoding);
  return async (doc, helpers) => {
    const text = await compress(doc.text, opts.specs, { countTokens: count, boilerplate: opts.boilerplate, condense: helpers?.condense });
    return { text, tokensBefore: count(doc.text), tokensAfter: count(text) };
  };
}
