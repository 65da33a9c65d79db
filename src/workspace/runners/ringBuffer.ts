// The last N lines of a run, in a fixed array: memory stays bounded however much a tool prints,
// and how many older lines were dropped is counted (and shown).

export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;
  /** Items pushed out to make room. */
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a whole number above 0');
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Items ever pushed. */
  get total(): number {
    return this.count + this.dropped;
  }

  push(item: T): void {
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
    } else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
      this.dropped++;
    }
  }

  /** The i-th kept item, oldest first. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.items[(this.start + i) % this.capacity];
  }

  /** Kept items [from, to), oldest first. */
  slice(from = 0, to = this.count): T[] {
    const a = Math.max(0, from);
    const b = Math.min(this.count, to);
    const out: T[] = [];
    for (let i = a; i < b; i++) out.push(this.items[(this.start + i) % this.capacity] as T);
    return out;
  }

  toArray(): T[] {
    return this.slice();
  }
}
