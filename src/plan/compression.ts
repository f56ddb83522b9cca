/**
 * Compression as the planning and run stages use it: `--compress LIST` → a TextTransform
 * (document → text to send, with tokens before/after), plus the batch pre-pass that
 * cross-document `dedupe` needs (boilerplate is only boilerplate relative to the batch).
 */
import { extname } from 'node:path';
import {
  BoilerplateIndex, boilerplateInput, DEFAULT_CONDENSE_MODEL, compress, formatCompress, needsBoilerplate, parseCompress, type StrategySpec, type Syntax,
} from '../compress/index.js';
import { logicalName } from '../documents/read.js';
import type { InputItem } from '../documents/types.js';
import type { Encoding } from '../models/types.js';
import { countTokens } from '../tokens/index.js';
import type { TextTransform } from './text.js';

export interface CompressionPlan {
  specs: StrategySpec[];
  label: string;
  /** The models of its `llm` steps, in order (each is a condense call per document). */
  condenseModels: string[];
}

/** What offline counts can run: a list without its `llm` steps (they need a model call). */
export const offlineSpecs = (specs: readonly StrategySpec[]): StrategySpec[] => specs.filter((s) => s.name !== 'llm');

/** The models of a list's `llm` steps, in order (each is a condense call per document). */
export const condenseModelsOf = (specs: readonly StrategySpec[]): string[] =>
  specs.filter((s) => s.name === 'llm').map((s) => s.arg ?? DEFAULT_CONDENSE_MODEL);

/** Source code and structured config. Not `.json`: its records are prose documents with the file's path. */
const CODE_EXTENSIONS = [
  '.py', '.pyi', '.js', '.mjs', '.cjs', '.jsx', '.ts', '.mts', '.cts', '.tsx', '.java', '.kt', '.kts', '.scala', '.groovy', '.gradle',
  '.c', '.h', '.cc', '.cpp', '.cxx', '.hpp', '.hh', '.cs', '.go', '.rs', '.swift', '.m', '.mm', '.rb', '.php', '.pl', '.pm', '.lua',
  '.r', '.jl', '.hs', '.ex', '.exs', '.erl', '.clj', '.dart', '.sh', '.bash', '.zsh', '.fish', '.ps1', '.bat', '.sql', '.proto',
  '.tf', '.nix', '.vue', '.svelte', '.css', '.scss', '.less', '.yaml', '.yml', '.toml', '.ini', '.cfg', '.conf',
  '.xml', '.xsd', '.svg', '.ipynb', '.diff', '.patch',
];
const SYNTAX: Record<string, Syntax> = {
  '.md': 'markdown', '.markdown': 'markdown', '.mdx': 'markdown', '.rst': 'rst', '.rest': 'rst',
  ...Object.fromEntries(CODE_EXTENSIONS.map((e) => [e, 'code' as const])),
};

/**
 * The markup a document's file name declares (`notes.md.gz` is Markdown; `app.py`, `conf.yaml`
 * are code throughout); undefined for other names, records and stdin, whose syntax compression
 * guesses from the content.
 */
export const syntaxOf = (path: string): Syntax | undefined => SYNTAX[extname(logicalName(path)).toLowerCase()];

export function compressionPlan(list: string): CompressionPlan {
  const specs = parseCompress(list);
  return { specs, label: formatCompress(specs), condenseModels: condenseModelsOf(specs) };
}

/**
 * The pre-pass over the batch for cross-document dedupe: one read of the inputs builds an index
 * for every spec list that has `dedupe` (undefined for the others).
 */
export async function buildBoilerplates(lists: readonly StrategySpec[][], items: AsyncIterable<InputItem>, encoding: Encoding): Promise<(BoilerplateIndex | undefined)[]> {
  const indexes = lists.map((specs) => (needsBoilerplate(specs) ? new BoilerplateIndex() : undefined));
  if (indexes.every((i) => i === undefined)) return indexes;
  const count = (t: string) => countTokens(t, encoding);
  for await (const item of items) {
    if (item.kind !== 'document') continue;
    const { text, path } = item.document;
    const ctx = { countTokens: count, syntax: syntaxOf(path) };
    lists.forEach((specs, i) => indexes[i]?.add(boilerplateInput(text, specs, ctx) ?? text, ctx.syntax));
  }
  for (const index of indexes) index?.finalize();
  return indexes;
}

/** The pre-pass for one compression setting; undefined when it has no dedupe. */
export async function boilerplateFor(specs: StrategySpec[], items: AsyncIterable<InputItem>, encoding: Encoding): Promise<BoilerplateIndex | undefined> {
  return (await buildBoilerplates([specs], items, encoding))[0];
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
    const text = await compress(doc.text, opts.specs, { countTokens: count, boilerplate: opts.boilerplate, condense: helpers?.condense, syntax: syntaxOf(doc.path) });
    return { text, tokensBefore: count(doc.text), tokensAfter: count(text) };
  };
}

export interface PreparedCompression extends CompressionPlan {
  /** What a run sends (llm steps through the engine's condense call). */
  transform?: TextTransform;
  /** What offline counts see: the same without llm steps, which need a model. */
  offlineTransform?: TextTransform;
  /** True when offline counts leave out an llm step (say so: they are an upper bound). */
  offlineSkipsLlm: boolean;
}

/** One `--compress` setting made ready: parsed, its boilerplate pre-pass done, both transforms. */
export async function prepareCompression(list: string, items: () => AsyncIterable<InputItem>, encoding: Encoding): Promise<PreparedCompression> {
  const plan = compressionPlan(list);
  const offline = offlineSpecs(plan.specs);
  // boilerplateInput() already leaves llm steps out, so one index serves both transforms.
  const boilerplate = await boilerplateFor(plan.specs, items(), encoding);
  return {
    ...plan,
    transform: makeTransform({ specs: plan.specs, encoding, boilerplate }),
    offlineTransform: makeTransform({ specs: offline, encoding, boilerplate }),
    offlineSkipsLlm: offline.length < plan.specs.length,
  };
}
