/**
 * Token counting across cores. Counting is the CPU cost of `estimate` and `compare`; on a
 * large corpus the main thread reads and renders while worker threads count. Small inputs
 * never pay for a worker: the counter works in-process until `inlineBytes` of text have been
 * seen. Workers are started a little earlier (at a quarter of that), because building an
 * encoder costs a worker ~0.4 s, which then overlaps the in-process counting. Each job goes to
 * the worker with the fewest outstanding jobs; at most `3 × workers` jobs are outstanding so
 * memory stays bounded.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { countChat, type ChatMessage } from './chat.js';
import { countTokens } from './encoder.js';
import type { Encoding } from '../models/types.js';

type Item = ChatMessage[] | string;

export interface CounterOptions {
  /** Worker threads to use once the input is large (default: available cores). 0 = never. */
  workers?: number;
  /** Text seen in-process before workers start (default 4 MB). */
  inlineBytes?: number;
  /** Text per job sent to a worker (default 512 KB). */
  jobBytes?: number;
}

interface Batch {
  enc: Encoding;
  items: Item[];
  resolvers: ((n: number) => void)[];
  bytes: number;
}

/** FIFO with O(1) shift (Array#shift moves every element). */
class Queue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(x: T): void {
    this.items.push(x);
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const x = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
}

const sizeOf = (item: Item) => (typeof item === 'string' ? item.length : item.reduce((n, m) => n + m.content.length, 0));
const countOne = (item: Item, enc: Encoding) => (typeof item === 'string' ? countTokens(item, enc) : countChat(item, enc));

export class TokenCounter {
  private readonly workerCount: number;
  private readonly inlineBytes: number;
  private readonly jobBytes: number;
  private seen = 0;
  private workers: Worker[] = [];
  /** Outstanding jobs per worker. */
  private load: number[] = [];
  private jobId = 0;
  private pending = new Map<number, (counts: number[]) => void>();
  /** One open batch per encoding: callers alternating encodings still fill whole jobs. */
  private batches = new Map<Encoding, Batch>();
  private inFlight = 0;
  /**
   * Items that arrived while enough jobs were out. Callers do not await each count (they keep
   * a window of documents in progress), so thousands may wait here: a plain queue, drained as
   * jobs return. (Parking each caller on a promise and waking them all at every returned job
   * cost compare, with seven counts per document, a second of garbage collection per corpus.)
   */
  private backlog = new Queue<{ item: Item; encoding: Encoding; resolve: (n: number) => void; size: number }>();

  constructor(opts: CounterOptions = {}) {
    this.workerCount = opts.workers ?? availableParallelism();
    this.inlineBytes = opts.inlineBytes ?? 2 * 1024 * 1024;
    this.jobBytes = opts.jobBytes ?? 512 * 1024;
  }

  /**
   * Count one request (messages) or text. Resolves with the exact count. Call `flush()` after
   * the last item so partly filled jobs are sent.
   */
  count(item: Item, encoding: Encoding): Promise<number> {
    const size = sizeOf(item);
    this.seen += size;
    if (this.workerCount > 0 && this.workers.length === 0 && this.seen > this.inlineBytes / 4) this.start();
    if (this.workerCount === 0 || this.seen <= this.inlineBytes) {
      try {
        return Promise.resolve(countOne(item, encoding));
      } catch (e) {
        return Promise.reject(e as Error);
      }
    }
    return new Promise<number>((resolve) => {
      // Enough jobs out: the item waits in the backlog (in order), taken up as jobs come back.
      if (this.inFlight >= this.workerCount * 3) this.backlog.push({ item, encoding, resolve, size });
      else this.enqueue(item, encoding, resolve, size);
    });
  }

  private enqueue(item: Item, encoding: Encoding, resolve: (n: number) => void, size: number): void {
    let batch = this.batches.get(encoding);
    if (!batch) {
      const fresh: Batch = { enc: encoding, items: [], resolvers: [], bytes: 0 };
      this.batches.set(encoding, (batch = fresh));
      // A caller that awaits each count must not wait for a full job.
      setTimeout(() => this.batches.get(encoding) === fresh && this.send(fresh), 2);
    }
    batch.items.push(item);
    batch.resolvers.push(resolve);
    batch.bytes += size;
    if (batch.bytes >= this.jobBytes) this.send(batch);
  }

  /** Backlogged items into batches while fewer jobs than the bound are out. */
  private drain(): void {
    while (this.backlog.length > 0 && this.inFlight < this.workerCount * 3) {
      const b = this.backlog.shift()!;
      this.enqueue(b.item, b.encoding, b.resolve, b.size);
    }
  }

  flush(): void {
    for (const b of [...this.batches.values()]) this.send(b);
  }

  private send(batch: Batch): void {
    if (this.batches.get(batch.enc) === batch) this.batches.delete(batch.enc);
    if (batch.items.length === 0) return;
    if (this.workers.length === 0) this.start();
    const id = ++this.jobId;
    this.inFlight++;
    let w = 0;
    for (let i = 1; i < this.workers.length; i++) if (this.load[i] < this.load[w]) w = i;
    this.load[w]++;
    // Only the resolvers wait for the reply: the texts went to the worker (copied), and holding
    // them here meanwhile kept every document's text alive long enough to be promoted to the old
    // generation, which then grew with the number of files (peak RSS, BENCHMARKS.md).
    const { resolvers } = batch;
    this.pending.set(id, (counts) => {
      this.inFlight--;
      this.load[w]--;
      counts.forEach((n, i) => resolvers[i](n));
      this.drain();
    });
    this.workers[w].postMessage({ id, encoding: batch.enc, items: batch.items });
  }

  private start(): void {
    const url = new URL('./worker.js', import.meta.url);
    for (let i = 0; i < this.workerCount; i++) {
      const w = new Worker(url);
      w.on('message', (msg: { id: number; counts: number[] }) => {
        const done = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        done?.(msg.counts);
      });
      this.workers.push(w);
      this.load.push(0);
    }
  }

  async close(): Promise<void> {
    this.flush();
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
    this.load = [];
  }
}
