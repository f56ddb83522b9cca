/**
 * Rows gathered and written as one statement: at `size` rows, `ms` after the first pending row,
 * or on flush(). A transaction per row caps SQLite at a few hundred rows a second; batches
 * sustain tens of thousands. Flushes run one after another, in order.
 */
export class BatchWriter<T> {
  private pending: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (rows: T[]) => Promise<unknown>,
    private readonly size: number,
    private readonly ms: number,
  ) {}

  /** Rows not yet written (a reader may answer from them). */
  get rows(): readonly T[] {
    return this.pending;
  }

  push(row: T): void {
    this.pending.push(row);
    if (this.pending.length >= this.size) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.ms);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length) this.flushing = this.flushing.then(() => this.write(batch).then(() => undefined));
    return this.flushing;
  }
}
