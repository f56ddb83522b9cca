import { describe, expect, it } from 'vitest';
import { BUILTIN_PROMPTS, hasDocumentPlaceholder, renderMessages, renderText, type PromptTemplate } from '../../src/prompt/index.js';

const doc = {
  id: 'records/tickets.csv#T-17',
  path: 'records/tickets.csv',
  fields: {
    title: 'Printer on fire',
    priority: 2,
    urgent: true,
    tags: ['hardware', 'fire'],
    meta: { floor: 3 },
    nothing: null,
  } as Record<string, unknown>,
};
const TEXT = 'The printer on floor 3 is on fire again.';

describe('renderText: placeholders', () => {
  it.each([
    ['{{document}}', TEXT],
    ['{{id}}', 'records/tickets.csv#T-17'],
    ['{{path}}', 'records/tickets.csv'],
    ['{{ document }}', TEXT],
    ['{{  id  }}', 'records/tickets.csv#T-17'],
    ['[{{id}}] ({{path}}): {{document}}', `[records/tickets.csv#T-17] (records/tickets.csv): ${TEXT}`],
    ['{{document}}\n---\n{{document}}', `${TEXT}\n---\n${TEXT}`],
    // field values: strings as they are, anything else as JSON
    ['{{field.title}}', 'Printer on fire'],
    ['{{field.priority}}', '2'],
    ['{{field.urgent}}', 'true'],
    ['{{field.tags}}', '["hardware","fire"]'],
    ['{{field.meta}}', '{"floor":3}'],
    // missing or null field → empty
    ['<{{field.missing}}>', '<>'],
    ['<{{field.nothing}}>', '<>'],
    // not a placeholder: left alone
    ['{{author}} {document} {{ field }}', '{{author}} {document} {{ field }}'],
    ['no placeholders at all', 'no placeholders at all'],
  ])('%j → %j', (template, expected) => {
    expect(renderText(template, doc, TEXT)).toBe(expected);
  });

  it('renders {{field.*}} as empty for a document without fields (plain files)', () => {
    expect(renderText('a{{field.title}}b', { id: 'x.txt', path: 'x.txt' }, 'text')).toBe('ab');
  });
});

describe('renderText: single pass', () => {
  // Text that came from the document (or its id, path, fields) is never scanned again.
  it.each([
    ['{{id}}'],
    ['{{document}}'],
    ['{{path}}'],
    ['{{field.title}}'],
    ['{{ document }} and {{field.x}} and {{id}}{{path}}'],
    // String.replace special patterns must not be interpreted either.
    ["$& $1 $$ $` $'"],
  ])('a document containing %j comes through verbatim', (evil) => {
    const text = `before ${evil} after`;
    expect(renderText('Summarize:\n\n{{document}}\n(id {{id}})', doc, text)).toBe(`Summarize:\n\n${text}\n(id ${doc.id})`);
    const [, user] = renderMessages({ name: 't', system: 'Doc {{id}}', user: 'Q: {{document}}' }, doc, text);
    expect(user.content).toBe(`Q: ${text}`);
  });

  it('ids, paths and field values containing placeholders come through verbatim', () => {
    const tricky = { id: 'a{{document}}b', path: 'p/{{id}}.txt', fields: { x: '{{path}}', y: '{{field.x}}' } };
    expect(renderText('{{id}}|{{path}}|{{field.x}}|{{field.y}}|{{document}}', tricky, 'T{{id}}')).toBe(
      'a{{document}}b|p/{{id}}.txt|{{path}}|{{field.x}}|T{{id}}',
    );
  });
});

describe('hasDocumentPlaceholder', () => {
  it.each([
    ['{{document}}', true],
    ['x {{ document }} y', true],
    ['{{documents}}', false],
    ['{document}', false],
    ['{{id}} {{path}}', false],
    ['', false],
  ])('%j → %s', (t, expected) => {
    expect(hasDocumentPlaceholder(t)).toBe(expected);
  });
});

describe('renderMessages', () => {
  it.each<[string, PromptTemplate, { role: string; content: string }[]]>([
    ['user template with {{document}}', { name: 't', user: 'Summarize:\n\n{{document}}' }, [{ role: 'user', content: `Summarize:\n\n${TEXT}` }]],
    ['document appended after a blank line', { name: 't', user: 'Summarize this.' }, [{ role: 'user', content: `Summarize this.\n\n${TEXT}` }]],
    ['trailing whitespace trimmed before appending', { name: 't', user: 'Summarize this.\n\n  \n' }, [{ role: 'user', content: `Summarize this.\n\n${TEXT}` }]],
    ['other placeholders still rendered when appending', { name: 't', user: 'About {{id}}:' }, [{ role: 'user', content: `About ${doc.id}:\n\n${TEXT}` }]],
    ['empty user template → the document alone', { name: 't', user: '' }, [{ role: 'user', content: TEXT }]],
    ['whitespace-only user template → the document alone', { name: 't', user: ' \n ' }, [{ role: 'user', content: TEXT }]],
    [
      'system message rendered with placeholders',
      { name: 't', system: 'You summarize {{path}} ({{field.title}}).', user: '{{document}}' },
      [{ role: 'system', content: 'You summarize records/tickets.csv (Printer on fire).' }, { role: 'user', content: TEXT }],
    ],
    ['empty system message left out', { name: 't', system: '', user: '{{document}}' }, [{ role: 'user', content: TEXT }]],
  ])('%s', (_label, prompt, expected) => {
    expect(renderMessages(prompt, doc, TEXT)).toEqual(expected);
  });

  it('a system message with {{document}} places the document: the user message does not get it again (it would be paid twice)', () => {
    const msgs = renderMessages({ name: 't', system: 'Context: {{document}}', user: 'Answer briefly.' }, doc, TEXT);
    expect(msgs).toEqual([
      { role: 'system', content: `Context: ${TEXT}` },
      { role: 'user', content: 'Answer briefly.' },
    ]);
  });

  it.each(Object.keys(BUILTIN_PROMPTS))('built-in %s renders a system and a user message holding the document once', (name) => {
    const msgs = renderMessages(BUILTIN_PROMPTS[name], doc, TEXT);
    expect(msgs.map((m) => m.role)).toEqual(['system', 'user']);
    expect(msgs[1].content.split(TEXT)).toHaveLength(2);
    expect(msgs[1].content).not.toMatch(/\{\{/);
  });
});
