import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { parseYaml, yamlErrorMessage } from '../config/yaml.js';
import { z } from 'zod';
import { LlmbatchError } from '../errors.js';
import { BUILTIN_PROMPTS } from './builtin.js';
import { unknownPlaceholders } from './render.js';
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
      throw new LlmbatchError('config', ext === '.json' ? `${path}: not valid JSON: ${(e as Error).message.split('\n')[0]}` : yamlErrorMessage(path, text, e));
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
  /** The config file the prompts came from, to name it in errors. */
  configPath?: string | null;
  cwd?: string;
  /** `--system TEXT|FILE`: overrides the template's system message. */
  system?: string;
}

/** `-p NAME|FILE` → a template. Order: config prompts, built-ins, then a file path. */
export function resolvePrompt(spec: string, opts: ResolvePromptOptions = {}): PromptTemplate {
  const cwd = opts.cwd ?? '.';
  let template: PromptTemplate;
  // Where the template's text came from, for the placeholder check's message.
  let where: string;
  const fromConfig = opts.configPrompts?.[spec];
  if (fromConfig !== undefined) {
    where = opts.configPath ? `prompts.${spec} of ${opts.configPath}` : `the config's prompts.${spec}`;
    template = typeof fromConfig === 'string' ? { name: spec, user: fromConfig } : fromObject(fromConfig, spec, `config prompts.${spec}`);
  } else if (BUILTIN_PROMPTS[spec]) {
    where = `the built-in prompt ${spec}`;
    template = { ...BUILTIN_PROMPTS[spec] };
  } else {
    const path = resolve(cwd, spec);
    if (!existsSync(path) || !statSync(path).isFile()) {
      throw new LlmbatchError('usage', `Unknown prompt "${spec}": not a built-in, not in the config's prompts, and no such file`,
        `Built-ins: ${Object.keys(BUILTIN_PROMPTS).join(', ')}. Or pass a file: -p my-prompt.txt`);
    }
    where = path;
    template = fromFile(path);
  }
  checkPlaceholders(template.user, where);
  if (opts.system !== undefined) {
    const system = readSystem(opts.system, cwd);
    checkPlaceholders(system.text, system.file ? `the --system file ${system.file}` : 'the --system text');
    template = { ...template, system: system.text };
  } else if (template.system !== undefined) {
    checkPlaceholders(template.system, `the system message of ${where}`);
  }
  return template;
}

const KNOWN_PLACEHOLDERS = ['document', 'id', 'path'];

/**
 * A placeholder the renderer does not know would be sent as it is, on every document: a typo
 * (`{{documnet}}`) or a record field without its prefix (`{{title}}`) is refused before anything
 * is sent. `{{field.NAME}}` for a field a record lacks is another matter: it renders empty.
 */
function checkPlaceholders(text: string, where: string): void {
  const unknown = unknownPlaceholders(text);
  if (unknown.length === 0) return;
  const listed = unknown.map((n) => `{{${n}}}`).join(', ');
  const close = KNOWN_PLACEHOLDERS.find((k) => unknown.some((n) => closeTo(n.toLowerCase(), k)));
  const field = unknown.find((n) => !n.includes('.') && n !== 'field');
  const suggestion = close ? `Did you mean {{${close}}}? ` : field ? `A record's field is {{field.${field}}}. ` : '';
  throw new LlmbatchError('config', `Unknown placeholder${unknown.length > 1 ? 's' : ''} ${listed} in ${where}`,
    `${suggestion}Placeholders are {{document}}, {{id}}, {{path}} and {{field.NAME}}. Nothing was sent.`);
}

/** A typo of `known` (case aside: one edit for a short name, two for a long one) or a short form of it (`doc`). */
function closeTo(name: string, known: string): boolean {
  if (name.length >= 3 && known.startsWith(name)) return true;
  return editDistance(name, known) <= (known.length > 4 ? 2 : 1);
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** `--system TEXT|FILE`: a path to an existing file is read, anything else is the text itself. */
export function resolveSystem(value: string, cwd = '.'): string {
  return readSystem(value, cwd).text;
}

function readSystem(value: string, cwd: string): { text: string; file?: string } {
  const path = resolve(cwd, value);
  if (value.length < 4096 && existsSync(path) && statSync(path).isFile()) return { text: readFileSync(path, 'utf8'), file: path };
  return { text: value };
}
