/**
 * Patrols or cameras by region without a scan: units sorted by their grid's place in the region
 * tree's depth-first numbering, so that the units of any region are one contiguous run found by
 * two binary searches. A province root's 243,722 patrols were scanned with a containment test per
 * unit for every snapshot and every figure (about 90 ms each time); a run is read in a few.
 *
 * The index holds keys, not the units: status changes replace a unit's object but not its grid,
 * so the current object is looked up when the run is read. It is rebuilt when the roster is
 * loaded or replaced (the hub's rosterVersion).
 */
import { ITEMS_PER_STEP, runInSlices, runToEnd, type Steps } from '../lib/slices';
import type { GeoContext } from './geoContext';

export class UnitIndex<K, U extends { gridCode: string }> {
  private positions = new Float64Array(0);
  private keys: K[] = [];
  private builtFor = -1;

  constructor(
    private readonly geo: GeoContext,
    private readonly all: () => Iterable<[K, U]>,
    private readonly resolve: (key: K) => U | undefined,
    private readonly version: () => number,
  ) {}

  private ensure(): void {
    if (this.version() !== this.builtFor) runToEnd(this.build());
  }

  /** builds the index a slice of time at a time (after a roster load: 384,000 units took ~260 ms in one turn) */
  async warm(): Promise<void> {
    if (this.version() !== this.builtFor) await runInSlices(this.build());
  }

  private *build(): Steps<void> {
    const version = this.version();
    const ats: number[] = [];
    const keys: K[] = [];
    let maxAt = 0;
    for (const [key, unit] of this.all()) {
      const [at] = this.geo.span(unit.gridCode);
      // a unit whose grid the geography does not know belongs to no region
      if (at > 0 || unit.gridCode === this.geo.rootCode) {
        ats.push(at);
        keys.push(key);
        if (at > maxAt) maxAt = at;
        if (keys.length % ITEMS_PER_STEP === 0) yield;
      }
    }
    // a counting sort by position (a small integer): a comparison sort of a province's 243,722
    // rows took ~150 ms in one turn of the event loop; this is linear, and stable
    const starts = new Uint32Array(maxAt + 2);
    for (const at of ats) starts[at + 1]!++;
    for (let i = 1; i < starts.length; i++) starts[i]! += starts[i - 1]!;
    const positions = new Float64Array(ats.length);
    const sorted = new Array<K>(ats.length);
    for (let i = 0; i < ats.length; i++) {
      const slot = starts[ats[i]!]!++;
      positions[slot] = ats[i]!;
      sorted[slot] = keys[i]!;
    }
    // a reader may have built it meanwhile, or the roster moved on: only a build for the current roster counts
    if (version === this.version() && version !== this.builtFor) {
      this.positions = positions;
      this.keys = sorted;
      this.builtFor = version;
    }
  }

  private lowerBound(value: number): number {
    let lo = 0;
    let hi = this.positions.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.positions[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** the units of a region (itself and below), as they are now */
  inRegion(code: string): U[] {
    this.ensure();
    const [start, end] = this.geo.span(code);
    const out: U[] = [];
    for (let i = this.lowerBound(start), stop = this.lowerBound(end); i < stop; i++) {
      const unit = this.resolve(this.keys[i]!);
      if (unit) out.push(unit);
    }
    return out;
  }

  /** the keys of a region's units (no lookups) */
  keysIn(code: string): K[] {
    this.ensure();
    const [start, end] = this.geo.span(code);
    return this.keys.slice(this.lowerBound(start), this.lowerBound(end));
  }

  /** how many units lie in a region (no lookups) */
  count(code: string): number {
    this.ensure();
    const [start, end] = this.geo.span(code);
    return this.lowerBound(end) - this.lowerBound(start);
  }
}
