/**
 * Where each patrol stands: the grid its latest fix falls in (the geography's point → grid index,
 * `GeoContext.locate`), beside the grid it is rostered in. A region shows its own patrols wherever
 * they are and the patrols of other regions that stand inside it (issue 17 part 4: a unit working
 * across the border was shown on its home wall only, and was invisible where it stood).
 *
 * Settled once per positions tick for the patrols that moved in it (PositionFanout.run): the
 * snapshot, the complete frames and the live frames all read the places as of the last tick, so
 * a wall that reconnects sees the set it saw live. A fix outside every grid (beyond the
 * tolerance of `locate`) stands nowhere: its patrol is shown on its home region only.
 *
 * Patrols standing outside their own grid ("away") are kept in a set: the visitors of a region
 * are found among them with two comparisons each on the tree's depth-first numbering.
 *
 * Cost: a lookup (bucket, bounding boxes, point in polygon) took ~0.57 µs a fix at grid centres,
 * 11 ms a tick for 20,000 moved patrols — more than the rest of the fan-out's tick. So each
 * lookup also keeps a box around the fix inside the grid (from its distance to the grid's
 * edges, `locateWithMargin`): while later fixes stay in that box — a patrol moves a few metres a
 * tick, grids are hundreds of metres wide — nothing is looked up.
 */
import type { Patrol } from '@shared/schemas/patrol';
import { metersPerDegree } from '../domain/regions/geo';
import type { PositionTracker } from './positionTracker';

export interface PlacesGeo {
  locate(lng: number, lat: number): string | null;
  /** as locate, with the point's distance to the grid's edges (metres); absent: every fix is looked up */
  locateWithMargin?(lng: number, lat: number): { code: string; marginM: number } | null;
  /** a region's run [start, end) in the tree's depth-first numbering ([0, 0] when unknown) */
  span(code: string): [number, number];
}

/** a patrol's stand grid changed (null: no fix, or outside every grid) */
export interface Crossing {
  idx: number;
  from: string | null;
  to: string | null;
}

export class PatrolPlaces {
  /** per idx, the grid its latest fix stands in; undefined: not settled yet */
  private grids: (string | null | undefined)[] = [];
  /** per idx, 1 when it stands in a grid other than its own */
  private awayFlag = new Uint8Array(0);
  /** per away idx, the places of its stand grid and its home grid in the tree's depth-first numbering */
  private standAt = new Int32Array(0);
  private homeAt = new Int32Array(0);
  private readonly away = new Set<number>();
  /** per idx, a box around the fix it was last looked up at, inside its grid: centre and half sides (degrees; 0: none) */
  private box = new Float64Array(0);

  constructor(
    private readonly geo: PlacesGeo,
    private readonly tracker: PositionTracker,
    private readonly patrolsByIdx: () => readonly (Patrol | undefined)[],
  ) {}

  /** locates the patrols that moved; answers those whose grid changed (their first fix too) */
  settle(moved: readonly number[]): Crossing[] {
    const { lng, lat } = this.tracker.columns();
    const byIdx = this.patrolsByIdx();
    const crossings: Crossing[] = [];
    const box = this.box.length >= byIdx.length * 4 ? this.box : this.growBox(byIdx.length);
    for (const idx of moved) {
      const held = this.grids[idx];
      const x = lng[idx]!;
      const y = lat[idx]!;
      const o = idx * 4;
      // the common case: still near where it was last looked up
      if (held && o < box.length && Math.abs(x - box[o]!) < box[o + 2]! && Math.abs(y - box[o + 1]!) < box[o + 3]!) continue;
      const to = this.lookUp(idx, x, y);
      if (held === to) continue;
      this.grids[idx] = to;
      this.mark(idx, byIdx[idx]);
      if ((held ?? null) !== to) crossings.push({ idx, from: held ?? null, to });
    }
    return crossings;
  }

  /** the roster was loaded or replaced: who is away is decided again against the new home grids */
  rosterChanged(): void {
    const byIdx = this.patrolsByIdx();
    this.away.clear();
    this.awayFlag.fill(0);
    this.grids.forEach((grid, idx) => grid !== undefined && this.mark(idx, byIdx[idx]));
  }

  /** the grid a patrol stands in (null: no fix, outside every grid, or not settled yet) */
  standGrid(idx: number): string | null {
    return this.grids[idx] ?? null;
  }

  /** whether a patrol stands outside its own grid: the only ones whose frames go beyond its home path */
  isAway(idx: number): boolean {
    return this.awayFlag[idx] === 1;
  }

  get awayCount(): number {
    return this.away.size;
  }

  /** patrols rostered outside `code` that stand inside it, ascending */
  visitorsIn(code: string): number[] {
    const [start, end] = this.geo.span(code);
    const out: number[] = [];
    if (end <= start) return out;
    const { standAt, homeAt } = this;
    for (const idx of this.away) {
      const at = standAt[idx]!;
      const home = homeAt[idx]!;
      if (at >= start && at < end && !(home >= start && home < end)) out.push(idx);
    }
    return out.sort((a, b) => a - b);
  }

  private growBox(n: number): Float64Array {
    const grown = new Float64Array(Math.max(n, 256) * 4);
    grown.set(this.box.subarray(0, Math.min(this.box.length, grown.length)));
    return (this.box = grown);
  }

  /** the grid of a fix, keeping the box inside it around the fix */
  private lookUp(idx: number, x: number, y: number): string | null {
    const o = idx * 4;
    if (!this.geo.locateWithMargin || o >= this.box.length) return this.geo.locate(x, y);
    const found = this.geo.locateWithMargin(x, y);
    const box = this.box;
    box[o] = x;
    box[o + 1] = y;
    // a square inscribed in the circle of that radius, a little smaller still against rounding
    const half = found ? (found.marginM * 0.99) / Math.SQRT2 : 0;
    const m = metersPerDegree(y);
    box[o + 2] = half / m.x;
    box[o + 3] = half / m.y;
    return found?.code ?? null;
  }

  private mark(idx: number, patrol: Patrol | undefined): void {
    const grid = this.grids[idx];
    const away = !!patrol && !!grid && grid !== patrol.gridCode;
    if (idx >= this.awayFlag.length) {
      const size = Math.max(idx + 1, this.awayFlag.length * 2, 1024);
      const flags = new Uint8Array(size);
      flags.set(this.awayFlag);
      this.awayFlag = flags;
      const stand = new Int32Array(size);
      stand.set(this.standAt);
      this.standAt = stand;
      const home = new Int32Array(size);
      home.set(this.homeAt);
      this.homeAt = home;
    }
    this.awayFlag[idx] = away ? 1 : 0;
    if (away) {
      this.away.add(idx);
      // a grid the geography does not know has no place ([0, 0]): it counts in no region but the root's run
      this.standAt[idx] = this.geo.span(grid)[0];
      this.homeAt[idx] = this.geo.span(patrol.gridCode)[0];
    } else this.away.delete(idx);
  }
}
