/**
 * Spawns the built CLI with an explicit minimal environment: a developer's real keys, config
 * and cache can never leak into a test, and the tool only ever talks to 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin/llmbatch.js');
export const FIXTURES = join(ROOT, 'fixtures');
export const TEST_KEY = 'sk-test-THISKEYMUSTNEVERLEAK-0123456789';

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  stdin?: string;
  /** Piped to stdin instead of `stdin`; the child may close its end early (EPIPE is not an error here). */
  stdinSource?: Iterable<Buffer> | AsyncIterable<Buffer>;
  /** Called with the child once spawned (to send signals). */
  onSpawn?: (child: ChildProcess) => void;
}

export function tempDir(prefix = 'llmbatch-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A state dir (cache, ledger) and a base env for one test. */
export function testEnv(baseURL?: string, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  const home = tempDir('llmbatch-home-');
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CACHE_HOME: join(home, 'cache'),
    NO_COLOR: '1',
    OPENAI_API_KEY: TEST_KEY,
    ...(baseURL ? { OPENAI_BASE_URL: baseURL } : {}),
    ...extra,
  };
}

export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const env = Object.fromEntries(Object.entries(opts.env ?? testEnv()).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
    if (opts.stdinSource) {
      child.stdin.on('error', () => {}); // EPIPE: the child stopped reading
      Readable.from(opts.stdinSource).pipe(child.stdin);
    } else if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
    else child.stdin.end();
    opts.onSpawn?.(child);
  });
}

/** N small distinct documents in nested folders. */
export function makeDocs(n: number, opts: { words?: number; dir?: string } = {}): string {
  const dir = opts.dir ?? tempDir('llmbatch-docs-');
  const words = opts.words ?? 40;
  for (let i = 0; i < n; i++) {
    const sub = join(dir, `part-${Math.floor(i / 50)}`);
    mkdirSync(sub, { recursive: true });
    const body = Array.from({ length: words }, (_, w) => `word${(i * 7 + w * 13) % 997}`).join(' ');
    writeFileSync(join(sub, `doc-${String(i).padStart(4, '0')}.txt`), `Document ${i}.\n\n${body}\n`);
  }
  return dir;
}

export function parseJsonl(text: string): any[] {
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}
