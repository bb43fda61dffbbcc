/** A binary min-heap on a numeric key: the simulator's agenda of timed steps. */
export class MinHeap<T> {
  private readonly keys: number[] = [];
  private readonly items: T[] = [];
  /** insertion counter, so equal keys come out first-in first-out (deterministic) */
  private readonly order: number[] = [];
  private counter = 0;

  get size(): number {
    return this.items.length;
  }

  push(key: number, item: T): void {
    this.keys.push(key);
    this.items.push(item);
    this.order.push(this.counter++);
    this.up(this.items.length - 1);
  }

  peekKey(): number | undefined {
    return this.keys[0];
  }

  pop(): T | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    const top = this.items[0]!;
    const lastKey = this.keys.pop()!;
    const lastItem = this.items.pop()!;
    const lastOrder = this.order.pop()!;
    if (n > 1) {
      this.keys[0] = lastKey;
      this.items[0] = lastItem;
      this.order[0] = lastOrder;
      this.down(0);
    }
    return top;
  }

  /** removes and returns every item whose key is ≤ `key`, in key order */
  popUntil(key: number): T[] {
    const out: T[] = [];
    while (this.items.length > 0 && this.keys[0]! <= key) out.push(this.pop()!);
    return out;
  }

  private less(i: number, j: number): boolean {
    const a = this.keys[i]!;
    const b = this.keys[j]!;
    return a < b || (a === b && this.order[i]! < this.order[j]!);
  }

  private swap(i: number, j: number): void {
    [this.keys[i], this.keys[j]] = [this.keys[j]!, this.keys[i]!];
    [this.items[i], this.items[j]] = [this.items[j]!, this.items[i]!];
    [this.order[i], this.order[j]] = [this.order[j]!, this.order[i]!];
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
