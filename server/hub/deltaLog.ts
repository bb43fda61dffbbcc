/**
 * The recent reliable deltas, kept so that a client that reconnects with its last sequence number
 * gets exactly what it missed. Bounded: once a client's position has been overwritten it gets a
 * fresh snapshot instead, never a silent gap.
 */
import type { Delta, Layer } from '@shared/schemas/live';

export interface LoggedDelta {
  delta: Delta;
  /** region codes from the city to the grid the change belongs to */
  path: readonly string[];
  layer: Layer;
  /**
   * focus and alert deltas go by the client's home region, not its layers: the home regions that
   * receive it (a client whose home is one of these codes)
   */
  homes?: readonly string[];
}

export function layerOf(delta: Delta): Layer {
  switch (delta.type) {
    case 'incident:reported':
    case 'incident:updated':
    case 'videoAlarm:updated':
    case 'focus:changed':
    case 'alert:changed':
      return 'incidents';
    case 'camera:updated':
      return 'cameras';
    case 'patrol:updated':
      return 'patrols';
  }
}

export class DeltaLog {
  private readonly items: (LoggedDelta | undefined)[];
  private start = 0;
  private count = 0;
  /** the seq that everything before the first retained delta is known up to */
  private floorSeq: number;

  constructor(
    readonly capacity: number,
    initialSeq: number,
  ) {
    this.items = new Array(capacity);
    this.floorSeq = initialSeq;
  }

  push(item: LoggedDelta): void {
    if (this.count === this.capacity) {
      this.floorSeq = this.items[this.start]!.delta.seq;
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    } else {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
    }
  }

  get size(): number {
    return this.count;
  }

  /**
   * Deltas with seq > afterSeq matching the filter, or null when some of them are no longer held
   * (the caller then sends a snapshot).
   */
  since(afterSeq: number, keep: (item: LoggedDelta) => boolean): Delta[] | null {
    if (afterSeq < this.floorSeq) return null;
    const out: Delta[] = [];
    for (let i = 0; i < this.count; i++) {
      const item = this.items[(this.start + i) % this.capacity]!;
      if (item.delta.seq > afterSeq && keep(item)) out.push(item.delta);
    }
    return out;
  }
}
