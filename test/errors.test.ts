/** redact (src/errors.ts): what looks like a secret goes; ordinary text and URLs stay. */
import { describe, expect, it } from 'vitest';
import { fsErrorText, redact } from '../src/errors.js';
import { mkdirSync, mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('redact', () => {
  it.each([
    ['an OpenAI key', 'bad key sk-proj-abcdefgh12345678', 'bad key sk-[REDACTED]'],
    ['a bearer token', 'Authorization: Bearer eyJhbGciOi.abc_def', 'Authorization: Bearer [REDACTED]'],
    ['an api_key assignment', 'api_key="abcd1234efgh5678"', 'api_key="[REDACTED]"'],
    ['a password in a URL', '--base-url https://bob:hunter2@proxy.example/v1', '--base-url https://bob:[REDACTED]@proxy.example/v1'],
    ['a password without a user', 'http://:s3cret@127.0.0.1:8080/v1', 'http://:[REDACTED]@127.0.0.1:8080/v1'],
  ])('removes %s', (_name, text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it.each([
    'http://127.0.0.1:8080/v1',
    'http://bob@proxy.example/v1',
    'mail alice@example.com about http://example.com/a:b@c',
    'ratio 3:2 at 10:30',
  ])('keeps %j', (text) => {
    expect(redact(text)).toBe(text);
  });

  it('removes the literal secrets it is given', () => {
    expect(redact('token=plainsecret99 and more', ['plainsecret99'])).toBe('token=[REDACTED] and more');
  });
});

describe('fsErrorText', () => {
  it('names the folder in the way of a rename, not the temp file being renamed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmbatch-fserr-'));
    writeFileSync(join(dir, 'out.jsonl.tmp'), 'x');
    mkdirSync(join(dir, 'out.jsonl'));
    let err: unknown;
    try {
      renameSync(join(dir, 'out.jsonl.tmp'), join(dir, 'out.jsonl'));
    } catch (e) {
      err = e;
    }
    expect(fsErrorText(err)).toBe(`${join(dir, 'out.jsonl')} is a folder`);
  });
});
