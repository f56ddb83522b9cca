import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { boundedLines } from '../../src/documents/records.js';
import { readNotes } from '../../src/documents/index.js';
import { collect, docs, errors, skips, summary, tree } from './helpers.js';

describe('JSONL records', () => {
  const jsonl = [
    '{"id": "a", "text": "first"}',
    '',
    '{"text": "no id here"}',
    '{"id": "c", "text": "broken"',
    '[1, 2]',
    '{"id": "e", "title": "no text field"}',
    '{"id": "f", "content": "from content"}',
    '{"id": 7, "body": "numeric id, from body"}',
    '{"id": "h", "text": "   "}',
    '{"id": "i", "text": "after the bad lines"}',
  ].join('\n');

  it('yields one document per line; a bad line is an error naming file:line and the rest still runs', async () => {
    const root = await tree({ 'data/r.jsonl': jsonl });
    const items = await collect([root]);
    expect(summary(items)).toEqual([
      'doc data/r.jsonl#a',
      'doc data/r.jsonl:3',
      'error data/r.jsonl:4',
      'error data/r.jsonl:5',
      'error data/r.jsonl:6',
      'doc data/r.jsonl#f',
      'doc data/r.jsonl#7',
      'skip data/r.jsonl#h (empty)',
      'doc data/r.jsonl#i',
    ]);
    const [bad, notObject, noText] = errors(items);
    expect(bad).toMatchObject({ id: 'data/r.jsonl:4', path: 'data/r.jsonl', index: 2 });
    expect(bad.message).toMatch(/^data\/r\.jsonl:4: malformed JSON \(.+\)$/);
    expect(notObject.message).toBe('data/r.jsonl:5: malformed JSON (expected an object, got an array)');
    expect(noText.message).toMatch(/^data\/r\.jsonl:6: record has no text field/);
    expect(docs(items).map((d) => d.index)).toEqual([0, 1, 5, 6, 7]);
    expect(docs(items)[0]).toMatchObject({ path: 'data/r.jsonl', text: 'first', fields: { id: 'a', text: 'first' } });
  });

  it.each(['r.ndjson', 'r.jsonl.gz'])('reads %s the same way', async (name) => {
    const content = '{"id": "x", "text": "hello"}\r\n{"id": "y", "text": "world"}\r\n';
    const root = await tree({ [name]: name.endsWith('.gz') ? gzipSync(content) : content });
    expect(summary(await collect([root]))).toEqual([`doc ${name}#x`, `doc ${name}#y`]);
  });

  it.each([
    [{ textField: 'summary' }, ['doc r.jsonl#1'], 'short'],
    [{ idField: 'sku' }, ['doc r.jsonl#K-9'], 'long text'],
    [{ textField: 'summary', idField: 'missing' }, ['doc r.jsonl:1'], 'short'],
  ])('honours %j', async (opts, ids, text) => {
    const root = await tree({ 'r.jsonl': '{"id": 1, "sku": "K-9", "text": "long text", "summary": "short"}\n' });
    const items = await collect([root], opts);
    expect(summary(items)).toEqual(ids);
    expect(docs(items)[0].text).toBe(text);
  });

  it('reports a record without the requested text field', async () => {
    const root = await tree({ 'r.jsonl': '{"id": 1, "text": "t"}\n' });
    const [err] = errors(await collect([root], { textField: 'summary' }));
    expect(err.message).toBe('r.jsonl:1: record has no text field (expected "summary"; set --text-field)');
  });

  it('skips a record file with no records as empty', async () => {
    const root = await tree({ 'r.jsonl': '\n\n', 't.csv': 'id,text\n' });
    expect(summary(await collect([root]))).toEqual(['skip r.jsonl (empty)', 'skip t.csv (empty)']);
  });

  it('reports a corrupt gzip record file as an error and goes on', async () => {
    const good = gzipSync('{"id": "a", "text": "one"}\n'.repeat(2000));
    const root = await tree({ 'a.jsonl.gz': good.subarray(0, good.length - 20), 'b.md': 'after' });
    const items = await collect([root]);
    expect(errors(items)).toHaveLength(1);
    expect(errors(items)[0].message).toMatch(/^a\.jsonl\.gz:\d+: read failed \(unreadable: corrupt gzip/);
    expect(docs(items).at(-1)?.id).toBe('b.md');
  });
});

describe('CSV records', () => {
  const csv =
    'id,title,body\r\n' +
    'T-1,Plain,Simple body\r\n' +
    'T-2,"Quoted, with comma","She said ""hi"", then left"\r\n' +
    'T-3,Multi,"first line,\r\nsecond line"\r\n' +
    ',No id,row without an id\r\n' +
    'T-5,too,many,fields\r\n' +
    'T-6,Short row\r\n' +
    'T-7,Last,"done"';

  it('yields one document per row, with quoted fields, doubled quotes and embedded newlines', async () => {
    const root = await tree({ 't.csv': csv });
    const items = await collect([root]);
    expect(summary(items)).toEqual([
      'doc t.csv#T-1',
      'doc t.csv#T-2',
      'doc t.csv#T-3',
      'doc t.csv:6',
      'error t.csv:7',
      'skip t.csv#T-6 (empty)',
      'doc t.csv#T-7',
    ]);
    const d = docs(items);
    expect(d[1].text).toBe('She said "hi", then left');
    expect(d[1].fields).toEqual({ id: 'T-2', title: 'Quoted, with comma', body: 'She said "hi", then left' });
    expect(d[2].text).toBe('first line,\r\nsecond line');
    expect(errors(items)[0].message).toBe('t.csv:7: malformed CSV (row has 4 fields, header has 3)');
  });

  it('reports an unterminated quote at the line where its row starts', async () => {
    const root = await tree({ 't.csv': 'id,text\nA,fine\nB,"never closed\nmore\n' });
    const items = await collect([root]);
    expect(summary(items)).toEqual(['doc t.csv#A', 'error t.csv:3']);
    expect(errors(items)[0].message).toBe('t.csv:3: malformed CSV (unterminated quoted field)');
  });
});

describe('JSON files', () => {
  it('reads an array of objects as records, with ids or the line each record starts on', async () => {
    const json = '[\n  {"id": "q1", "content": "One"},\n  {\n    "content": "Two, no id"\n  },\n  {"id": "q3", "content": "Three [with] {braces} \\"and\\" quotes"}\n]\n';
    const root = await tree({ 'faq.json': json });
    const items = await collect([root]);
    expect(summary(items)).toEqual(['doc faq.json#q1', 'doc faq.json:3', 'doc faq.json#q3']);
    expect(docs(items)[2].text).toBe('Three [with] {braces} "and" quotes');
  });

  it.each([
    ['an object', '{"text": "not an array"}', 'a JSON object, not an array of objects'],
    ['a string', '"just a string"', 'a JSON string, not an array of objects'],
    ['a number', '42', 'a JSON number, not an array of objects'],
    ['null', 'null', 'JSON null, not an array of objects'],
    ['an array of strings', '["a", "b"]', 'an array with no objects in it'],
    ['an array of arrays', '[[1], [2]]', 'an array with no objects in it'],
    ['JSON with comments (tsconfig.json)', '{ "a": 1, // comment\n}', 'not valid JSON'],
  ])('reads %s as one plain text document, with a note saying why', async (_name, json, note) => {
    const root = await tree({ 'x.json': json });
    const items = await collect([root]);
    expect(summary(items)).toEqual(['doc x.json']);
    expect(docs(items)[0].text).toBe(json);
    expect(docs(items)[0].note).toBe(note);
  });

  it('an array of objects carries no note; nor does a plain file', async () => {
    const root = await tree({ 'r.json': '[{"text": "a"}]', 'notes.md': '# not records' });
    expect(docs(await collect([root])).map((d) => d.note)).toEqual([undefined, undefined]);
  });

  it('in an array of objects, an element that is not one is an error naming file:line; the rest still run', async () => {
    const json = '[\n  {"id": "a", "text": "first"},\n  "stray string",\n  null,\n  {"id": "d", "text": "last"}\n]\n';
    const items = await collect([await tree({ 'r.json': json })]);
    expect(summary(items)).toEqual(['doc r.json#a', 'error r.json:3', 'error r.json:4', 'doc r.json#d']);
    expect(errors(items).map((e) => e.message)).toEqual([
      'r.json:3: not a record (expected an object, got a string)',
      'r.json:4: not a record (expected an object, got null)',
    ]);
    expect(docs(items).map((d) => d.note)).toEqual([undefined, undefined]);
  });

  // The reasons are V8's (Node 20 here); the assertions pin the place and the shape.
  it.each([
    ['cut short', '[\n  {"text": "one"},\n  {"text": "two"', /^r\.json:3: malformed JSON \(Expected ',' or '\}' after property value\)$/],
    ['a missing comma', '[\n  {"text": "one"}\n  {"text": "two"}\n]', /^r\.json:3: malformed JSON \(Expected ',' or '\]' after array element\)$/],
    ['only the opening bracket', '  [', /^r\.json:1: malformed JSON \(Unexpected end of JSON input\)$/],
  ])('an array that does not parse (%s) is one error naming file:line, not a text document', async (_name, json, message) => {
    const items = await collect([await tree({ 'r.json': json })]);
    expect(docs(items)).toEqual([]);
    expect(errors(items)).toHaveLength(1);
    expect(errors(items)[0].message).toMatch(message);
  });

  it('an error V8 gives no position for names the file, in one line (the text it quotes is left out)', async () => {
    const items = await collect([await tree({ 'r.json': '[\n  {"text": tru}\n]' })]);
    expect(errors(items).map((e) => e.id)).toEqual(['r.json']);
    expect(errors(items)[0].message).toMatch(/^r\.json: malformed JSON \(Unexpected token '\}'\)$/);
  });

  it('skips an empty array as empty', async () => {
    const root = await tree({ 'x.json': '[]' });
    expect(skips(await collect([root]))).toEqual([{ path: 'x.json', reason: 'empty' }]);
  });
});

describe('readNotes: one warning for every .json file read as text', () => {
  const note = 'a JSON object, not an array of objects';
  const warningFor = (paths: string[]) => {
    const notes = readNotes();
    notes.add({ path: 'plain.md' });
    for (const path of paths) notes.add({ path, note });
    return notes.warning();
  };

  it.each<[string, string[], string | undefined]>([
    ['none', [], undefined],
    ['one', ['a.json'], `a.json is ${note}: it is read as one text document, not as records`],
    ['two', ['a.json', 'b.json'], `2 .json files are not arrays of objects: each is read as one text document, not as records (a.json: ${note}; b.json: ${note})`],
  ])('%s', (_label, paths, expected) => {
    expect(warningFor(paths)).toBe(expected);
  });

  it('names the first three of many, and counts the rest', () => {
    const warning = warningFor(['a.json', 'b.json', 'c.json', 'd.json', 'e.json']);
    expect(warning).toMatch(/^5 \.json files are not arrays of objects: .*\(a\.json: .*; b\.json: .*; c\.json: .*; and 2 more\)$/);
    expect(warning).not.toContain('d.json');
  });
});

describe('boundedLines (JSONL line splitting)', () => {
  const lines = async (chunks: (string | Buffer)[], max = 1024) => {
    const out: (string | null)[] = [];
    for await (const l of boundedLines(Readable.from(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))), max)) out.push(l);
    return out;
  };

  it('splits LF and CRLF lines across chunk boundaries, keeps a last line without a line end', async () => {
    expect(await lines(['a\r', '\nbb', 'b\n\nc', 'c'])).toEqual(['a', 'bbb', '', 'cc']);
  });

  it('decodes a character split between chunks', async () => {
    const e = Buffer.from('é\n');
    expect(await lines([e.subarray(0, 1), e.subarray(1)])).toEqual(['é']);
  });

  it('drops a line over the limit (null) and goes on with the next ones', async () => {
    expect(await lines(['ok\n', 'x'.repeat(6), 'x'.repeat(6), '\nafter\n', 'y'.repeat(20)], 10)).toEqual(['ok', null, 'after', null]);
  });
});
