import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { readInputs, type InputItem, type InputOptions } from '../../src/documents/index.js';

const made: string[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A temp folder holding `files` (relative path → content); removed after each test. */
export async function tree(files: Record<string, string | Uint8Array>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'llmbatch-docs-'));
  made.push(root);
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(root, rel);
    await mkdir(path.dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
  return root;
}

export async function collect(inputs: string[], opts?: InputOptions): Promise<InputItem[]> {
  const items: InputItem[] = [];
  for await (const item of readInputs(inputs, opts)) items.push(item);
  return items;
}

/** A compact view: `doc id`, `skip path (reason)`, `error id`. */
export function summary(items: InputItem[]): string[] {
  return items.map((i) =>
    i.kind === 'document' ? `doc ${i.document.id}` : i.kind === 'skipped' ? `skip ${i.skipped.path} (${i.skipped.reason})` : `error ${i.error.id}`,
  );
}

export const docs = (items: InputItem[]) => items.flatMap((i) => (i.kind === 'document' ? [i.document] : []));
export const errors = (items: InputItem[]) => items.flatMap((i) => (i.kind === 'error' ? [i.error] : []));
export const skips = (items: InputItem[]) => items.flatMap((i) => (i.kind === 'skipped' ? [i.skipped] : []));
