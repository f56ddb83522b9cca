import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_PROMPTS, resolvePrompt, resolveSystem, type ConfigPrompt, type ResolvePromptOptions } from '../../src/prompt/index.js';
import { LlmbatchError } from '../../src/errors.js';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'llmbatch-prompt-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function thrown(fn: () => unknown): LlmbatchError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LlmbatchError);
    return e as LlmbatchError;
  }
  throw new Error('expected an error');
}

describe('built-in prompts', () => {
  it.each(['summarize', 'bullets', 'extract-json'])('%s exists, is named, has a system message and {{document}}', (name) => {
    const p = resolvePrompt(name);
    expect(p.name).toBe(name);
    expect(p.system).toMatch(/\S/);
    expect(p.user).toContain('{{document}}');
  });

  it('extract-json asks for JSON output; the others do not', () => {
    expect(resolvePrompt('extract-json').response_format).toBe('json');
    expect(resolvePrompt('summarize').response_format).toBeUndefined();
    expect(resolvePrompt('bullets').response_format).toBeUndefined();
  });

  it('returns a copy: changing it (e.g. --system) leaves the built-in untouched', () => {
    const before = BUILTIN_PROMPTS.summarize.system;
    const p = resolvePrompt('summarize', { system: 'Be terse.' });
    expect(p.system).toBe('Be terse.');
    expect(BUILTIN_PROMPTS.summarize.system).toBe(before);
    // Without an override too: the template handed out is never the built-in object itself.
    const plain = resolvePrompt('summarize');
    expect(plain).not.toBe(BUILTIN_PROMPTS.summarize);
    plain.user = 'changed';
    expect(BUILTIN_PROMPTS.summarize.user).toContain('{{document}}');
    expect(resolvePrompt('summarize').user).toContain('{{document}}');
  });

  it('an unknown name that is no file is a usage error listing the built-ins', () => {
    const e = thrown(() => resolvePrompt('sumarize', { cwd: dirWith({}) }));
    expect(e.code).toBe('usage');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('sumarize');
    expect(e.hint).toContain('summarize, bullets, extract-json');
  });
});

describe('plain text prompt files are the user message', () => {
  it.each([
    ['tldr.txt', 'tldr'],
    ['notes.md', 'notes'],
    ['review.prompt', 'review'],
    ['UPPER.TXT', 'UPPER'],
    ['sub/dir/nested.prompt', 'nested'],
    ['no-extension', 'no-extension'],
  ])('%s → name %s', (file, name) => {
    const text = 'One sentence about {{id}}:\n\n{{document}}\n';
    const cwd = dirWith({ [file]: text });
    expect(resolvePrompt(file, { cwd })).toEqual({ name, user: text });
    // and by absolute path, from anywhere
    expect(resolvePrompt(join(cwd, file), { cwd: tmpdir() })).toEqual({ name, user: text });
  });

  it.each([['empty.txt', ''], ['blank.md', ' \n\t\n']])('%s (empty) is an error naming the file', (file, text) => {
    const cwd = dirWith({ [file]: text });
    const e = thrown(() => resolvePrompt(file, { cwd }));
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(file);
    expect(e.message).toMatch(/empty/);
  });

  it.each(['prompt.docx', 'prompt.html', 'prompt.toml'])('%s: unknown extension is a usage error naming it', (file) => {
    const cwd = dirWith({ [file]: 'Summarize {{document}}' });
    const e = thrown(() => resolvePrompt(file, { cwd }));
    expect(e.code).toBe('usage');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(file);
    expect(e.message).toContain(file.slice(file.lastIndexOf('.')));
    expect(e.hint).toMatch(/\.txt/);
  });

  it('a folder is not a prompt file', () => {
    const cwd = dirWith({ 'folder/x.txt': 'x' });
    expect(thrown(() => resolvePrompt('folder', { cwd })).code).toBe('usage');
  });
});

describe('.json / .yaml templates', () => {
  const full = {
    name: 'entities',
    system: 'You extract entities.',
    user: 'Entities in {{path}}:\n\n{{document}}',
    model: 'gpt-4.1-mini',
    temperature: 0.2,
    max_tokens: 300,
    response_format: 'json',
  };
  const yaml = [
    'name: entities',
    'system: You extract entities.',
    'user: "Entities in {{path}}:\\n\\n{{document}}"',
    'model: gpt-4.1-mini',
    'temperature: 0.2',
    'max_tokens: 300',
    'response_format: json',
  ].join('\n');

  it.each([
    ['t.json', JSON.stringify(full)],
    ['t.yaml', yaml],
    ['t.yml', yaml],
  ])('%s: every field is read', (file, text) => {
    expect(resolvePrompt(file, { cwd: dirWith({ [file]: text }) })).toEqual(full);
  });

  it.each([
    ['my-template.json', '{"user": "Q: {{document}}"}'],
    ['my-template.yaml', 'user: "Q: {{document}}"\n'],
  ])('%s without a name is named after the file', (file, text) => {
    expect(resolvePrompt(file, { cwd: dirWith({ [file]: text }) })).toEqual({ name: 'my-template', user: 'Q: {{document}}' });
  });

  it('response_format "text" is the default and is left out', () => {
    const p = resolvePrompt('t.json', { cwd: dirWith({ 't.json': '{"user": "x", "response_format": "text"}' }) });
    expect(p).toEqual({ name: 't', user: 'x' });
  });

  it.each([
    ['bad.json', '{"user": "x", "temperature": "hot"}', 'temperature'],
    ['bad.json', '{"user": "x", "temperature": 3}', 'temperature'],
    ['bad.json', '{"user": "x", "max_tokens": -1}', 'max_tokens'],
    ['bad.json', '{"user": "x", "max_tokens": 2.5}', 'max_tokens'],
    ['bad.json', '{"user": "x", "response_format": "xml"}', 'response_format'],
    ['bad.json', '{"system": "only a system message"}', 'user'],
    ['bad.json', '{"user": 42}', 'user'],
    ['bad.yaml', 'user: x\nusr: typo\n', 'usr'],
    ['bad.yaml', 'user: x\nname: ""\n', 'name'],
    ['bad.yaml', '- a list\n- not a template\n', '(top level)'],
    ['empty.yaml', '', '(top level)'],
  ])('%s %s: invalid, the error names the file and %s', (file, text, key) => {
    const cwd = dirWith({ [file]: text });
    const e = thrown(() => resolvePrompt(file, { cwd }));
    expect(e.code).toBe('config');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(join(cwd, file));
    expect(e.message).toContain(key);
  });

  it.each([
    ['syntax.json', '{"user": "x",}', 'JSON'],
    ['empty.json', '', 'JSON'],
    ['syntax.yaml', 'user: "unterminated\nname: [', 'YAML'],
    ['tabs.yaml', 'user:\n\t- x', 'YAML'],
  ])('%s: a syntax error names the file and the format', (file, text, kind) => {
    const cwd = dirWith({ [file]: text });
    const e = thrown(() => resolvePrompt(file, { cwd }));
    expect(e.code).toBe('config');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(join(cwd, file));
    expect(e.message).toContain(`not valid ${kind}`);
    expect(e.message).not.toContain('\n');
  });
});

describe('a YAML prompt file with a syntax error', () => {
  it('says file:line:column and the reason, in one line', () => {
    const cwd = dirWith({ 't.yaml': 'name: t\nuser: "Summarize {{document}}\n  briefly: yes"\nuser: again\n' });
    const e = thrown(() => resolvePrompt('t.yaml', { cwd }));
    expect(e.code).toBe('config');
    expect(e.message).toBe(`${join(cwd, 't.yaml')}:4:1: not valid YAML: Map keys must be unique`);
  });
});

describe('config prompts', () => {
  const configPrompts: Record<string, ConfigPrompt> = {
    tldr: 'One sentence summary:\n\n{{document}}',
    summarize: 'My own summarize: {{document}}',
    structured: { system: 'JSON only.', user: 'Fields of {{document}}', response_format: 'json', max_tokens: 200 },
    named: { name: 'other-name', user: 'x' },
  };

  it.each([
    ['tldr', { name: 'tldr', user: 'One sentence summary:\n\n{{document}}' }],
    ['summarize', { name: 'summarize', user: 'My own summarize: {{document}}' }],
    ['structured', { name: 'structured', system: 'JSON only.', user: 'Fields of {{document}}', response_format: 'json', max_tokens: 200 }],
    ['named', { name: 'other-name', user: 'x' }],
  ])('%s resolves from the config (string and object form)', (name, expected) => {
    expect(resolvePrompt(name, { configPrompts })).toEqual(expected);
  });

  it('a config prompt takes precedence over a built-in of the same name', () => {
    expect(resolvePrompt('summarize', { configPrompts }).system).toBeUndefined();
    expect(resolvePrompt('bullets', { configPrompts })).toEqual(BUILTIN_PROMPTS.bullets);
  });

  it('config prompts and built-ins take precedence over a file of the same name in cwd', () => {
    const cwd = dirWith({ tldr: 'from the file', summarize: 'from the file' });
    expect(resolvePrompt('tldr', { configPrompts, cwd }).user).toContain('One sentence');
    expect(resolvePrompt('summarize', { cwd }).user).toBe(BUILTIN_PROMPTS.summarize.user);
  });

  it('an invalid object in the config names the prompt and the key', () => {
    const e = thrown(() => resolvePrompt('bad', { configPrompts: { bad: { user: 'x', temperature: 9 } } }));
    expect(e.code).toBe('config');
    expect(e.message).toContain('prompts.bad');
    expect(e.message).toContain('temperature');
  });
});

describe('--system TEXT|FILE', () => {
  const cwd = dirWith({ 'system.txt': 'You are a careful legal analyst.\n', 'sys/inner.md': 'Inner system.' });

  it.each([
    ['literal text', 'Answer in French.', 'Answer in French.'],
    ['a relative file path', 'system.txt', 'You are a careful legal analyst.\n'],
    ['a nested file path', 'sys/inner.md', 'Inner system.'],
    ['an absolute file path', join(cwd, 'system.txt'), 'You are a careful legal analyst.\n'],
    ['a path that does not exist is text', 'missing.txt', 'missing.txt'],
    ['a folder is text', 'sys', 'sys'],
    ['empty text', '', ''],
  ])('%s', (_label, value, expected) => {
    expect(resolveSystem(value, cwd)).toBe(expected);
    expect(resolvePrompt('bullets', { cwd, system: value }).system).toBe(expected);
  });

  it('sets a system message on a plain-text prompt that had none', () => {
    const dir = dirWith({ 'q.txt': 'Question: {{document}}', 'system.txt': 'Be brief.' });
    expect(resolvePrompt('q.txt', { cwd: dir, system: 'system.txt' })).toEqual({ name: 'q', user: 'Question: {{document}}', system: 'Be brief.' });
  });

  it('overrides the system message of a template file and of a config prompt', () => {
    const dir = dirWith({ 't.yaml': 'system: old\nuser: "{{document}}"\n' });
    expect(resolvePrompt('t.yaml', { cwd: dir, system: 'new' }).system).toBe('new');
    expect(resolvePrompt('c', { configPrompts: { c: { system: 'old', user: 'u' } }, system: 'new' }).system).toBe('new');
  });
});

describe('unknown placeholders are refused before anything is sent', () => {
  it.each<[string, string, string, RegExp]>([
    ['a typo', 'p.txt', 'Summarize:\n\n{{documnet}}', /Did you mean \{\{document\}\}\?/],
    ['another case', 'p.txt', 'Summarize {{Document}}', /Did you mean \{\{document\}\}\?/],
    ['a plural', 'p.txt', '{{ids}}: {{document}}', /Did you mean \{\{id\}\}\?/],
    ['a short form', 'p.txt', 'Summarize {{doc}}', /Did you mean \{\{document\}\}\?/],
    ['a record field without field.', 'p.txt', 'Title: {{title}}\n\n{{document}}', /A record's field is \{\{field\.title\}\}\./],
    ['field without a name', 'p.txt', '{{ field }} {{document}}', /\{\{field\.NAME\}\}/],
    ['in a .yaml user message', 't.yaml', 'user: "Q {{question}} {{document}}"\n', /\{\{field\.question\}\}/],
  ])('%s: a config error naming the placeholder and the file, with the known ones in the hint', (_label, file, text, hint) => {
    const cwd = dirWith({ [file]: text });
    const e = thrown(() => resolvePrompt(file, { cwd }));
    expect(e.code).toBe('config');
    expect(e.exitCode).toBe(2);
    expect(e.message).toMatch(/^Unknown placeholder \{\{[^}]+\}\} in /);
    expect(e.message).toContain(join(cwd, file));
    expect(e.message).not.toContain('\n');
    expect(e.hint).toMatch(hint);
    expect(e.hint).toContain('{{document}}, {{id}}, {{path}} and {{field.NAME}}');
  });

  it('names every unknown placeholder once', () => {
    const e = thrown(() => resolvePrompt('p.txt', { cwd: dirWith({ 'p.txt': '{{title}} {{author}} {{title}} {{document}}' }) }));
    expect(e.message).toMatch(/^Unknown placeholders \{\{title\}\}, \{\{author\}\} in /);
  });

  it.each<[string, ResolvePromptOptions & { spec: string }, string]>([
    ['the system message of a template file', { spec: 't.json', cwd: dirWith({ 't.json': '{"system": "You read {{titel}}.", "user": "{{document}}"}' }) }, 'the system message of '],
    ['a config prompt (string)', { spec: 'tldr', configPrompts: { tldr: 'One line: {{documnet}}' }, configPath: '/x/llmbatch.config.yaml' }, 'prompts.tldr of /x/llmbatch.config.yaml'],
    ['a config prompt (object)', { spec: 'tldr', configPrompts: { tldr: { user: '{{document}}', system: '{{lang}}' } } }, "the system message of the config's prompts.tldr"],
    ['--system text', { spec: 'summarize', system: 'Answer in {{language}}.' }, 'the --system text'],
    ['a --system file', { spec: 'summarize', cwd: dirWith({ 'sys.txt': 'About {{topic}}' }), system: 'sys.txt' }, 'the --system file '],
  ])('in %s', (_label, { spec, ...opts }, where) => {
    const e = thrown(() => resolvePrompt(spec, opts));
    expect(e.code).toBe('config');
    expect(e.message).toContain(where);
  });

  it.each([
    ['JSON braces', 'Answer as {"title": "…", "tags": [{"name": "x"}]} for:\n\n{{document}}'],
    ['JSON with doubled braces', 'Shape: {{"a": 1}} and {{ }} and {{}}\n\n{{document}}'],
    ['mustache-style triple braces around a known one', '{{{document}}}'],
    ['every known placeholder, with spaces', '{{ id }} {{path}} {{field.title}} {{field.first-name}} {{ document }}'],
    ['a lone {{', 'Use {{ to open a block.\n\n{{document}}'],
    ['not a name', '{{1}} {{#each}} {{a b}}'],
  ])('%s: not refused', (_label, user) => {
    const cwd = dirWith({ 'p.txt': user });
    expect(resolvePrompt('p.txt', { cwd }).user).toBe(user);
  });

  it.each(Object.keys(BUILTIN_PROMPTS))('the built-in %s passes, with and without --system', (name) => {
    expect(resolvePrompt(name)).toEqual(BUILTIN_PROMPTS[name]);
    expect(resolvePrompt(name, { system: 'Answer in French about {{path}}.' }).system).toBe('Answer in French about {{path}}.');
  });

  it('an overridden system message is not checked: it is not sent', () => {
    const cwd = dirWith({ 't.json': '{"system": "old {{typo}}", "user": "{{document}}"}' });
    expect(resolvePrompt('t.json', { cwd, system: 'new' }).system).toBe('new');
  });
});
