// Shared plumbing of the benchmarks: spawning timed child processes (wall time measured here,
// CPU and peak RSS from GNU time's wait4 rusage), the loopback fake server in its own process,
// and a registry that kills every child we started, even when a benchmark throws.
//
// Every child is spawned `detached` (its own process group) so that killing the group takes
// GNU time *and* the node process under it; nothing else on the machine is touched.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = path.join(ROOT, 'bin/llmbatch.js');
export const FAKE = path.join(ROOT, 'test/support/fake-openai.js');
export const OUT_DIR = path.join(ROOT, 'bench/.out');
export const TIME = '/usr/bin/time';
export const HAVE_TIME = existsSync(TIME);

const children = new Set();

function killGroup(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}

/** Kill every child still running (SIGTERM, then SIGKILL after `graceMs`). */
export async function killAll(graceMs = 1000) {
  const live = [...children].filter((c) => c.exitCode === null && c.signalCode === null);
  for (const c of live) killGroup(c, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && live.some((c) => c.exitCode === null && c.signalCode === null)) {
    await sleep(25);
  }
  for (const c of live) killGroup(c, 'SIGKILL');
}

process.on('exit', () => {
  for (const c of children) killGroup(c, 'SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, async () => {
    await killAll(300);
    process.exit(130);
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Minimal, explicit env for the CLI: a developer's real keys and config can never leak in. */
export function cliEnv(stateDir, extra = {}) {
  return {
    PATH: process.env.PATH,
    HOME: stateDir,
    XDG_CACHE_HOME: path.join(stateDir, 'cache'),
    XDG_CONFIG_HOME: path.join(stateDir, 'config'),
    XDG_STATE_HOME: path.join(stateDir, 'state'),
    NO_COLOR: '1',
    OPENAI_API_KEY: 'sk-bench-not-a-real-key',
    ...extra,
  };
}

export async function tempDir(prefix = 'llmbatch-bench-') {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/**
 * Run `cmd args` to completion. With `timed` (default), it runs under GNU time, which reports
 * the child's user/sys CPU and peak RSS (worker threads included: they are the same process).
 * Resolves `{code, signal, wallMs, userMs, sysMs, cpuMs, maxRssKb, stdout, stderr}`; never
 * rejects on a non-zero exit (callers decide what a failure means).
 */
export async function run(cmd, args, { env = process.env, cwd = ROOT, timed = HAVE_TIME, timeoutMs = 15 * 60_000, stdoutFile } = {}) {
  const statFile = timed ? path.join(await tempDir('llmbatch-time-'), 'time.txt') : null;
  const argv = timed ? [TIME, '-f', '%e %U %S %M %x', '-o', statFile, cmd, ...args] : [cmd, ...args];
  const out = stdoutFile ? await fs.open(stdoutFile, 'w') : null;
  const t0 = performance.now();
  const child = spawn(argv[0], argv.slice(1), {
    env, cwd, detached: true, stdio: ['ignore', out ? out.fd : 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d) => { stdout += d; });
  child.stderr.setEncoding('utf8').on('data', (d) => { stderr = (stderr + d).slice(-200_000); });
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), timeoutMs);
  const [code, signal] = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c, s) => resolve([c, s]));
  }).finally(() => {
    clearTimeout(timer);
    children.delete(child);
  });
  const wallMs = performance.now() - t0;
  await out?.close();
  const res = { code, signal, wallMs, userMs: null, sysMs: null, cpuMs: null, maxRssKb: null, stdout, stderr };
  if (statFile) {
    const text = await fs.readFile(statFile, 'utf8').catch(() => '');
    await fs.rm(path.dirname(statFile), { recursive: true, force: true });
    // GNU time prefixes "Command exited with non-zero status N" / "Command terminated by signal".
    const last = text.trim().split('\n').pop() ?? '';
    const [, u, s, m, x] = last.split(' ').map(Number);
    if (Number.isFinite(u)) {
      Object.assign(res, { userMs: u * 1000, sysMs: s * 1000, cpuMs: (u + s) * 1000, maxRssKb: m });
      if (code === null && Number.isFinite(x)) res.code = x;
    }
  }
  return res;
}

/** Run the built CLI (`node bin/llmbatch.js …`). */
export function runCli(args, opts = {}) {
  return run(process.execPath, [CLI, ...args], opts);
}

/** A short, readable description of a failed child, for the report. */
export function failure(res) {
  const tail = res.stderr.trim().split('\n').slice(-3).join(' | ');
  const why = res.signal ? `killed by ${res.signal}` : `exit ${res.code}`;
  const hint = res.code === 13 ? ' (Node: unsettled top-level await — the event loop emptied while the command was still awaiting)' : '';
  return `${why}${hint}${tail ? `: ${tail.slice(0, 400)}` : ''}`;
}

/**
 * Start test/support/fake-openai.js in its own process (so its CPU is not the client's) and
 * wait for the base URL it prints. Returns `{baseURL, url, stats(), reset(), close()}`.
 */
export async function startFakeServer({ latencyMs = 200, extraArgs = [] } = {}) {
  const child = spawn(process.execPath, [FAKE, '--port', '0', '--latency', String(latencyMs), ...extraArgs], {
    cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('close', () => children.delete(child));
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d) => { err = (err + d).slice(-4000); });
  const baseURL = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`fake server did not start in 10 s: ${err}`)), 10_000);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      buf += d;
      const line = buf.split('\n')[0];
      if (buf.includes('\n')) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.once('close', (c) => {
      clearTimeout(timer);
      reject(new Error(`fake server exited (${c}) before printing its URL: ${err}`));
    });
  });
  const url = baseURL.replace(/\/v1\/?$/, '');
  return {
    baseURL,
    url,
    pid: child.pid,
    async stats() {
      const { log: _log, ...counts } = await (await fetch(`${url}/__fake/stats`)).json();
      return counts;
    },
    async reset() {
      await fetch(`${url}/__fake/reset`, { method: 'POST' });
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const closed = new Promise((r) => child.once('close', r));
      killGroup(child, 'SIGTERM');
      await Promise.race([closed, sleep(2000)]);
      killGroup(child, 'SIGKILL');
    },
  };
}

export function median(xs) {
  const s = [...xs].filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Megabyte as 10^6 bytes, for every MB and MB/s figure. */
export const MB = 1e6;

/** Files listed by a bench corpus manifest (corpus.js / corpus-many.js), as absolute paths. */
export async function manifestFiles(dir) {
  const m = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8'));
  return m.entries.map((e) => path.join(dir, e.path));
}

/** The commit measured and whether src/ had uncommitted changes (others edit it concurrently). */
function gitState() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).trim().split('\n').filter(Boolean).length;
    return { head, dirtySrcFiles: dirty };
  } catch {
    return { head: null, dirtySrcFiles: null };
  }
}

export function machine() {
  const cpus = os.cpus();
  return {
    git: gitState(),
    cores: os.availableParallelism?.() ?? cpus.length,
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    memGb: Math.round(os.totalmem() / 1024 ** 3),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
    loadavg: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}

/** Console progress for the person running the bench (stderr, so stdout stays clean). */
export function log(msg) {
  process.stderr.write(`[bench] ${msg}\n`);
}
