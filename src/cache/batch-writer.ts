/**
 * Rows gathered and written as one statement: at `size` rows, `ms` after the first pending row,
 * or on flush(). A transaction per row caps SQLite at a few hundred rows a second; batches
 * sustain tens of thousands. Flushes run one after another, in order.
 *
 * A write that fails (the disk is full) is kept as `error`, never left as an unhandled
 * rejection; rows pushed after it are dropped. The owner turns `error` into its one message.
 */
export class BatchWriter<T> {
  private pending: T[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | null = null;

  constructor(
    private readonly write: (rows: T[]) => Promise<unknown>,
    private readonly size: number,
    private readonly ms: number,
  ) {}

  /** Rows not yet written (a reader may answer from them). */
  get rows(): readonly T[] {
    return this.pending;
  }

  /** The first failed write, if any. */
  get error(): { error: unknown } | null {
    return this.failure;
  }

  push(row: T): void {
    if (this.failure) return;
    this.pending.push(row);
    if (this.pending.length >= this.size) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.ms);
  }

  /** Resolves when everything pushed so far is written, or has failed (see `error`); never rejects. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length && !this.failure) {
      this.flushing = this.flushing
        .then(() => (this.failure ? undefined : this.write(batch)))
        .then(() => undefined, (error: unknown) => {
          this.failure ??= { error };
        });
    }
    return this.flushing;
  }
}
