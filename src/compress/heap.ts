/**
 * Max-heap of unit indices by (density, static density, earlier first). Keys live in typed arrays
 * indexed by unit, not in per-entry objects: this loop runs once per unit or more.
 */
export class Heap {
  private readonly items: Int32Array;
  private n = 0;
  constructor(capacity: number, readonly density: Float64Array, private readonly staticDensity: Float64Array) {
    this.items = new Int32Array(capacity);
  }
  get size(): number {
    return this.n;
  }
  private better(a: number, b: number): boolean {
    const da = this.density[a];
    const db = this.density[b];
    if (da !== db) return da > db;
    const sa = this.staticDensity[a];
    const sb = this.staticDensity[b];
    return sa !== sb ? sa > sb : a < b;
  }
  push(unit: number): void {
    const h = this.items;
    let i = this.n++;
    h[i] = unit;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.better(h[i], h[p])) break;
      const t = h[i];
      h[i] = h[p];
      h[p] = t;
      i = p;
    }
  }
  pop(): number {
    const h = this.items;
    const top = h[0];
    h[0] = h[--this.n];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.n && this.better(h[l], h[m])) m = l;
      if (r < this.n && this.better(h[r], h[m])) m = r;
      if (m === i) break;
      const t = h[i];
      h[i] = h[m];
      h[m] = t;
      i = m;
    }
    return top;
  }
}
