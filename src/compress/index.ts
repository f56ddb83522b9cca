/**
 * The compression stage (SPEC §5): `--compress LIST` parsed into specs, applied in order to a
 * document's text. Every strategy is a pure text → text function; only `llm` is asynchronous,
 * because it calls a model through `ctx.condense`.
 */
import { LlmbatchError } from '../errors.js';
import { dedupe } from './dedupe.js';
import { DEFAULT_RATIO, extractive } from './extractive.js';
import { DEFAULT_CONDENSE_MODEL, llmCondense } from './llm.js';
import { markup } from './markup.js';
import type { CompressContext, StrategyName, StrategySpec } from './types.js';
import { whitespace } from './whitespace.js';

export type { CompressContext, StrategyName, StrategySpec, Syntax } from './types.js';
export { whitespace } from './whitespace.js';
export {
  BoilerplateIndex, buildBoilerplateIndex, dedupe, BOILERPLATE_SHARE, MIN_BOILERPLATE_CHARS,
  MIN_BOILERPLATE_DOCS, MIN_REPEAT_CHARS,
} from './dedupe.js';
export { markup } from './markup.js';
export { DEFAULT_RATIO, extractive } from './extractive.js';
export { CONDENSE_PROMPT, DEFAULT_CONDENSE_MODEL, llmCondense } from './llm.js';
export { retention, visibleText, type Retention } from './retention.js';

const NAMES: readonly StrategyName[] = ['whitespace', 'dedupe', 'markup', 'extractive', 'llm'];
const HINT = 'Use one of: whitespace, dedupe, markup, extractive[:R], llm[:MODEL], or none';

function parseRatio(arg: string): string {
  const r = Number(arg);
  const ok = arg.trim() !== '' && Number.isFinite(r) && r > 0 && (r <= 1 || Number.isInteger(r));
  if (!ok) {
    throw new LlmbatchError(
      'usage',
      `Bad extractive ratio "${arg}"`,
      'Give a ratio in (0, 1], like extractive:0.4, or a whole number of tokens, like extractive:800',
    );
  }
  return String(r);
}

export function parseCompress(list: string): StrategySpec[] {
  const items = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 0 || (items.length === 1 && items[0].toLowerCase() === 'none')) return [];
  return items.map((item): StrategySpec => {
    const colon = item.indexOf(':');
    const name = (colon < 0 ? item : item.slice(0, colon)).trim().toLowerCase();
    const arg = colon < 0 ? undefined : item.slice(colon + 1).trim();
    if (name === 'none') {
      throw new LlmbatchError('usage', `"none" cannot be combined with other compression strategies`, HINT);
    }
    if (!(NAMES as readonly string[]).includes(name)) {
      throw new LlmbatchError('usage', `Unknown compression strategy "${name}"`, HINT);
    }
    const strategy = name as StrategyName;
    if (arg === undefined) return { name: strategy };
    if (strategy === 'extractive') return { name: strategy, arg: parseRatio(arg) };
    if (strategy === 'llm' && arg !== '') return { name: strategy, arg };
    throw new LlmbatchError('usage', `Compression strategy "${name}" takes no argument ("${item}")`, HINT);
  });
}

/** Canonical label, defaults spelled out: 'none' or 'whitespace+dedupe+extractive:0.4'. */
export function formatCompress(specs: readonly StrategySpec[]): string {
  if (specs.length === 0) return 'none';
  return specs.map((s) => {
    if (s.name === 'extractive') return `extractive:${s.arg ?? DEFAULT_RATIO}`;
    if (s.name === 'llm') return `llm:${s.arg ?? DEFAULT_CONDENSE_MODEL}`;
    return s.name;
  }).join('+');
}

function applySync(text: string, spec: StrategySpec, ctx: CompressContext): string {
  switch (spec.name) {
    case 'whitespace':
      return whitespace(text, ctx.syntax);
    case 'dedupe':
      return dedupe(text, ctx.boilerplate, ctx.syntax);
    case 'markup':
      return markup(text, ctx.syntax);
    case 'extractive':
      return extractive(text, spec.arg === undefined ? DEFAULT_RATIO : Number(spec.arg), ctx);
    case 'llm':
      throw new LlmbatchError(
        'not-available',
        'The llm compression strategy calls a model, so it cannot run synchronously',
        'Use compress() instead of compressSync()',
      );
  }
}

export async function compress(text: string, specs: readonly StrategySpec[], ctx: CompressContext): Promise<string> {
  let out = text;
  for (const spec of specs) {
    out = spec.name === 'llm' ? await llmCondense(out, spec.arg, ctx) : applySync(out, spec, ctx);
  }
  return out;
}

export function compressSync(text: string, specs: readonly StrategySpec[], ctx: CompressContext): string {
  if (specs.some((s) => s.name === 'llm')) applySync(text, { name: 'llm' }, ctx);
  let out = text;
  for (const spec of specs) out = applySync(out, spec, ctx);
  return out;
}

export const needsBoilerplate = (specs: readonly StrategySpec[]): boolean => specs.some((s) => s.name === 'dedupe');

/**
 * The text to feed BoilerplateIndex.add() in the pre-pass: the document as the first `dedupe`
 * will see it, i.e. after the local strategies before it (an `llm` step before it is skipped:
 * the pre-pass makes no model calls). Undefined when the specs have no dedupe.
 */
export function boilerplateInput(text: string, specs: readonly StrategySpec[], ctx: CompressContext): string | undefined {
  const at = specs.findIndex((s) => s.name === 'dedupe');
  if (at < 0) return undefined;
  let out = text;
  for (const spec of specs.slice(0, at)) if (spec.name !== 'llm') out = applySync(out, spec, ctx);
  return out;
}
