/**
 * The compare HTML in a real browser: Debian's chromium, headless, driven over the DevTools
 * protocol through `--remote-debugging-pipe` (NUL-delimited JSON on fds 3 and 4, so no
 * WebSocket client is needed on Node 20). Checks the charts as the browser built them and
 * records every request the page made: only the file itself may appear.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { renderCompareHtml } from '../../src/cli/render/html.js';
import { liveCompare } from './fixtures.js';
import { assertNoNetwork } from './html-helpers.js';

const CANDIDATES = [process.env.CHROMIUM_BIN, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function findChromium(): string | undefined {
  return CANDIDATES.find((p): p is string => !!p && existsSync(p));
}

/** As the CI script does: install Debian's chromium when missing and we are root. */
function installChromium(): string | undefined {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return undefined;
  const run = (args: string[]) => spawnSync('apt-get', args, { stdio: 'ignore', timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (run(['update']).status !== 0) return undefined;
  run(['install', '-y', 'chromium']);
  return findChromium();
}

const chromium = findChromium() ?? installChromium();

type Message = { id?: number; method?: string; params?: any; result?: any; error?: { message: string }; sessionId?: string };

/** A minimal DevTools-protocol client over chromium's debugging pipe. */
class PipeClient {
  private nextId = 0;
  private buffered = Buffer.alloc(0);
  private pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  readonly events: Message[] = [];
  private waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];

  constructor(private readonly input: Writable, output: Readable) {
    output.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      let end: number;
      while ((end = this.buffered.indexOf(0)) >= 0) {
        const msg = JSON.parse(this.buffered.subarray(0, end).toString('utf8')) as Message;
        this.buffered = this.buffered.subarray(end + 1);
        this.dispatch(msg);
      }
    });
  }

  private dispatch(msg: Message): void {
    if (msg.id !== undefined) {
      const p = this.pending.get(msg.id);
      this.pending.delete(msg.id);
      if (msg.error) p?.reject(new Error(msg.error.message));
      else p?.resolve(msg.result);
      return;
    }
    this.events.push(msg);
    this.waiters = this.waiters.filter((w) => (w.match(msg) ? (w.resolve(msg), false) : true));
  }

  send(method: string, params: object = {}, sessionId?: string): Promise<any> {
    const id = ++this.nextId;
    this.input.write(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }) + '\0');
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  waitFor(method: string, sessionId: string): Promise<Message> {
    const match = (m: Message) => m.method === method && m.sessionId === sessionId;
    const seen = this.events.find(match);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => this.waiters.push({ match, resolve }));
  }
}

const dirs: string[] = [];
let browser: ChildProcess | undefined;

afterAll(() => {
  if (browser && browser.exitCode === null) browser.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('compare HTML in headless chromium', () => {
  const why = chromium ? '' : ' [skipped: no chromium found at /usr/bin/chromium (or $CHROMIUM_BIN) and `apt-get install chromium` failed or needs root]';
  it.skipIf(!chromium)(`renders every chart with one bar per variant and makes no network request${why}`, async () => {
    const result = liveCompare();
    const html = renderCompareHtml(result);
    assertNoNetwork(html);
    const dir = mkdtempSync(join(tmpdir(), 'llmbatch-html-'));
    const profile = mkdtempSync(join(tmpdir(), 'llmbatch-chromium-'));
    dirs.push(dir, profile);
    const file = join(dir, 'compare.html');
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;

    browser = spawn(chromium!, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync', '--disable-extensions',
      `--user-data-dir=${profile}`, '--remote-debugging-pipe', 'about:blank',
    ], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
    let stderr = '';
    browser.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
    const exited = new Promise<void>((resolve) => browser!.once('exit', () => resolve()));
    const cdp = new PipeClient(browser.stdio[3] as Writable, browser.stdio[4] as Readable);

    try {
      const { targetId } = await cdp.send('Target.createTarget', { url: 'about:blank' });
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
      await cdp.send('Network.enable', {}, sessionId);
      await cdp.send('Page.enable', {}, sessionId);
      await cdp.send('Log.enable', {}, sessionId);
      await cdp.send('Runtime.enable', {}, sessionId);
      const loaded = cdp.waitFor('Page.loadEventFired', sessionId);
      await cdp.send('Page.navigate', { url }, sessionId);
      await loaded;

      const { result: evaluated } = await cdp.send('Runtime.evaluate', {
        returnByValue: true,
        expression: `(() => {
          const charts = {};
          for (const svg of document.querySelectorAll('svg.chart')) {
            charts[svg.id] = [...svg.querySelectorAll('rect[data-value]')].map((r) => ({
              variant: r.dataset.variant, series: r.dataset.series ?? null, value: r.dataset.value,
              width: r.getBBox().width, title: r.querySelector('title')?.textContent ?? null,
            }));
          }
          return {
            charts,
            scripts: document.scripts.length,
            resources: performance.getEntriesByType('resource').map((e) => e.name),
            cells: [...document.querySelectorAll('tbody tr td:first-child')].map((td) => td.textContent),
          };
        })()`,
      }, sessionId);
      const page = evaluated.value as {
        charts: Record<string, { variant: string; series: string | null; value: string; width: number; title: string | null }[]>;
        scripts: number;
        resources: string[];
        cells: string[];
      };

      const names = result.variants.map((v) => v.name);
      expect(Object.keys(page.charts).sort()).toEqual(['chart-cost', 'chart-latency', 'chart-savings', 'chart-tokens']);
      expect(page.charts['chart-cost'].map((r) => [r.variant, Number(r.value)])).toEqual(result.variants.map((v) => [v.name, v.cost_usd]));
      for (const series of ['input', 'output'] as const) {
        const rects = page.charts['chart-tokens'].filter((r) => r.series === series);
        expect(rects.map((r) => [r.variant, Number(r.value)])).toEqual(result.variants.map((v) => [v.name, v[`${series}_tokens`]]));
      }
      expect(page.charts['chart-savings'].map((r) => [r.variant, Number(r.value)])).toEqual(result.variants.map((v) => [v.name, v.delta_cost_pct]));
      expect(page.charts['chart-latency'].map((r) => [r.variant, Number(r.value)])).toEqual(result.variants.map((v) => [v.name, v.latency_ms!.p50]));
      // The browser laid the bars out in proportion: costlier variants get wider bars.
      const widths = page.charts['chart-cost'].map((r) => r.width);
      expect(widths[2]).toBeGreaterThan(widths[0]);
      expect(widths[0]).toBeGreaterThan(widths[1]);
      for (const r of page.charts['chart-cost']) expect(r.title).toContain(r.variant);
      // The <script> variant is text in the DOM, not an element.
      expect(page.scripts).toBe(0);
      expect(page.cells).toContain('<script>alert("x")</script>@gpt-4o');
      expect(names).toContain('<script>alert("x")</script>@gpt-4o');

      // No request but the file itself, neither seen by the network layer nor by the page.
      const requested = cdp.events
        .filter((e) => e.method === 'Network.requestWillBeSent' && e.sessionId === sessionId)
        .map((e) => e.params.request.url as string);
      expect(requested).toContain(url); // the monitor works: it saw the page itself
      expect(requested.filter((u) => u !== url)).toEqual([]);
      expect(page.resources).toEqual([]);
      const problems = cdp.events
        .filter((e) => e.method === 'Log.entryAdded' && e.sessionId === sessionId)
        .map((e) => `${e.params.entry.source}: ${e.params.entry.text}`);
      expect(problems).toEqual([]);
    } catch (e) {
      throw new Error(`${(e as Error).message}\nchromium stderr:\n${stderr.slice(-2000)}`, { cause: e });
    } finally {
      await cdp.send('Browser.close').catch(() => undefined);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
  });
});
