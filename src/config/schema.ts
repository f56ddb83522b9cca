/**
 * The config file's schema (SPEC §13). Any run/compare option by its long flag name in
 * camelCase, plus `models`, `routes` and `prompts`. Strict: an unknown key is an error that
 * names it (a typo must not be silently ignored).
 */
import { z } from 'zod';
import { promptSchema } from '../prompt/load.js';

const encoding = z.enum(['o200k_base', 'cl100k_base']);
const price = z.number().min(0).nullable();

export const modelOverrideSchema = z
  .object({
    provider: z.string().optional(),
    input: price.optional(),
    output: price.optional(),
    cached_input: price.optional(),
    batch_discount: z.number().min(0).max(1).optional(),
    context: z.number().int().positive().optional(),
    max_output: z.number().int().positive().optional(),
    encoding: encoding.optional(),
    exact: z.boolean().optional(),
    checked: z.string().optional(),
    aliases: z.array(z.string()).optional(),
  })
  .strict();

const escalateSchema = z
  .object({
    to: z.string().min(1),
    if: z.string().regex(/^(invalid-json|empty|shorter-than:\d+)$/, 'must be invalid-json, empty or shorter-than:N'),
  })
  .strict();

export const routeRuleSchema = z
  .object({
    when: z
      .object({
        minTokens: z.number().int().nonnegative().optional(),
        maxTokens: z.number().int().positive().optional(),
        path: z.string().optional(),
        match: z.string().optional(),
        prompt: z.string().optional(),
      })
      .strict()
      .optional(),
    model: z.string().min(1),
    fallback: z.array(z.string().min(1)).optional(),
    escalate: escalateSchema.optional(),
  })
  .strict();

export const routesSchema = z.array(routeRuleSchema);

const stringList = z.union([z.string(), z.array(z.string())]);

export const configSchema = z
  .object({
    model: stringList.optional(),
    prompt: stringList.optional(),
    system: z.string().optional(),
    baseUrl: z.string().url().optional(),
    apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).optional(),
    temperature: z.number().min(0).max(2).optional(),
    maxOutputTokens: z.number().int().positive().optional(),
    compress: stringList.optional(),
    route: z.string().optional(),
    concurrency: z.number().int().positive().max(10_000).optional(),
    rpm: z.number().positive().optional(),
    tpm: z.number().positive().optional(),
    retries: z.number().int().min(0).max(100).optional(),
    timeout: z.number().positive().optional(),
    budget: z.number().positive().optional(),
    grace: z.number().min(0).optional(),
    cache: z.union([z.string(), z.boolean()]).optional(),
    cacheTtl: z.string().optional(),
    include: stringList.optional(),
    exclude: stringList.optional(),
    textField: z.string().optional(),
    idField: z.string().optional(),
    format: z.string().optional(),
    fillRatio: z.number().gt(0).max(1).optional(),
    maxCost: z.number().nonnegative().optional(),
    maxIncrease: z.number().optional(),
    baseline: z.string().optional(),
    queue: z.string().optional(),
    metrics: z.string().optional(),
    out: z.string().optional(),
    report: z.string().optional(),
    models: z.record(z.string(), modelOverrideSchema).optional(),
    routes: routesSchema.optional(),
    prompts: z.record(z.string(), promptSchema).optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof configSchema>;
export type RouteRule = z.infer<typeof routeRuleSchema>;
export type ModelOverride = z.infer<typeof modelOverrideSchema>;

/** "where: key: message" for the first problem, naming the key as a path. */
export function describeIssue(error: z.ZodError): { key: string; message: string } {
  const issue = error.issues[0];
  let key = issue.path.map(String).join('.');
  // Several unknown keys are listed side by side (`"top", "byFile"`), not joined as one nested key.
  if (issue.code === 'unrecognized_keys') key = issue.keys.map((k) => [...issue.path.map(String), k].join('.')).join('", "');
  return { key: key || '(top level)', message: issue.message };
}
