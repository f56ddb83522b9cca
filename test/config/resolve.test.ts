import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULTS, loadConfigFile, loadRouteFile, parseDuration, resolveSettings, type Env, type Flags } from '../../src/config/index.js';
import { LlmbatchError } from '../../src/errors.js';

const KEY = 'sk-proj-CONFIGTESTKEY-must-never-leak-0123456789';

function dirWith(files: Record<string, string | object> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'llmbatch-config-'));
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), typeof body === 'string' ? body : JSON.stringify(body));
  }
  return dir;
}

const HOME = '/home/tester';
const baseEnv: Env = { HOME, OPENAI_API_KEY: KEY };

function settle(flags: Flags = {}, env: Env = baseEnv, cwd = dirWith()) {
  return resolveSettings(flags, env, cwd);
}

function thrown(fn: () => unknown): LlmbatchError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LlmbatchError);
    const err = e as LlmbatchError;
    // Whatever went wrong, the key is never part of what gets printed.
    expect(`${err.message}\n${err.hint ?? ''}\n${err.stack ?? ''}`).not.toContain(KEY);
    return err;
  }
  throw new Error('expected an error');
}

describe('defaults', () => {
  it('with no flags, env or config file', () => {
    const cwd = dirWith();
    const s = resolveSettings({}, { HOME }, cwd);
    expect(s).toMatchObject({
      cwd,
      configPath: null,
      models: ['gpt-4o-mini'],
      modelIsDefault: true,
      prompts: [],
      baseUrl: 'https://api.openai.com/v1',
      apiKeyEnv: 'OPENAI_API_KEY',
      concurrency: 8,
      retries: 6,
      timeoutMs: 120_000,
      graceMs: 10_000,
      fillRatio: 0.35,
      compress: ['none'],
      dryRun: false,
      cache: join(HOME, '.cache/llmbatch/cache.sqlite'),
      ledgerPath: join(HOME, '.cache/llmbatch/ledger.sqlite'),
      include: [],
      exclude: [],
      modelOverrides: {},
      configPrompts: {},
    });
    expect(s.apiKey).toBeUndefined();
    expect(s.routes).toBeUndefined();
    expect(s.models[0]).toBe(DEFAULTS.model);
  });

  it('is frozen', () => {
    const s = settle();
    expect(Object.isFrozen(s)).toBe(true);
    expect(() => {
      (s as { concurrency: number }).concurrency = 99;
    }).toThrow();
  });
});

describe('precedence: flags > environment > config file > defaults', () => {
  const config = { model: 'gpt-4.1', concurrency: 4, cache: 'from-config.sqlite', baseUrl: 'http://config.example:1/v1' };

  it.each<[string, Flags, Env, object | null, (s: ReturnType<typeof settle>, cwd: string) => unknown, unknown]>([
    ['model: default', {}, baseEnv, null, (s) => s.models, ['gpt-4o-mini']],
    ['model: config', {}, baseEnv, config, (s) => s.models, ['gpt-4.1']],
    ['model: flag beats config', { model: 'o4-mini' }, baseEnv, config, (s) => s.models, ['o4-mini']],
    ['model: comma list from a flag', { model: 'gpt-4o-mini, gpt-4.1' }, baseEnv, null, (s) => s.models, ['gpt-4o-mini', 'gpt-4.1']],
    ['model: list in config', {}, baseEnv, { model: ['a', 'b'] }, (s) => s.models, ['a', 'b']],
    ['modelIsDefault: config chose', {}, baseEnv, config, (s) => s.modelIsDefault, false],
    ['modelIsDefault: flag chose', { model: 'x' }, baseEnv, null, (s) => s.modelIsDefault, false],
    ['concurrency: default', {}, baseEnv, null, (s) => s.concurrency, 8],
    ['concurrency: config', {}, baseEnv, config, (s) => s.concurrency, 4],
    ['concurrency: flag beats config', { concurrency: '16' }, baseEnv, config, (s) => s.concurrency, 16],
    ['cache: default ~/.cache', {}, { HOME }, null, (s) => s.cache, join(HOME, '.cache/llmbatch/cache.sqlite')],
    ['cache: XDG_CACHE_HOME', {}, { HOME, XDG_CACHE_HOME: '/xdg' }, null, (s) => s.cache, '/xdg/llmbatch/cache.sqlite'],
    ['cache: empty XDG_CACHE_HOME falls back to ~/.cache', {}, { HOME, XDG_CACHE_HOME: '' }, null, (s) => s.cache, join(HOME, '.cache/llmbatch/cache.sqlite')],
    ['cache: config (relative to cwd)', {}, { HOME, XDG_CACHE_HOME: '/xdg' }, config, (s, cwd) => s.cache === join(cwd, 'from-config.sqlite'), true],
    ['cache: LLMBATCH_CACHE beats config', {}, { HOME, LLMBATCH_CACHE: '/env/cache.sqlite' }, config, (s) => s.cache, '/env/cache.sqlite'],
    ['cache: LLMBATCH_CACHE relative to cwd', {}, { HOME, LLMBATCH_CACHE: 'c.sqlite' }, null, (s, cwd) => s.cache === join(cwd, 'c.sqlite'), true],
    ['cache: flag beats LLMBATCH_CACHE', { cache: '/flag/c.sqlite' }, { HOME, LLMBATCH_CACHE: '/env/c.sqlite' }, config, (s) => s.cache, '/flag/c.sqlite'],
    ['cache: --no-cache beats everything', { cache: false }, { HOME, LLMBATCH_CACHE: '/env/c.sqlite' }, config, (s) => s.cache, false],
    ['cache: config false', {}, { HOME }, { cache: false }, (s) => s.cache, false],
    ['cache: a redis URL is kept as it is', { cache: 'redis://127.0.0.1:6379/2' }, { HOME }, null, (s) => s.cache, 'redis://127.0.0.1:6379/2'],
    ['ledger: next to a file cache', {}, { HOME, LLMBATCH_CACHE: '/env/c.sqlite' }, null, (s) => s.ledgerPath, '/env/ledger.sqlite'],
    ['ledger: state dir with a redis cache', { cache: 'redis://h:1' }, { HOME, XDG_CACHE_HOME: '/xdg' }, null, (s) => s.ledgerPath, '/xdg/llmbatch/ledger.sqlite'],
    ['ledger: state dir with no cache', { cache: false }, { HOME }, null, (s) => s.ledgerPath, join(HOME, '.cache/llmbatch/ledger.sqlite')],
    ['baseUrl: default', {}, baseEnv, null, (s) => s.baseUrl, 'https://api.openai.com/v1'],
    ['baseUrl: config', {}, baseEnv, config, (s) => s.baseUrl, 'http://config.example:1/v1'],
    ['baseUrl: OPENAI_BASE_URL beats config', {}, { ...baseEnv, OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }, config, (s) => s.baseUrl, 'http://127.0.0.1:11434/v1'],
    ['baseUrl: flag beats OPENAI_BASE_URL', { baseUrl: 'http://flag:2/v1/' }, { ...baseEnv, OPENAI_BASE_URL: 'http://env:3/v1' }, config, (s) => s.baseUrl, 'http://flag:2/v1'],
    ['baseUrl: trailing slashes dropped', {}, { ...baseEnv, OPENAI_BASE_URL: 'http://localhost:8000/v1///' }, null, (s) => s.baseUrl, 'http://localhost:8000/v1'],
    ['format: --json', { json: true, format: 'md' }, baseEnv, { format: 'csv' }, (s) => s.format, 'json'],
    ['format: flag beats config', { format: 'md' }, baseEnv, { format: 'csv' }, (s) => s.format, 'md'],
    ['format: config', {}, baseEnv, { format: 'csv' }, (s) => s.format, 'csv'],
    ['compress: repeatable flag keeps each setting whole', { compress: ['none', 'whitespace,dedupe'] }, baseEnv, { compress: 'markup' }, (s) => s.compress, ['none', 'whitespace,dedupe']],
    ['compress: config', {}, baseEnv, { compress: 'markup' }, (s) => s.compress, ['markup']],
    ['include: flag list beats config', { include: ['**/*.md', '*.txt'] }, baseEnv, { include: '**/*.rst' }, (s) => s.include, ['**/*.md', '*.txt']],
    ['exclude: config', {}, baseEnv, { exclude: ['drafts/**'] }, (s) => s.exclude, ['drafts/**']],
    ['system: flag beats config', { system: 'flag' }, baseEnv, { system: 'config' }, (s) => s.system, 'flag'],
    ['prompts: flag list', { prompt: ['a.txt', 'summarize'] }, baseEnv, { prompt: 'bullets' }, (s) => s.prompts, ['a.txt', 'summarize']],
    ['prompts: config', {}, baseEnv, { prompt: 'bullets' }, (s) => s.prompts, ['bullets']],
    ['dryRun', { dryRun: true }, baseEnv, null, (s) => s.dryRun, true],
  ])('%s', (_label, flags, env, cfg, get, expected) => {
    const cwd = cfg ? dirWith({ 'llmbatch.config.json': cfg }) : dirWith();
    expect(get(resolveSettings(flags, env, cwd), cwd)).toEqual(expected);
  });

  it.each(['ftp://example.com/v1', 'not a url', 'localhost:11434'])('an invalid base URL %j is a usage error', (url) => {
    const e = thrown(() => settle({}, { ...baseEnv, OPENAI_BASE_URL: url }));
    expect(e.code).toBe('usage');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('base URL');
    expect(e.hint).toMatch(/http/);
  });
});

describe('numbers from flags arrive as strings', () => {
  it.each<[Flags, keyof ReturnType<typeof settle>, unknown]>([
    [{ concurrency: '16' }, 'concurrency', 16],
    [{ concurrency: 16 }, 'concurrency', 16],
    [{ temperature: '0.2' }, 'temperature', 0.2],
    [{ temperature: '0' }, 'temperature', 0],
    [{ maxOutputTokens: '512' }, 'maxOutputTokens', 512],
    [{ rpm: '500' }, 'rpm', 500],
    [{ tpm: '200000' }, 'tpm', 200_000],
    [{ retries: '0' }, 'retries', 0],
    [{ timeout: '30' }, 'timeoutMs', 30_000],
    [{ timeout: '2.5' }, 'timeoutMs', 2_500],
    [{ grace: '0' }, 'graceMs', 0],
    [{ budget: '5' }, 'budget', 5],
    [{ budget: '$2.50' }, 'budget', 2.5],
    [{ fillRatio: '0.5' }, 'fillRatio', 0.5],
    [{ maxCost: '0.10' }, 'maxCost', 0.1],
    [{ maxIncrease: '-5' }, 'maxIncrease', -5],
  ])('%j → %s = %j', (flags, key, expected) => {
    expect(settle(flags)[key]).toEqual(expected);
  });

  it.each<[Flags, string]>([
    [{ concurrency: 'many' }, '--concurrency'],
    [{ concurrency: '0' }, '--concurrency'],
    [{ concurrency: '2.5' }, '--concurrency'],
    [{ concurrency: '-3' }, '--concurrency'],
    [{ maxOutputTokens: '0' }, '--max-output-tokens'],
    [{ maxOutputTokens: '1e400' }, '--max-output-tokens'],
    [{ temperature: 'warm' }, '--temperature'],
    [{ rpm: '0' }, '--rpm'],
    [{ retries: '1.5' }, '--retries'],
    [{ timeout: 'soon' }, '--timeout'],
    // A zero timeout would abort every request at once (the config schema already says positive).
    [{ timeout: '0' }, '--timeout'],
    [{ budget: 'lots' }, '--budget'],
    [{ fillRatio: 'half' }, '--fill-ratio'],
    [{ maxIncrease: '-150' }, '--max-increase'],
  ])('%j is a usage error naming %s and the value', (flags, name) => {
    const e = thrown(() => settle(flags));
    expect(e.code).toBe('usage');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(name);
    expect(e.message).toContain(`"${Object.values(flags)[0]}"`);
  });
});

describe('the API key', () => {
  it.each<[string, Flags, Env, object | null, string | undefined, string]>([
    ['from OPENAI_API_KEY', {}, { OPENAI_API_KEY: KEY }, null, KEY, 'OPENAI_API_KEY'],
    ['--api-key-env picks another variable', { apiKeyEnv: 'GROQ_KEY' }, { OPENAI_API_KEY: 'sk-other', GROQ_KEY: KEY }, null, KEY, 'GROQ_KEY'],
    ['--api-key-env naming an unset variable → no key', { apiKeyEnv: 'NOPE' }, { OPENAI_API_KEY: KEY }, null, undefined, 'NOPE'],
    ['apiKeyEnv from the config', {}, { OPENAI_API_KEY: 'sk-other', MY_KEY: KEY }, { apiKeyEnv: 'MY_KEY' }, KEY, 'MY_KEY'],
    ['the flag beats the config', { apiKeyEnv: 'A' }, { A: KEY, B: 'sk-b' }, { apiKeyEnv: 'B' }, KEY, 'A'],
    ['an empty variable is no key (local servers need none)', {}, { OPENAI_API_KEY: '' }, null, undefined, 'OPENAI_API_KEY'],
  ])('%s', (_label, flags, env, cfg, apiKey, apiKeyEnv) => {
    const cwd = cfg ? dirWith({ 'llmbatch.config.yaml': JSON.stringify(cfg) }) : dirWith();
    const s = resolveSettings(flags, env, cwd);
    expect(s.apiKey).toBe(apiKey);
    expect(s.apiKeyEnv).toBe(apiKeyEnv);
  });

  it('is not a config key: a key in the config file is rejected without echoing it', () => {
    const cwd = dirWith({ 'llmbatch.config.json': { apiKey: KEY } });
    const e = thrown(() => settle({}, baseEnv, cwd));
    expect(e.message).toContain('apiKey');
  });

  it('an invalid apiKeyEnv in the config (someone pasted the key) is rejected without echoing it', () => {
    const cwd = dirWith({ 'llmbatch.config.json': { apiKeyEnv: KEY } });
    expect(thrown(() => settle({}, baseEnv, cwd)).message).toContain('apiKeyEnv');
  });
});

describe('config file discovery', () => {
  it.each([
    ['llmbatch.config.json', '{"model": "from-json"}', 'from-json'],
    ['llmbatch.config.yaml', 'model: from-yaml\n', 'from-yaml'],
    ['llmbatch.config.yml', 'model: from-yml\n', 'from-yml'],
  ])('%s in cwd is found', (name, text, model) => {
    const cwd = dirWith({ [name]: text });
    const s = settle({}, baseEnv, cwd);
    expect(s.configPath).toBe(join(cwd, name));
    expect(s.models).toEqual([model]);
  });

  it('two config files in one folder are an error naming both (which one applies would be a guess)', () => {
    const cwd = dirWith({ 'llmbatch.config.json': '{"model": "json"}', 'llmbatch.config.yaml': 'model: yaml' });
    const e = thrown(() => settle({}, baseEnv, cwd));
    expect(e.code).toBe('config');
    expect(e.message).toBe(`Two config files in ${cwd}: llmbatch.config.json and llmbatch.config.yaml`);
    expect(e.hint).toMatch(/--config FILE/);
    expect(settle({ config: 'llmbatch.config.yaml' }, baseEnv, cwd).models).toEqual(['yaml']);
  });

  it('is not searched for in parent folders', () => {
    const cwd = dirWith({ 'llmbatch.config.json': '{"model": "parent"}', 'sub/x.txt': 'x' });
    expect(settle({}, baseEnv, join(cwd, 'sub')).configPath).toBeNull();
  });

  it.each([
    ['relative to cwd', 'conf/team.yaml'],
    ['absolute', '<abs>'],
  ])('--config FILE (%s) is used instead of the one in cwd', (_label, flag) => {
    const cwd = dirWith({ 'llmbatch.config.json': '{"model": "cwd"}', 'conf/team.yaml': 'model: team\nconcurrency: 3\n' });
    const path = flag === '<abs>' ? join(cwd, 'conf/team.yaml') : flag;
    const s = settle({ config: path }, baseEnv, cwd);
    expect(s.configPath).toBe(join(cwd, 'conf/team.yaml'));
    expect(s).toMatchObject({ models: ['team'], concurrency: 3 });
  });

  it('paths in a --config file elsewhere are relative to it: prompt and system files, out, report (flags stay relative to cwd)', () => {
    const cwd = dirWith({
      'conf/team.yaml': 'prompt: [summarize, prompts/tldr.txt]\nsystem: sys.txt\nout: results/\nreport: r.md\n',
      'conf/prompts/tldr.txt': 'TL;DR: {{document}}', 'conf/sys.txt': 'Be brief.',
    });
    const s = settle({ config: 'conf/team.yaml' }, baseEnv, cwd);
    expect(s.prompts).toEqual(['summarize', join(cwd, 'conf/prompts/tldr.txt')]); // a built-in name stays a name
    expect(s.system).toBe(join(cwd, 'conf/sys.txt'));
    expect(s.out).toBe(join(cwd, 'conf/results'));
    expect(s.report).toBe(join(cwd, 'conf/r.md'));
    // A system value that names no file there is text; flags are the user's own, relative to cwd.
    expect(settle({ config: 'conf/team.yaml', system: 'sys.txt', out: 'o.jsonl' }, baseEnv, cwd)).toMatchObject({ system: 'sys.txt', out: 'o.jsonl' });
    const text = dirWith({ 'c/x.yaml': 'system: Answer in French.\n' });
    expect(settle({ config: 'c/x.yaml' }, baseEnv, text).system).toBe('Answer in French.');
  });

  it('an empty model list (-m ,) is a usage error; a model named twice counts once', () => {
    const e = thrown(() => settle({ model: ',' }));
    expect(e.code).toBe('usage');
    expect(e.message).toBe('No model given: the model list is empty');
    expect(settle({ model: 'gpt-4o, gpt-4o,gpt-4.1' }).models).toEqual(['gpt-4o', 'gpt-4.1']);
  });

  it('--config naming a missing file is a config error', () => {
    const e = thrown(() => settle({ config: 'nope.yaml' }));
    expect(e.code).toBe('config');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('nope.yaml');
  });

  it.each([['llmbatch.config.yaml', ''], ['llmbatch.config.yaml', '# only a comment\n']])('an empty %s is an empty config', (name, text) => {
    const s = settle({}, baseEnv, dirWith({ [name]: text }));
    expect(s.models).toEqual(['gpt-4o-mini']);
  });

  it('loadConfigFile returns the parsed config', () => {
    const cwd = dirWith({ 'llmbatch.config.yaml': 'model: gpt-4.1\nconcurrency: 16\n' });
    expect(loadConfigFile(undefined, cwd)).toEqual({ path: join(cwd, 'llmbatch.config.yaml'), config: { model: 'gpt-4.1', concurrency: 16 } });
    expect(loadConfigFile(undefined, dirWith())).toEqual({ path: null, config: {} });
  });
});

describe('config validation names the file and the key', () => {
  it.each<[string, string, string, string]>([
    ['unknown key', 'llmbatch.config.json', '{"modle": "gpt-4.1"}', 'modle'],
    ['unknown key (yaml)', 'llmbatch.config.yaml', 'model: gpt-4o-mini\nconcurency: 4\n', 'concurency'],
    ['snake_case instead of camelCase', 'llmbatch.config.yaml', 'max_output_tokens: 100\n', 'max_output_tokens'],
    ['wrong type', 'llmbatch.config.json', '{"concurrency": "many"}', 'concurrency'],
    ['wrong type (yaml string number)', 'llmbatch.config.yaml', 'concurrency: "16"\n', 'concurrency'],
    ['out of range', 'llmbatch.config.yaml', 'temperature: 3\n', 'temperature'],
    ['zero concurrency', 'llmbatch.config.yaml', 'concurrency: 0\n', 'concurrency'],
    ['zero timeout', 'llmbatch.config.yaml', 'timeout: 0\n', 'timeout'],
    ['bad base URL', 'llmbatch.config.yaml', 'baseUrl: localhost\n', 'baseUrl'],
    ['model price not a number', 'llmbatch.config.yaml', 'models:\n  my-llama:\n    input: free\n', 'models.my-llama.input'],
    ['negative model price', 'llmbatch.config.yaml', 'models:\n  my-llama:\n    output: -1\n', 'models.my-llama.output'],
    ['unknown model key', 'llmbatch.config.yaml', 'models:\n  my-llama:\n    ctx: 8192\n', 'models.my-llama.ctx'],
    ['unknown encoding', 'llmbatch.config.yaml', 'models:\n  my-llama:\n    encoding: llama3\n', 'models.my-llama.encoding'],
    ['route rule without a model', 'llmbatch.config.yaml', 'routes:\n  - model: gpt-4o-mini\n  - when: { maxTokens: 100 }\n', 'routes: rule 2 (model):'],
    ['route rule with an unknown condition', 'llmbatch.config.yaml', 'routes:\n  - when: { size: 100 }\n    model: a\n', 'routes: rule 1 (when.size):'],
    ['route rule with a negative token bound', 'llmbatch.config.yaml', 'routes:\n  - when: { maxTokens: -1 }\n    model: a\n', 'routes: rule 1 (when.maxTokens):'],
    ['route fallback not a list', 'llmbatch.config.yaml', 'routes:\n  - model: a\n    fallback: b\n', 'routes: rule 1 (fallback):'],
    ['route escalate condition', 'llmbatch.config.yaml', 'routes:\n  - model: a\n    escalate: { to: b, if: sometimes }\n', 'routes: rule 1 (escalate.if):'],
    ['routes not a list', 'llmbatch.config.yaml', 'routes:\n  model: a\n', 'routes'],
    ['prompt object with a bad key', 'llmbatch.config.yaml', 'prompts:\n  tldr:\n    user: x\n    temperature: 9\n', 'prompts.tldr'],
    ['top level is a list', 'llmbatch.config.yaml', '- model: a\n', '(top level)'],
    ['two unknown keys, side by side (not one nested key)', 'llmbatch.config.json', '{"top": 1, "byFile": true}', '"top", "byFile"'],
    ['dryRun (a flag only)', 'llmbatch.config.yaml', 'dryRun: true\n', '"dryRun" is not a setting'],
    ['live (a flag only)', 'llmbatch.config.yaml', 'live: true\n', '"live" is not a setting'],
    ['noCache (cache: false)', 'llmbatch.config.json', '{"noCache": true}', '"noCache" is not a setting'],
  ])('%s', (_label, name, text, key) => {
    const cwd = dirWith({ [name]: text });
    const e = thrown(() => settle({}, baseEnv, cwd));
    expect(e.code).toBe('config');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(join(cwd, name));
    expect(e.message).toContain(key);
    expect(e.hint).toBeTruthy();
  });

  it.each([
    ['llmbatch.config.yaml', 'model: [gpt-4o-mini\nconcurrency: 4\n', 'YAML'],
    ['llmbatch.config.yaml', 'model: a\n  concurrency: 4\n', 'YAML'],
    ['llmbatch.config.yaml', 'model: a\nmodel: b\n', 'YAML'],
    ['llmbatch.config.json', '{"model": "a",}', 'JSON'],
    ['llmbatch.config.json', '', 'JSON'],
  ])('%s with a syntax error: one line naming the file', (name, text, kind) => {
    const cwd = dirWith({ [name]: text });
    const e = thrown(() => settle({}, baseEnv, cwd));
    expect(e.code).toBe('config');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(join(cwd, name));
    expect(e.message).toContain(`not valid ${kind}`);
    expect(e.message).not.toContain('\n');
  });

  it('the key never appears in a config error, even when the file holds it', () => {
    const cwd = dirWith({ 'llmbatch.config.yaml': `model: gpt-4o-mini\nopenai_api_key: ${KEY}\n` });
    expect(thrown(() => settle({}, baseEnv, cwd)).message).toContain('openai_api_key');
    const cwd2 = dirWith({ 'llmbatch.config.yaml': `baseUrl: ${KEY}\n` });
    thrown(() => settle({}, baseEnv, cwd2));
    const cwd3 = dirWith({ 'llmbatch.config.yaml': `concurrency: ${KEY}\n` });
    thrown(() => settle({}, baseEnv, cwd3));
  });
});

describe('models: and prompts: reach Settings', () => {
  it('models overrides', () => {
    const cwd = dirWith({
      'llmbatch.config.yaml': [
        'models:',
        '  my-llama:',
        '    input: 0',
        '    output: 0',
        '    cached_input: 0',
        '    context: 8192',
        '    max_output: 2048',
        '    encoding: cl100k_base',
        '  gpt-4o-mini:',
        '    input: 0.1',
        '  mystery:',
        '    input: null',
      ].join('\n'),
    });
    expect(settle({}, baseEnv, cwd).modelOverrides).toEqual({
      'my-llama': { input: 0, output: 0, cached_input: 0, context: 8192, max_output: 2048, encoding: 'cl100k_base' },
      'gpt-4o-mini': { input: 0.1 },
      mystery: { input: null },
    });
  });

  it('prompts (string and object form)', () => {
    const cwd = dirWith({
      'llmbatch.config.yaml': 'prompts:\n  tldr: "One sentence summary:\\n\\n{{document}}"\n  facts:\n    system: Facts only.\n    user: "{{document}}"\n',
    });
    expect(settle({}, baseEnv, cwd).configPrompts).toEqual({
      tldr: 'One sentence summary:\n\n{{document}}',
      facts: { system: 'Facts only.', user: '{{document}}' },
    });
  });
});

describe('routes', () => {
  const rules = [
    { when: { maxTokens: 2000 }, model: 'gpt-4o-mini' },
    { when: { path: 'legal/**' }, model: 'gpt-4.1', fallback: ['gpt-4.1-mini'] },
    { when: { minTokens: 10, match: 'invoice|receipt', prompt: 'extract-json' }, model: 'gpt-4.1-mini', escalate: { to: 'gpt-4.1', if: 'invalid-json' } },
    { model: 'gpt-4.1-mini' },
  ];
  const yamlRules = [
    'routes:',
    '  - when: { maxTokens: 2000 }',
    '    model: gpt-4o-mini',
    '  - when: { path: "legal/**" }',
    '    model: gpt-4.1',
    '    fallback: [gpt-4.1-mini]',
    '  - when: { minTokens: 10, match: "invoice|receipt", prompt: extract-json }',
    '    model: gpt-4.1-mini',
    '    escalate: { to: gpt-4.1, if: invalid-json }',
    '  - model: gpt-4.1-mini',
  ].join('\n');

  it('from the config file', () => {
    const cwd = dirWith({ 'llmbatch.config.yaml': yamlRules });
    const s = settle({}, baseEnv, cwd);
    expect(s.routes).toEqual(rules);
    expect(s.routeSource).toBe(`${join(cwd, 'llmbatch.config.yaml')}: routes`);
  });

  it.each([
    ['routes.yaml', yamlRules],
    ['routes.yml', yamlRules],
    ['routes.json', JSON.stringify({ routes: rules })],
  ])('from a --route file (%s), which beats the config', (file, text) => {
    const cwd = dirWith({ [file]: text, 'llmbatch.config.json': { routes: [{ model: 'from-config' }] } });
    const s = settle({ route: file }, baseEnv, cwd);
    expect(s.routes).toEqual(rules);
    expect(s.routeSource).toBe(`${join(cwd, file)}: routes`);
    expect(loadRouteFile(file, cwd)).toEqual(rules);
  });

  it('from a route file named by `route:` in the config', () => {
    const cwd = dirWith({ 'r.yaml': yamlRules, 'llmbatch.config.yaml': 'route: r.yaml\n' });
    expect(settle({}, baseEnv, cwd).routes).toEqual(rules);
  });

  it.each([
    ['no routes key', 'model: a\n', 'routes'],
    ['a rule without a model', 'routes:\n  - model: a\n  - when: { maxTokens: 5 }\n', 'rule 2 (model)'],
    ['an unknown condition', 'routes:\n  - when: { tokens: 5 }\n    model: a\n', 'rule 1 (when'],
    ['a bad escalate', 'routes:\n  - model: a\n    escalate: { to: b, if: bored }\n', 'rule 1 (escalate.if)'],
  ])('a bad route file (%s) names the file and the rule', (_label, text, where) => {
    const cwd = dirWith({ 'routes.yaml': text });
    const e = thrown(() => settle({ route: 'routes.yaml' }, baseEnv, cwd));
    expect(e.code).toBe('config');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(join(cwd, 'routes.yaml'));
    expect(e.message).toContain(where);
  });

  it('a missing route file is a config error naming it', () => {
    const e = thrown(() => settle({ route: 'missing-routes.yaml' }));
    expect(e.code).toBe('config');
    expect(e.message).toContain('missing-routes.yaml');
  });

  it('a route file with a syntax error names the file', () => {
    const cwd = dirWith({ 'routes.json': '{"routes": [' });
    const e = thrown(() => settle({ route: 'routes.json' }, baseEnv, cwd));
    expect(e.message).toContain(join(cwd, 'routes.json'));
    expect(e.message).toContain('not valid JSON');
  });
});

describe('a YAML syntax error says file:line:column and the reason, in one line', () => {
  it.each<[string, string, string]>([
    ['a duplicate key', 'model: a\nconcurrency: 2\nmodel: b\n', ':3:1: not valid YAML: Map keys must be unique'],
    ['a tab as indentation', 'models:\n\tmy-llama:\n    input: 0\n', ':2:1: not valid YAML: Tabs are not allowed as indentation'],
    ['an unclosed flow list', 'model: a\ncompress: [whitespace, dedupe\nconcurrency: 4\n', ':3:1: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['a mapping under a scalar', 'model: gpt-4o-mini\n  concurrency: 3\n', ':1:8: not valid YAML: Nested mappings are not allowed in compact mappings'],
    // Found after parsing, with no place from the library: the alias is looked up.
    ['an alias to an anchor not set before it', 'model: &m gpt-4o-mini\nroutes:\n  - model: *m\n  - model: *fallback\n', ':4:12: not valid YAML: Unresolved alias (the anchor must be set before the alias): fallback'],
  ])('%s', (_label, text, expected) => {
    const cwd = dirWith({ 'llmbatch.config.yaml': text });
    const e = thrown(() => settle({}, baseEnv, cwd));
    expect(e.code).toBe('config');
    expect(e.exitCode).toBe(2);
    expect(e.message).toBe(join(cwd, 'llmbatch.config.yaml') + expected);
    expect(e.hint).toBe('Fix the syntax, or pass --config with another file.');
  });

  it('in a route file too', () => {
    const cwd = dirWith({ 'routes.yaml': 'routes:\n  - model: a\n   fallback: [b]\n' });
    const e = thrown(() => settle({ route: 'routes.yaml' }, baseEnv, cwd));
    const file = join(cwd, 'routes.yaml');
    expect(e.message.startsWith(`${file}:3:`)).toBe(true);
    expect(e.message.slice(file.length)).toMatch(/^:3:\d+: not valid YAML: [^\n]+[^:\n]$/);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['12h', 43_200_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['1.5h', 5_400_000],
    [' 7d ', 604_800_000],
    ['7 d', 604_800_000],
    ['0s', 0],
  ])('%j → %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['7', 'd', '-1d', '7y', '', '1e3s', '7days', '1h30m', 'P7D'])('%j is a usage error with a hint', (text) => {
    const e = thrown(() => parseDuration(text, 'cache TTL'));
    expect(e.code).toBe('usage');
    expect(e.message).toContain('cache TTL');
    expect(e.hint).toMatch(/7d/);
  });

  it('--cache-ttl beats cacheTtl in the config, and is parsed', () => {
    const cwd = dirWith({ 'llmbatch.config.yaml': 'cacheTtl: 1d\n' });
    expect(settle({}, baseEnv, cwd).cacheTtlMs).toBe(86_400_000);
    expect(settle({ cacheTtl: '2h' }, baseEnv, cwd).cacheTtlMs).toBe(7_200_000);
    expect(settle().cacheTtlMs).toBeUndefined();
    expect(thrown(() => settle({ cacheTtl: 'forever' })).message).toContain('forever');
  });
});
