/**
 * `compare` variants: the cross product prompts × models × compression settings (SPEC §10),
 * their names, the baseline, and the one place compression plugs into compare (the offline
 * count and the live run's TextTransform).
 *
 * Cross-document dedupe needs to have seen the whole batch before it can call a paragraph
 * boilerplate, so settings with `dedupe` get a BoilerplateIndex from one pre-pass over the
 * inputs (read only; nothing is tokenized) shared by every variant using that setting.
 */
import { BoilerplateIndex, compressSync, formatCompress, parseCompress, type StrategySpec } from '../compress/index.js';
import type { Document, InputItem } from '../documents/types.js';
import { LlmbatchError } from '../errors.js';
import type { Encoding } from '../models/types.js';
import type { PromptTemplate } from '../prompt/index.js';
import { variantName } from '../report/compare.js';
import { countTokens } from '../tokens/index.js';
import { buildBoilerplates, makeTransform as makeRunTransform, offlineSpecs, syntaxOf } from './compression.js';
import type { TextTransform } from './text.js';
import type { CompiledRule } from '../route/index.js';

export interface CompressionSetting {
  /** Canonical label: 'none', 'whitespace+dedupe', 'extractive:0.5'. */
  label: string;
  specs: StrategySpec[];
  /** Built by `prepareBoilerplate` when the setting has `dedupe`. */
  boilerplate?: BoilerplateIndex;
}

/** The model name of a variant whose documents go where the routing rules send them. */
export const ROUTED = 'routes';

export interface VariantSpec {
  name: string;
  prompt: PromptTemplate;
  /** A model name, or ROUTED. */
  model: string;
  compress: CompressionSetting;
  /** ROUTED variants: the rules, and the model of last resort. */
  routes?: CompiledRule[];
  defaultModel?: string;
}

export interface VariantInput {
  prompts: PromptTemplate[];
  models: string[];
  /** One entry per compression setting: a comma list or 'none'. */
  compress: string[];
  /** No model was chosen: a prompt file's own `model` applies to its variants (as in `run`). */
  promptModels?: boolean;
  /** Routing rules (--route or config): one more variant per prompt × compression, `prompt@routes`. */
  routes?: CompiledRule[];
}

export function compressionSettings(list: readonly string[]): CompressionSetting[] {
  const out = new Map<string, CompressionSetting>();
  for (const entry of list.length ? list : ['none']) {
    const specs = parseCompress(entry);
    const label = formatCompress(specs);
    if (!out.has(label)) out.set(label, { label, specs });
  }
  return [...out.values()];
}

/** Prompts × models × compression, in that nesting: the first is the default baseline. */
export function buildVariants(input: VariantInput): VariantSpec[] {
  if (input.prompts.length === 0) throw new LlmbatchError('usage', 'compare needs at least one prompt', 'Pass -p NAME|FILE (repeatable).');
  const settings = compressionSettings(input.compress);
  const variants: VariantSpec[] = [];
  const seen = new Map<string, VariantSpec>();
  for (const prompt of input.prompts) {
    const models = input.promptModels && prompt.model ? [prompt.model] : input.models;
    const routed = input.routes?.length ? [ROUTED] : [];
    for (const model of [...new Set(models), ...routed]) {
      for (const compress of settings) {
        const name = variantName(prompt.name, model, compress.label);
        const twin = seen.get(name);
        if (twin) {
          if (twin.prompt === prompt) continue; // the same -p given twice
          throw new LlmbatchError('usage', `Two prompts are both named "${prompt.name}", so their variants cannot be told apart`,
            'Rename one file, or give it a "name" in a .json/.yaml prompt file.');
        }
        const v: VariantSpec = model === ROUTED ? { name, prompt, model, compress, routes: input.routes, defaultModel: models[0] } : { name, prompt, model, compress };
        seen.set(name, v);
        variants.push(v);
      }
    }
  }
  return variants;
}

/**
 * The baseline's name: `requested` when it names a variant, else the first variant. `label`:
 * where the requested name came from, for the error (`--baseline`, or the config file and key).
 */
export function resolveBaseline(variants: readonly VariantSpec[], requested?: string, label = '--baseline'): string {
  if (!requested) return variants[0].name;
  if (variants.some((v) => v.name === requested)) return requested;
  throw new LlmbatchError('usage', `${label} "${requested}" is not one of the variants`, `Pick one of: ${variants.map((v) => v.name).join(', ')}`);
}

const hasLlm = (s: CompressionSetting) => s.specs.some((x) => x.name === 'llm');

/** Whether the compressed text depends on the tokenizer (extractive budgets count tokens). */
export const dependsOnEncoding = (s: CompressionSetting) => s.specs.some((x) => x.name === 'extractive');

/** One pass over the inputs to find cross-document boilerplate, for every setting with dedupe. */
export async function prepareBoilerplate(settings: CompressionSetting[], items: AsyncIterable<InputItem>, encoding: Encoding): Promise<void> {
  const indexes = await buildBoilerplates(settings.map((s) => s.specs), items, encoding);
  settings.forEach((s, i) => (s.boilerplate = indexes[i]));
}

/**
 * The text an offline count sees. `llm` steps call a model, so offline they are left out and
 * the text they would have condensed is counted as it is (`offlineNote` says so).
 */
export function compressOffline(doc: Document, setting: CompressionSetting, encoding: Encoding): string {
  if (setting.specs.length === 0) return doc.text;
  const specs = offlineSpecs(setting.specs);
  return compressSync(doc.text, specs, { countTokens: (t) => countTokens(t, encoding), boilerplate: setting.boilerplate, syntax: syntaxOf(doc.path) });
}

export function offlineNote(variants: readonly VariantSpec[]): string | null {
  const llm = variants.filter((v) => hasLlm(v.compress)).map((v) => v.name);
  if (llm.length === 0) return null;
  return `llm compression calls a model, so it is not run offline: for ${llm.join(', ')} the document is counted without that step (use --live to measure it)`;
}

/**
 * The live run's TextTransform for one compression setting; undefined (identity) for 'none'.
 * The same transform `run` uses; `llm` steps go through the engine's condense call (cached,
 * its cost counted in the document's record).
 */
export function makeTransform(setting: CompressionSetting, encoding: Encoding): TextTransform | undefined {
  return makeRunTransform({ specs: setting.specs, encoding, boilerplate: setting.boilerplate });
}

/** What `--budget` plans with (as `run`): the transform without `llm` steps, whose calls are priced apart. */
export function makeOfflineTransform(setting: CompressionSetting, encoding: Encoding): TextTransform | undefined {
  return makeRunTransform({ specs: offlineSpecs(setting.specs), encoding, boilerplate: setting.boilerplate });
}
