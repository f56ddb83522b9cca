/**
 * Where results go (SPEC §9). Files are written atomically: a temp file in the same folder,
 * then rename — a reader never sees half a file, and an interrupted run never leaves one.
 * Folder mode mirrors the input tree under `<out>`; ids are sanitised so that nothing is ever
 * written outside `<out>` (`../`, absolute paths and odd characters are neutralised).
 */
import { constants, createWriteStream, type WriteStream } from 'node:fs';
import { access, rename, rm, writeFile } from 'node:fs/promises';
import { fileObstacle, makeDirs } from '../dirs.js';
import { once } from 'node:events';
import { dirname, join, resolve, sep } from 'node:path';
import { fsErrorText, LlmbatchError } from '../errors.js';

export interface OutputRecord {
  id: string;
  path: string;
  prompt: string;
  model: string;
  output: string | null;
  usage: { input_tokens: number; output_tokens: number; cached_input_tokens: number };
  cost_usd: number | null;
  /** The answering calls' time (README); null when no call answered (a failed or unreadable document). */
  latency_ms: number | null;
  cached: boolean;
  attempts: number;
  chunks: number;
  error: string | null;
}

export interface ResultSink {
  /** Before anything is sent: can the output be written at all? Throws a usage error if not. */
  prepare?(): Promise<void>;
  write(record: OutputRecord): Promise<void>;
  /** `commit` false = the run failed before anything useful; temp files are removed. */
  close(commit: boolean): Promise<void>;
}

const tmpName = (path: string) => `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * An output file's path names an existing folder: the run would send everything and only then
 * fail to put its file there. `flag`: how the user gave it (`--out x.jsonl`).
 */
export function refuseFolder(flag: string, path: string): void {
  const obstacle = fileObstacle(path);
  if (obstacle && 'folder' in obstacle) {
    throw new LlmbatchError('usage', `Cannot write ${flag}: ${path} is a folder`, 'Give a file name that is not a folder (or move the folder aside). Nothing was sent.');
  }
}

/** An output that cannot be written before the run starts: nothing has been sent. */
export function notWritable(what: string, e: unknown): LlmbatchError {
  return new LlmbatchError('usage', `Cannot write ${what}: ${fsErrorText(e)}`, 'Its folder must exist or be creatable, and be writable. Nothing was sent.', { cause: e });
}

/**
 * A write that failed mid-run (disk full, folder removed …). `cached`: the run keeps its answers
 * in the cache (without --no-cache), so running it again does not pay for them twice.
 */
export function writeFailed(what: string, e: unknown, cached: boolean): LlmbatchError {
  if (e instanceof LlmbatchError) return e;
  return new LlmbatchError('output', `Cannot write ${what}: ${fsErrorText(e)}`, cached
    ? 'The answers received so far are in the cache: fix the problem (space, permissions) and run the same command again; they will not be paid for twice.'
    : 'Fix the problem (space, permissions) and run the same command again; with --no-cache, every answer is paid for again.', { cause: e });
}

/** What a sink needs to know about the run it writes for. */
export interface SinkOptions {
  /** The run keeps its answers in the cache (not --no-cache): said in a failed write's hint. */
  cached: boolean;
}

/** Creates `dir` if needed and checks that files can be created in it. */
export async function ensureWritableDir(dir: string): Promise<void> {
  makeDirs(dir);
  await access(dir, constants.W_OK | constants.X_OK);
}

/** Write a whole file atomically: a temp file in the same folder, then rename. */
export async function writeAtomic(path: string, data: string): Promise<void> {
  makeDirs(dirname(path));
  const tmp = tmpName(path);
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export class JsonlFileSink implements ResultSink {
  private readonly tmp: string;
  private stream: Promise<WriteStream> | null = null;
  /** The stream's first error (a write fails after write() has returned: ENOSPC, EIO …). */
  private failure: Error | null = null;

  /** `createStream` is replaceable in tests (a stream whose writes fail). */
  constructor(readonly path: string, private readonly opts: SinkOptions, private readonly createStream: (path: string) => WriteStream = (p) => createWriteStream(p, { mode: 0o644 })) {
    this.tmp = tmpName(path);
  }

  private open(): Promise<WriteStream> {
    this.stream ??= (async () => {
      makeDirs(dirname(this.path));
      const s = this.createStream(this.tmp);
      await once(s, 'open'); // rejects with the open error (ENOENT, EACCES, EISDIR …)
      s.on('error', (e) => {
        this.failure ??= e;
      });
      return s;
    })();
    return this.stream;
  }

  async prepare(): Promise<void> {
    refuseFolder(`--out ${this.path}`, this.path);
    try {
      await this.open();
    } catch (e) {
      throw notWritable(`--out ${this.path}`, e);
    }
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
    if (this.failure) throw writeFailed(this.path, this.failure, this.opts.cached);
    if (!this.buffer.length) return;
    const chunk = this.buffer.join('');
    this.buffer = [];
    this.buffered = 0;
    try {
      const s = await this.open();
      // 'drain' never comes after a failed write: events.once rejects on 'error' instead.
      if (!s.write(chunk)) await once(s, 'drain');
    } catch (e) {
      throw writeFailed(this.path, e, this.opts.cached);
    }
  }

  async close(commit: boolean): Promise<void> {
    if (!commit) {
      // The run failed: drop the temp file (a previous output file stays as it was).
      (await this.stream?.catch(() => null))?.destroy();
      await rm(this.tmp, { force: true });
      return;
    }
    await this.drain();
    try {
      const s = await this.open();
      await new Promise<void>((res, rej) => {
        s.once('error', rej);
        s.end(() => res());
      });
      if (this.failure) throw this.failure;
      await rename(this.tmp, this.path);
    } catch (e) {
      throw writeFailed(this.path, e, this.opts.cached);
    }
  }
}

/** `docs/../x?.md` → `docs/x_.md`: POSIX segments, no `.`/`..`, a safe character set. */
export function sanitizeId(id: string): string {
  const parts = id
    .split(/[\\/]+/)
    .filter((p) => p && p !== '.' && p !== '..')
    .map((p) => p.replace(/[^A-Za-z0-9._#@+=,~-]/g, '_').replace(/^\.+/, '_').slice(0, 200));
  return parts.length ? parts.join('/') : '_';
}

export class FolderSink implements ResultSink {
  private readonly root: string;
  /**
   * Files written in this run (lower-cased: macOS and Windows file systems ignore case) and the
   * id that wrote each: ids that sanitise to the same name (`a?.md`, `a*.md`) get `~2`, … instead
   * of overwriting each other.
   */
  private readonly written = new Map<string, string>();

  constructor(dir: string, private readonly ext: '.md' | '.json', private readonly opts: SinkOptions) {
    this.root = resolve(dir);
  }

  async write(record: OutputRecord): Promise<void> {
    if (record.error !== null || record.output === null) return;
    const base = sanitizeId(record.id);
    let name = base;
    for (let n = 2; (this.written.get(name.toLowerCase()) ?? record.id) !== record.id; n++) name = `${base}~${n}`;
    this.written.set(name.toLowerCase(), record.id);
    const target = resolve(join(this.root, name + this.ext));
    if (!target.startsWith(this.root + sep)) {
      throw new LlmbatchError('internal', `Refusing to write outside ${this.root}: ${record.id}`);
    }
    try {
      await writeAtomic(target, record.output.endsWith('\n') ? record.output : record.output + '\n');
    } catch (e) {
      throw writeFailed(target, e, this.opts.cached);
    }
  }

  async prepare(): Promise<void> {
    try {
      await ensureWritableDir(this.root);
    } catch (e) {
      throw notWritable(`--out ${this.root}`, e);
    }
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
