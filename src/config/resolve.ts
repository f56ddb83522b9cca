/**
 * The one reader of the environment and of config files. Precedence: flags > environment >
 * config file > built-in defaults (SPEC §13). Returns one frozen object; nothing downstream
 * reads process.env or a config file again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseYaml, yamlErrorMessage } from './yaml.js';
import { isRedisUrl } from './paths.js';
import { LlmbatchError } from '../errors.js';
import type { ConfigPrompt } from '../prompt/load.js';
import { parseCompress } from '../compress/index.js';
import { configSchema, describeIssue, routesSchema, type ConfigFile, type ModelOverride, type RouteRule } from './schema.js';
import { defaultCachePath, ledgerPathFor } from './paths.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** Flags as commander hands them over (camelCase long names; unset flags are undefined). */
export type Flags = Readonly<Record<string, unknown>>;

export interface Settings {
  cwd: string;
  configPath: string | null;
  models: string[];
  /** True when no flag or config chose the model (a prompt file's `model` may then apply). */
  modelIsDefault: boolean;
  prompts: string[];
  system?: string;
  baseUrl: string;
  /** Never printed, cached or recorded. */
  apiKey?: string;
  apiKeyEnv: string;
  temperature?: number;
  maxOutputTokens?: number;
  /** Each entry is one compression setting (a comma list, or 'none'). */
  compress: string[];
  routes?: RouteRule[];
  routeSource?: string;
  concurrency: number;
  rpm?: number;
  tpm?: number;
  retries: number;
  timeoutMs: number;
  budget?: number;
  graceMs: number;
  dryRun: boolean;
  cache: string | false;
  /** Where `cache` came from, for messages about it. */
  cacheFrom: 'flag' | 'env' | 'config' | 'default';
  cacheTtlMs?: number;
  ledgerPath: string;
  include: string[];
  exclude: string[];
  textField?: string;
  idField?: string;
  format?: string;
  fillRatio: number;
  maxCost?: number;
  maxIncrease?: number;
  baseline?: string;
  queue?: string;
  metrics?: string;
  out?: string;
  report?: string;
  modelOverrides: Record<string, ModelOverride>;
  configPrompts: Record<string, ConfigPrompt>;
}

export const DEFAULTS = {
  model: 'gpt-4o-mini',
  baseUrl: 'https://api.openai.com/v1',
  apiKeyEnv: 'OPENAI_API_KEY',
  concurrency: 8,
  retries: 6,
  timeout: 120,
  grace: 10,
  fillRatio: 0.35,
} as const;

const CONFIG_NAMES = ['llmbatch.config.json', 'llmbatch.config.yaml', 'llmbatch.config.yml'];

function parseFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new LlmbatchError('config', `Cannot read config file ${path}: ${(e as NodeJS.ErrnoException).code ?? e}`);
  }
  const json = path.endsWith('.json');
  try {
    return json ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    const message = json ? `${path}: not valid JSON: ${(e as Error).message.split('\n')[0]}` : yamlErrorMessage(path, text, e);
    throw new LlmbatchError('config', message, 'Fix the syntax, or pass --config with another file.');
  }
}

export function loadConfigFile(explicit: string | undefined, cwd: string): { path: string | null; config: ConfigFile } {
  let path: string | null = null;
  if (explicit) {
    path = resolve(cwd, explicit);
    if (!existsSync(path)) throw new LlmbatchError('config', `Config file not found: ${explicit}`, 'Check the --config path.');
  } else {
    const found = CONFIG_NAMES.map((n) => resolve(cwd, n)).filter((p) => existsSync(p));
    if (found.length > 1) {
      throw new LlmbatchError('config', `Two config files in ${cwd}: ${found.map((p) => basename(p)).join(' and ')}`, 'Keep one, or choose with --config FILE.');
    }
    path = found[0] ?? null;
  }
  if (!path) return { path: null, config: {} };
  const raw = parseFile(path) ?? {};
  for (const [key, use] of Object.entries(FLAG_ONLY)) {
    if (raw && typeof raw === 'object' && key in raw) throw new LlmbatchError('config', `${path}: "${key}" is not a setting`, use);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const { key, message } = describeIssue(parsed.error);
    // Rules are counted from 1 and named the same way as in a route file.
    const where = key.startsWith('routes.') ? `routes: ${ruleLabel(key.slice('routes.'.length))}` : `"${key}"`;
    throw new LlmbatchError('config', `${path}: ${where}: ${message}`, 'See the configuration section of the README for the valid keys.');
  }
  return { path, config: parsed.data };
}

/**
 * Switches that change what a command does are flags only: a config file must not turn every
 * run into a dry run, or make every compare send requests (and spend money) in CI.
 */
const FLAG_ONLY: Record<string, string> = {
  dryRun: 'A config file cannot make runs dry runs: pass --dry-run on the command line.',
  live: 'A config file cannot make compare send requests: pass --live on the command line.',
  noCache: 'Use "cache: false" to turn the cache off, or pass --no-cache.',
};

/** "rule 2 (when.maxTokens)" for the schema path "1.when.maxTokens" of a rules list. */
function ruleLabel(key: string): string {
  const [index, ...rest] = key.split('.');
  if (!/^\d+$/.test(index)) return key;
  return `rule ${Number(index) + 1}${rest.length ? ` (${rest.join('.')})` : ''}`;
}

export function loadRouteFile(file: string, cwd: string): RouteRule[] {
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new LlmbatchError('config', `Route file not found: ${file}`);
  const raw = parseFile(path) as { routes?: unknown } | null;
  const parsed = routesSchema.safeParse(raw && typeof raw === 'object' && 'routes' in raw ? raw.routes : undefined);
  if (!parsed.success) {
    const { key, message } = describeIssue(parsed.error);
    throw new LlmbatchError('config', `${path}: routes: ${ruleLabel(key)}: ${message}`, 'A route file holds a top-level "routes:" list of {when?, model, fallback?, escalate?}.');
  }
  return parsed.data;
}

const list = (v: unknown): string[] | undefined =>
  v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(',')).map((s) => s.trim()).filter(Boolean);

/** Repeatable options whose values are themselves comma lists (compress settings). */
const settings = (v: unknown): string[] | undefined => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).map(String));

function num(v: unknown, flag: string, opts: { int?: boolean; min?: number; max?: number; above?: boolean } = {}): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : Number(String(v).replace(/^\$/, ''));
  const min = opts.min ?? 0;
  const max = opts.max ?? Infinity;
  if (!Number.isFinite(n) || (opts.int && !Number.isInteger(n)) || n < min || (opts.above && n === min) || n > max) {
    const range = `${opts.above ? '>' : '≥'} ${min}${max < Infinity ? ` and ≤ ${max}` : ''}`;
    throw new LlmbatchError('usage', `--${flag.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} must be ${opts.int ? 'an integer' : 'a number'} ${range}, got "${v}"`);
  }
  return n;
}

const UNITS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };
export function parseDuration(v: string, what = 'duration'): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(v.trim());
  if (!m) throw new LlmbatchError('usage', `Invalid ${what} "${v}"`, 'Use a number and a unit: 90s, 30m, 12h, 7d, 2w.');
  return Number(m[1]) * UNITS[m[2]];
}

const pick = <T>(...vals: (T | undefined)[]): T | undefined => vals.find((v) => v !== undefined);

/** `-m a,b`: each model once; an empty list (`-m ,`) is a usage error, not a crash later. */
function modelList(models: string[]): string[] {
  if (models.length === 0) throw new LlmbatchError('usage', 'No model given: the model list is empty', 'Name one or more, e.g. -m gpt-4o-mini or -m gpt-4o-mini,gpt-4.1 (llmbatch models lists them).');
  return [...new Set(models)];
}

export function resolveSettings(flags: Flags, env: Env, cwd: string): Readonly<Settings> {
  const { path: configPath, config } = loadConfigFile(flags.config as string | undefined, cwd);
  const apiKeyEnv = (flags.apiKeyEnv as string | undefined) ?? config.apiKeyEnv ?? DEFAULTS.apiKeyEnv;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(apiKeyEnv)) {
    // Never echo the value: a key pasted here by mistake must not be printed.
    throw new LlmbatchError('usage', '--api-key-env must be the NAME of an environment variable (letters, digits, _)', 'e.g. --api-key-env GROQ_API_KEY, with the key itself in that variable');
  }
  const cacheFlag = flags.cache as string | boolean | undefined;
  // Relative paths in a config file are relative to that file, not to the working folder.
  const configDir = configPath ? dirname(configPath) : cwd;
  const cacheSetting = pick<string | boolean>(cacheFlag, env.LLMBATCH_CACHE, config.cache);
  const cacheBase = cacheFlag === undefined && env.LLMBATCH_CACHE === undefined ? configDir : cwd;
  const cacheFrom = typeof cacheSetting !== 'string' || cacheSetting === '' ? 'default'
    : cacheFlag !== undefined ? 'flag' : env.LLMBATCH_CACHE !== undefined ? 'env' : 'config';
  const cache: string | false =
    cacheSetting === false ? false : typeof cacheSetting === 'string' && cacheSetting !== '' ? (isRedisUrl(cacheSetting) ? cacheSetting : resolve(cacheBase, cacheSetting)) : defaultCachePath(env);
  // A prompt or system file named in the config is looked for next to the config first (a prompt
  // value may also be a built-in or config prompt name, and a system value plain text).
  const nearConfig = (v: string): string => (configDir !== cwd && existsSync(resolve(configDir, v)) ? resolve(configDir, v) : v);
  const routeSource = (flags.route as string | undefined) ?? config.route;
  const routes = routeSource ? loadRouteFile(routeSource, flags.route !== undefined ? cwd : configDir) : config.routes;
  const ttl = pick<string>(flags.cacheTtl as string | undefined, config.cacheTtl);
  // A config value refused later would be blamed on a flag the user never typed: checked here,
  // the error names the file and the key (SPEC §13).
  const inConfig = <T>(flag: unknown, key: string, check: () => T): T => {
    if (flag !== undefined || !configPath) return check();
    try {
      return check();
    } catch (e) {
      if (!(e instanceof LlmbatchError)) throw e;
      throw new LlmbatchError('config', `${configPath}: ${key}: ${e.message}`, e.hint);
    }
  };
  if (config.compress !== undefined) inConfig(flags.compress, 'compress', () => settings(config.compress)!.forEach((c) => parseCompress(c)));
  const baseUrl = pick<string>(flags.baseUrl as string | undefined, env.OPENAI_BASE_URL, config.baseUrl) ?? DEFAULTS.baseUrl;
  try {
    const u = new URL(baseUrl);
    if (!/^https?:$/.test(u.protocol)) throw new Error();
  } catch {
    throw new LlmbatchError('usage', `Invalid base URL "${baseUrl}"`, 'Pass an http(s) URL such as http://localhost:11434/v1');
  }

  const out: Settings = {
    cwd,
    configPath,
    models: modelList(list(flags.model) ?? list(config.model) ?? [DEFAULTS.model]),
    modelIsDefault: flags.model === undefined && config.model === undefined,
    prompts: list(flags.prompt) ?? list(config.prompt)?.map(nearConfig) ?? [],
    system: (flags.system as string | undefined) ?? (config.system === undefined ? undefined : nearConfig(config.system)),
    baseUrl: baseUrl.replace(/\/+$/, ''),
    apiKey: env[apiKeyEnv] || undefined,
    apiKeyEnv,
    temperature: num(pick(flags.temperature, config.temperature), 'temperature', { max: 2 }),
    maxOutputTokens: num(pick(flags.maxOutputTokens, config.maxOutputTokens), 'maxOutputTokens', { int: true, min: 1 }),
    compress: settings(flags.compress) ?? settings(config.compress) ?? ['none'],
    routes,
    routeSource: routeSource ? `${resolve(flags.route !== undefined ? cwd : configDir, routeSource)}: routes` : config.routes ? `${configPath}: routes` : undefined,
    concurrency: num(pick(flags.concurrency, config.concurrency), 'concurrency', { int: true, min: 1 }) ?? DEFAULTS.concurrency,
    rpm: num(pick(flags.rpm, config.rpm), 'rpm', { min: 1 }),
    tpm: num(pick(flags.tpm, config.tpm), 'tpm', { min: 1 }),
    retries: num(pick(flags.retries, config.retries), 'retries', { int: true, max: 100 }) ?? DEFAULTS.retries,
    timeoutMs: (num(pick(flags.timeout, config.timeout), 'timeout', { min: 0.001 }) ?? DEFAULTS.timeout) * 1000,
    budget: num(pick(flags.budget, config.budget), 'budget', { above: true }),
    graceMs: (num(pick(flags.grace, config.grace), 'grace') ?? DEFAULTS.grace) * 1000,
    dryRun: Boolean(flags.dryRun),
    cache,
    cacheFrom,
    cacheTtlMs: ttl ? inConfig(flags.cacheTtl, 'cacheTtl', () => parseDuration(ttl, 'cache TTL')) : undefined,
    ledgerPath: ledgerPathFor(cache, env),
    include: list(flags.include) ?? list(config.include) ?? [],
    exclude: list(flags.exclude) ?? list(config.exclude) ?? [],
    textField: pick(flags.textField as string | undefined, config.textField),
    idField: pick(flags.idField as string | undefined, config.idField),
    format: flags.json ? 'json' : pick(flags.format as string | undefined, config.format),
    fillRatio: num(pick(flags.fillRatio, config.fillRatio), 'fillRatio', { max: 1, above: true }) ?? DEFAULTS.fillRatio,
    maxCost: num(pick(flags.maxCost, config.maxCost), 'maxCost'),
    maxIncrease: num(pick(flags.maxIncrease, config.maxIncrease), 'maxIncrease', { min: -100 }),
    baseline: pick(flags.baseline as string | undefined, config.baseline),
    queue: pick(flags.queue as string | undefined, config.queue),
    metrics: pick(flags.metrics as string | undefined, config.metrics),
    out: (flags.out as string | undefined) ?? (config.out === undefined ? undefined : resolve(configDir, config.out)),
    report: (flags.report as string | undefined) ?? (config.report === undefined ? undefined : resolve(configDir, config.report)),
    modelOverrides: config.models ?? {},
    configPrompts: (config.prompts ?? {}) as Record<string, ConfigPrompt>,
  };
  return Object.freeze(out);
}
