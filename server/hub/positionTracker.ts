/**
 * Latest position of every patrol, kept in typed arrays indexed by Patrol.idx. Positions are
 * lossy by design: only the newest fix matters, so the tracker coalesces everything that arrives
 * between two ticks into one entry per patrol.
 */
export class PositionTracker {
  private lng: Float64Array;
  private lat: Float64Array;
  private at: Float64Array;
  private dirtyFlag: Uint8Array;
  private dirtyList: number[] = [];
  private sampledFlag: Uint8Array;
  private sampleList: number[] = [];

  constructor(capacity: number) {
    this.lng = new Float64Array(capacity).fill(NaN);
    this.lat = new Float64Array(capacity).fill(NaN);
    this.at = new Float64Array(capacity);
    this.dirtyFlag = new Uint8Array(capacity);
    this.sampledFlag = new Uint8Array(capacity);
  }

  get capacity(): number {
    return this.lng.length;
  }

  /** grows the arrays when the roster grows */
  ensureCapacity(n: number): void {
    if (n <= this.capacity) return;
    const grow = <T extends Float64Array | Uint8Array>(a: T, make: (n: number) => T, fill?: number): T => {
      const b = make(n);
      if (fill !== undefined) b.fill(fill);
      b.set(a);
      return b;
    };
    this.lng = grow(this.lng, (k) => new Float64Array(k), NaN);
    this.lat = grow(this.lat, (k) => new Float64Array(k), NaN);
    this.at = grow(this.at, (k) => new Float64Array(k));
    this.dirtyFlag = grow(this.dirtyFlag, (k) => new Uint8Array(k));
    this.sampledFlag = grow(this.sampledFlag, (k) => new Uint8Array(k));
  }

  /**
   * records a fix unless an equal or newer one is already held; returns whether it was taken.
   * `sample` false: a fix another hub node took in (server/cluster), sampled for playback there
   */
  update(idx: number, lng: number, lat: number, at: number, sample = true): boolean {
    if (at < this.at[idx]!) return false;
    this.lng[idx] = lng;
    this.lat[idx] = lat;
    this.at[idx] = at;
    if (!this.dirtyFlag[idx]) {
      this.dirtyFlag[idx] = 1;
      this.dirtyList.push(idx);
    }
    if (sample && !this.sampledFlag[idx]) {
      this.sampledFlag[idx] = 1;
      this.sampleList.push(idx);
    }
    return true;
  }

  /** the columns themselves, for readers that walk many fixes (frames); replaced when they grow */
  columns(): { readonly lng: Float64Array; readonly lat: Float64Array; readonly at: Float64Array } {
    return { lng: this.lng, lat: this.lat, at: this.at };
  }

  get(idx: number): { lng: number; lat: number; at: number } | null {
    const lng = this.lng[idx];
    if (lng === undefined || Number.isNaN(lng)) return null;
    return { lng, lat: this.lat[idx]!, at: this.at[idx]! };
  }

  /** patrols that moved since the previous call */
  drainDirty(): number[] {
    const list = this.dirtyList;
    this.dirtyList = [];
    for (const i of list) this.dirtyFlag[i] = 0;
    return list;
  }

  /** patrols that moved since the previous track sample */
  drainForSampling(): number[] {
    const list = this.sampleList;
    this.sampleList = [];
    for (const i of list) this.sampledFlag[i] = 0;
    return list;
  }
}
