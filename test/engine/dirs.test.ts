/** makeDirs (src/dirs.ts): `mkdir -p` that ends, even where Node's recursive mkdir spins. */
import { describe, expect, it } from 'vitest';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs } from '../../src/dirs.js';
import { tempDir } from '../support/cli.js';

// Wrapped async so that a throw reads as a rejection below.
const make = async (d: string, mode?: number) => makeDirs(d, mode);

describe('makeDirs', () => {
  it('creates missing levels with the mode, and accepts an existing folder', async () => {
    const root = tempDir();
    const deep = join(root, 'a', 'b', 'c');
    await make(deep, 0o700);
    expect(statSync(deep).isDirectory()).toBe(true);
    expect(statSync(join(root, 'a')).mode & 0o777).toBe(0o700);
    await make(deep);
    await make(root);
  });

  it('fails with EEXIST when a file is in the way', async () => {
    const root = tempDir();
    writeFileSync(join(root, 'file'), 'x');
    await expect(make(join(root, 'file'))).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(make(join(root, 'file', 'sub'))).rejects.toMatchObject({ code: expect.stringMatching(/ENOTDIR|EEXIST/) });
  });

  it.skipIf(!existsSync('/proc/self'))('ends with ENOENT under /proc, where recursive mkdir never returns', async () => {
    await expect(make('/proc/llmbatch-no-such/dir')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
