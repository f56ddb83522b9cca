/**
 * ensurePrivateFile (src/cache/store.ts): what it creates is 0600 in a 0700 folder; what exists
 * keeps its mode (a folder passed as the cache path used to be chmod-ed 0600, losing its x bit).
 */
import { mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensurePrivateFile } from '../../src/cache/store.js';

const mode = (path: string) => statSync(path).mode & 0o777;
const temp = () => mkdtempSync(join(tmpdir(), 'llmbatch-private-'));

describe('ensurePrivateFile', () => {
  it('creates the file 0600 and missing folders 0700', () => {
    const dir = join(temp(), 'a', 'b');
    ensurePrivateFile(join(dir, 'cache.sqlite'));
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'cache.sqlite'))).toBe(0o600);
  });

  it('leaves the mode of an existing file alone (a cache shared with a group on purpose)', () => {
    const file = join(temp(), 'cache.sqlite');
    writeFileSync(file, '', { mode: 0o640 });
    ensurePrivateFile(file);
    expect(mode(file)).toBe(0o640);
  });

  it('refuses a folder (EISDIR) and leaves its mode alone', () => {
    const folder = join(temp(), 'sub');
    mkdirSync(folder, { mode: 0o755 });
    expect(() => ensurePrivateFile(folder)).toThrow(expect.objectContaining({ code: 'EISDIR', path: folder }));
    expect(mode(folder)).toBe(0o755);
  });
});
