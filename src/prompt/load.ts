import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { parseYaml } from '../config/yaml.js';
import { z } from 'zod';
import { LlmbatchError } from '../errors.js';
import { BUILTIN_PROMPTS } from './builtin.js';
import type { PromptTemplate } from './types.js';

const templateSchema = z
  .object({
    name: z.string().min(1).optional(),
    system: z.string().optional(),
    user: z.string(),
    model: z.string().optional(),
    temperature: z.number().min(0).max(2).optional(),
    max_tokens: z.number().int().positive().optional(),
    response_format: z.enum(['json', 'text']).optional(),
  })
  .strict();

export type ConfigPrompt = string | z.input<typeof templateSchema>;
export const promptSchema = z.union([z.string(), templateSchema]);

const TEXT_EXT = new Set(['.txt', '.md', '.prompt', '']);

function fromObject(raw: unknown, fallbackName: string, where: string): PromptTemplate {
  const parsed = templateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.join('.') || '(top level)';
    throw new LlmbatchError('config', `${where}: invalid prompt at "${key}": ${issue.message}`,
      'A prompt file holds {name, system?, user, model?, temperature?, max_tokens?, response_format?: "json"}.');
  }
  const { response_format, ...rest } = parsed.data;
  return { ...rest, name: parsed.data.name ?? fallbackName, ...(response_format === 'json' ? { response_format } : {}) };
}

function fromFile(path: string): PromptTemplate {
  const ext = extname(path).toLowerCase();
  const name = basename(path, extname(path));
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new LlmbatchError('input', `Cannot read prompt file ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
    let raw: unknown;
    try {
      raw = ext === '.json' ? JSON.parse(text) : parseYaml(text);
    } catch (e) {
      throw new LlmbatchError('config', `${path}: not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
    }
    return fromObject(raw, name, path);
  }
  if (!TEXT_EXT.has(ext)) {
    throw new LlmbatchError('usage', `Prompt file ${path} has an unknown extension "${ext}"`,
      'Use .txt, .md or .prompt for a plain user message, .json or .yaml for a full template.');
  }
  if (!text.trim()) throw new LlmbatchError('input', `Prompt file ${path} is empty`);
  return { name, user: text };
}

export interface ResolvePromptOptions {
  configPrompts?: Record<string, ConfigPrompt>;
  cwd?: string;
  /** `--system TEXT|FILE`: overrides the template's system message. */
  system?: string;
}

/** `-p NAME|FILE` → a template. Order: config prompts, built-ins, then a file path. */
export function resolvePrompt(spec: string, opts: ResolvePromptOptions = {}): PromptTemplate {
  const cwd = opts.cwd ?? '.';
  let template: PromptTemplate;
  const fromConfig = opts.configPrompts?.[spec];
  if (fromConfig !== undefined) {
    template = typeof fromConfig === 'string' ? { name: spec, user: fromConfig } : fromObject(fromConfig, spec, `config prompts.${spec}`);
  } else if (BUILTIN_PROMPTS[spec]) {
    template = { ...BUILTIN_PROMPTS[spec] };
  } else {
    const path = resolve(cwd, spec);
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new LlmbatchError('usage', `Unknown prompt "${spec}": not a built-in, not in the config's prompts, and no such file`,
        `Built-ins: ${Object.keys(BUILTIN_PROMPTS).join(', ')}. Or pass a file: -p my-prompt.txt`);
    }
    template = fromFile(path);
  }
  if (opts.system !== undefined) template = { ...template, system: resolveSystem(opts.system, cwd) };
  return template;
}

/** `--system TEXT|FILE`: a path to an existing file is read, anything else is the text itself. */
export function resolveSystem(value: string, cwd = '.'): string {
  const path = resolve(cwd, value);
  if (value.length < 4096 && existsSync(path) && statSync(path).isFile()) return readFileSync(path, 'utf8');
  return value;
}
