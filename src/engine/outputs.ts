/**
 * Where results go (SPEC §9). Files are written atomically: a temp file in the same folder,
 * then rename — a reader never sees half a file, and an interrupted run never leaves one.
 * Folder mode mirrors the input tree under `<out>`; ids are sanitised so that nothing is ever
 * written outside `<out>` (`../`, absolute paths and odd characters are neutralised).
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { LlmbatchError } from '../errors.js';

export interface OutputRecord {
  id: string;
  path: string;
  prompt: string;
  model: string;
  output: string | null;
  usage: { input_tokens: number; output_tokens: number; cached_input_tokens: number };
  cost_usd: number | null;
  latency_ms: number;
  cached: boolean;
  attempts: number;
  chunks: number;
  error: string | null;
}

export interface ResultSink {
  write(record: OutputRecord): Promise<void>;
  /** `commit` false = the run failed before anything useful; temp files are removed. */
  close(commit: boolean): Promise<void>;
}

const tmpName = (path: string) => `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

/** Write a whole file atomically: a temp file in the same folder, then rename. */
export async function writeAtomic(path: string, data: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tmpName(path);
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export class JsonlFileSink implements ResultSink {
  private readonly tmp: string;
  private stream: Promise<WriteStream> | null = null;

  constructor(readonly path: string) {
    this.tmp = tmpName(path);
  }

  private open(): Promise<WriteStream> {
    this.stream ??= mkdir(dirname(this.path), { recursive: true }).then(() => createWriteStream(this.tmp, { mode: 0o644 }));
    return this.stream;
  }

  private buffer: string[] = [];
  private buffered = 0;

  /** Lines are gathered and written 64 KB at a time: one write per line was a hot spot. */
  async write(record: OutputRecord): Promise<void> {
    const line = JSON.stringify(record) + '\n';
    this.buffer.push(line);
    this.buffered += line.length;
    if (this.buffered >= 64 * 1024) await this.drain();
  }

  private async drain(): Promise<void> {
    if (!this.buffer.length) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.buffered = 0;
    const s = await this.open();
    if (!s.write(chunk)) await new Promise<void>((r) => s.once('drain', () => r()));
  }

  async close(commit: boolean): Promise<void> {
    await this.drain();
    const s = await this.open();
    await new Promise<void>((res, rej) => s.end((e?: Error | null) => (e ? rej(e) : res())));
    if (commit) await rename(this.tmp, this.path);
    else await rm(this.tmp, { force: true });
  }
}

/** `docs/../x?.md` → `docs/x_.md`: POSIX segments, no `.`/`..`, a safe character set. */
export function sanitizeId(id: string): string {
  const parts = id
    .split(/[\\/]+/)
    .filter((p) => p && p !== '.' && p !== '..')
    .map((p) => p.replace(/[^A-Za-z0-9._#@+=,-]/g, '_').replace(/^\.+/, '_').slice(0, 200));
  return parts.length ? parts.join('/') : '_';
}

export class FolderSink implements ResultSink {
  private readonly root: string;

  constructor(dir: string, private readonly ext: '.md' | '.json') {
    this.root = resolve(dir);
  }

  async write(record: OutputRecord): Promise<void> {
    if (record.error !== null || record.output === null) return;
    const target = resolve(join(this.root, sanitizeId(record.id) + this.ext));
    if (!target.startsWith(this.root + sep)) {
      throw new LlmbatchError('internal', `Refusing to write outside ${this.root}: ${record.id}`);
    }
    await writeAtomic(target, record.output.endsWith('\n') ? record.output : record.output + '\n');
  }

  async close(): Promise<void> {}
}

/** Reorders results into input order (documents finish out of order); writes one at a time. */
export class InOrder<T> {
  private next = 0;
  private held = new Map<number, T | null>();
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly emit: (item: T) => Promise<void>) {}

  get size(): number {
    return this.held.size;
  }

  /** `item` null = this index produced nothing to write (e.g. interrupted). */
  put(index: number, item: T | null): Promise<void> {
    this.held.set(index, item);
    const ready: T[] = [];
    while (this.held.has(this.next)) {
      const it = this.held.get(this.next)!;
      this.held.delete(this.next++);
      if (it !== null) ready.push(it);
    }
    return this.write(ready);
  }

  /** At the end (or on interrupt): write whatever is held, in order, skipping gaps. */
  drain(): Promise<void> {
    const keys = [...this.held.keys()].sort((a, b) => a - b);
    const ready = keys.map((i) => this.held.get(i)!).filter((it) => it !== null) as T[];
    this.held.clear();
    return this.write(ready);
  }

  private write(items: T[]): Promise<void> {
    if (items.length) {
      this.writing = this.writing.then(async () => {
        for (const it of items) await this.emit(it);
      });
    }
    return this.writing;
  }
}
