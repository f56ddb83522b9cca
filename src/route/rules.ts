/**
 * Routing rules (SPEC §6): ordered, first match wins; a rule's `when` conditions must all
 * hold; `--model` is the rule of last resort. Pure: compile once (validating regexes and
 * globs, with errors that name the rule), then `chooseRoute` per document.
 */
import picomatch from 'picomatch';
import type { RouteRule } from '../config/index.js';
import { LlmbatchError } from '../errors.js';

export interface Escalation {
  to: string;
  if: { kind: 'invalid-json' } | { kind: 'empty' } | { kind: 'shorter-than'; chars: number };
}

export interface CompiledRule {
  index: number;
  rule: RouteRule;
  test: (input: RouteInput) => boolean;
  escalate?: Escalation;
}

export interface RouteInput {
  /** Document tokens after compression. */
  tokens: number;
  path: string;
  text: string;
  prompt: string;
}

export interface RouteChoice {
  model: string;
  /** 1-based rule number, or null for the default model. */
  rule: number | null;
  reason: string;
  fallback: string[];
  escalate?: Escalation;
}

function describe(rule: RouteRule): string {
  const w = rule.when ?? {};
  const parts: string[] = [];
  if (w.minTokens !== undefined) parts.push(`tokens ≥ ${w.minTokens}`);
  if (w.maxTokens !== undefined) parts.push(`tokens ≤ ${w.maxTokens}`);
  if (w.path !== undefined) parts.push(`path ${w.path}`);
  if (w.match !== undefined) parts.push(`matches /${w.match}/`);
  if (w.prompt !== undefined) parts.push(`prompt ${w.prompt}`);
  return parts.length ? parts.join(', ') : 'always';
}

export function parseEscalate(spec: string, where: string): Escalation['if'] {
  if (spec === 'invalid-json') return { kind: 'invalid-json' };
  if (spec === 'empty') return { kind: 'empty' };
  const m = /^shorter-than:(\d+)$/.exec(spec);
  if (m) return { kind: 'shorter-than', chars: Number(m[1]) };
  throw new LlmbatchError('config', `${where}: escalate.if "${spec}" is not invalid-json, empty or shorter-than:N`);
}

export function compileRoutes(rules: readonly RouteRule[], source = 'routes'): CompiledRule[] {
  return rules.map((rule, i) => {
    const where = `${source}: rule ${i + 1}`;
    const w = rule.when ?? {};
    let re: RegExp | undefined;
    if (w.match !== undefined) {
      try {
        re = new RegExp(w.match, 'm');
      } catch (e) {
        throw new LlmbatchError('config', `${where}: "match" is not a valid regular expression: ${(e as Error).message}`);
      }
    }
    const glob = w.path !== undefined ? picomatch(w.path, { dot: true }) : undefined;
    if (w.minTokens !== undefined && w.maxTokens !== undefined && w.minTokens > w.maxTokens) {
      throw new LlmbatchError('config', `${where}: minTokens (${w.minTokens}) is above maxTokens (${w.maxTokens})`);
    }
    const test = (d: RouteInput) =>
      (w.minTokens === undefined || d.tokens >= w.minTokens) &&
      (w.maxTokens === undefined || d.tokens <= w.maxTokens) &&
      (glob === undefined || glob(d.path)) &&
      (re === undefined || re.test(d.text)) &&
      (w.prompt === undefined || w.prompt === d.prompt);
    const escalate = rule.escalate ? { to: rule.escalate.to, if: parseEscalate(rule.escalate.if, where) } : undefined;
    return { index: i, rule, test, escalate };
  });
}

export function chooseRoute(rules: readonly CompiledRule[], input: RouteInput, defaultModel: string): RouteChoice {
  for (const r of rules) {
    if (r.test(input)) {
      return { model: r.rule.model, rule: r.index + 1, reason: `rule ${r.index + 1} (${describe(r.rule)})`, fallback: r.rule.fallback ?? [], escalate: r.escalate };
    }
  }
  return { model: defaultModel, rule: null, reason: rules.length ? 'no rule matched: --model' : '--model', fallback: [] };
}

/** Does an answer call for the cascade's stronger model? */
export function shouldEscalate(cond: Escalation['if'], output: string): boolean {
  if (cond.kind === 'empty') return output.trim() === '';
  if (cond.kind === 'shorter-than') return output.trim().length < cond.chars;
  try {
    JSON.parse(stripFence(output));
    return false;
  } catch {
    return true;
  }
}

/** Models often wrap JSON in a ```json fence; that is still valid JSON to a user. */
function stripFence(s: string): string {
  const m = /^\s*```(?:json)?\s*\n([\s\S]*?)\n\s*```\s*$/.exec(s);
  return m ? m[1] : s;
}

/** Whether any rule tests a token count (otherwise documents need not be counted to route). */
export function routesCountTokens(rules: readonly CompiledRule[]): boolean {
  return rules.some((r) => r.rule.when?.minTokens !== undefined || r.rule.when?.maxTokens !== undefined);
}
