/**
 * Token counting across cores. Counting is the CPU cost of `estimate` and `compare`; on a
 * large corpus the main thread reads and renders while worker threads count. Small inputs
 * never pay for a worker: the counter works in-process until `inlineBytes` of text have
 * been seen, and only then starts workers (tiktoken's WASM costs ~100 ms per worker).
 * Results are returned in submission order; at most `2 × workers` jobs are outstanding so
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

const sizeOf = (item: Item) => (typeof item === 'string' ? item.length : item.reduce((n, m) => n + m.content.length, 0));
const countOne = (item: Item, enc: Encoding) => (typeof item === 'string' ? countTokens(item, enc) : countChat(item, enc));

export class TokenCounter {
  private readonly workerCount: number;
  private readonly inlineBytes: number;
  private readonly jobBytes: number;
  private seen = 0;
  private workers: Worker[] = [];
  private next = 0;
  private jobId = 0;
  private pending = new Map<number, (counts: number[]) => void>();
  /** One open batch per encoding: callers alternating encodings still fill whole jobs. */
  private batches = new Map<Encoding, Batch>();
  private inFlight = 0;
  private waiters: (() => void)[] = [];

  constructor(opts: CounterOptions = {}) {
    this.workerCount = opts.workers ?? availableParallelism();
    this.inlineBytes = opts.inlineBytes ?? 4 * 1024 * 1024;
    this.jobBytes = opts.jobBytes ?? 512 * 1024;
  }

  /**
   * Count one request (messages) or text. Resolves with the exact count. Call `flush()` after
   * the last item so partly filled jobs are sent.
   */
  async count(item: Item, encoding: Encoding): Promise<number> {
    const size = sizeOf(item);
    this.seen += size;
    if (this.workerCount === 0 || this.seen <= this.inlineBytes) return countOne(item, encoding);
    while (this.inFlight >= this.workerCount * 2) await new Promise<void>((r) => this.waiters.push(r));
    return new Promise<number>((resolve) => {
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
    });
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
    this.pending.set(id, (counts) => {
      this.inFlight--;
      counts.forEach((n, i) => batch.resolvers[i](n));
      for (const wake of this.waiters.splice(0)) wake();
    });
    const worker = this.workers[this.next++ % this.workers.length];
    worker.postMessage({ id, encoding: batch.enc, items: batch.items });
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
    }
  }

  async close(): Promise<void> {
    this.flush();
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers = [];
  }
}
