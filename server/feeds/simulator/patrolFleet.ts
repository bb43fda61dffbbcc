/**
 * The ground network in motion. Each patrol works a day (08–20) or night (20–08) shift, walks
 * (≈1.2 m/s) or drives (≈8 m/s) between random waypoints inside its grid with pauses, reports a
 * GPS fix every few seconds while on duty, drops off the network now and then (terminal offline
 * for a few minutes) and turns `responding` when sent to a case nearby.
 *
 * State lives in flat arrays and one pass per tick touches each patrol a few times: at city scale
 * (5,000 patrols) a tick costs well under a millisecond of arithmetic.
 */
import type { Patrol, PatrolStatus, PatrolStatusChange, Position } from '@shared/schemas/patrol';
import { metersPerDegree } from '../../domain/regions/geo';
import { pointInMultiPolygon } from '../../domain/regions/pointInPolygon';
import type { Rng } from '../../lib/rng';
import { forRangeInSlices, ITEMS_PER_STEP, runInSlices, runToEnd, SLICE_MS, type Steps } from '../../lib/slices';
import { nextWaypoint, segmentInside, startPoint } from './pathing';
import { nextShiftChange, onShift, patrolTraits, type PatrolTraits } from './traits';
import type { GridInfo, World } from './world';

const MINUTE = 60_000;
/** fixes per second the whole fleet may send; larger rosters report less often */
export const MAX_FIXES_PER_SECOND = 5_000;
/** mean time on shift between two terminal drop-outs, and their length */
const MEAN_BETWEEN_DROPS_MS = 8 * 60 * MINUTE;
const DROP_MINUTES: readonly [number, number] = [5, 45];

export interface FleetTick {
  changes: PatrolStatusChange[];
  positions: Position[];
}

export class PatrolFleet {
  readonly ids: string[] = [];
  private readonly grids: GridInfo[] = [];
  private readonly traits: PatrolTraits[] = [];
  private readonly fixEvery: Float64Array;
  readonly status: PatrolStatus[] = [];
  private readonly shiftOn: Uint8Array;
  private readonly shiftCheckAt: Float64Array;
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly tx: Float64Array;
  private readonly ty: Float64Array;
  private readonly hasPos: Uint8Array;
  private readonly pauseUntil: Float64Array;
  private readonly lastMoveAt: Float64Array;
  private readonly nextFixAt: Float64Array;
  private readonly offlineUntil: Float64Array;
  private readonly nextDropAt: Float64Array;
  private readonly respondUntil: Float64Array;
  private readonly byGrid = new Map<string, number[]>();
  private readonly byId = new Map<string, number>();

  constructor(
    patrols: readonly Patrol[],
    world: World,
    private readonly seed: string,
    private readonly tz: number,
    now: number,
    private readonly rng: Rng,
    lastFix: (p: Patrol) => { lng: number; lat: number } | null,
    enrolNow = true,
  ) {
    const n = patrols.length;
    const f64 = () => new Float64Array(n);
    this.fixEvery = f64();
    this.shiftOn = new Uint8Array(n);
    this.shiftCheckAt = f64();
    this.x = f64();
    this.y = f64();
    this.tx = f64();
    this.ty = f64();
    this.hasPos = new Uint8Array(n);
    this.pauseUntil = f64();
    this.lastMoveAt = f64();
    this.nextFixAt = f64();
    this.offlineUntil = f64();
    this.nextDropAt = f64();
    this.respondUntil = f64();
    if (enrolNow) runToEnd(this.enrol(patrols, world, now, lastFix));
  }

  /** the same fleet, its patrols enrolled a slice of time at a time (243,722 at province scale took 1.7 s in one turn) */
  static async inSlices(
    patrols: readonly Patrol[],
    world: World,
    seed: string,
    tz: number,
    now: number,
    rng: Rng,
    lastFix: (p: Patrol) => { lng: number; lat: number } | null,
  ): Promise<PatrolFleet> {
    const fleet = new PatrolFleet(patrols, world, seed, tz, now, rng, lastFix, false);
    await runInSlices(fleet.enrol(patrols, world, now, lastFix));
    return fleet;
  }

  private *enrol(patrols: readonly Patrol[], world: World, now: number, lastFix: (p: Patrol) => { lng: number; lat: number } | null): Steps<void> {
    const rng = this.rng;
    const minFixEvery = (patrols.length / MAX_FIXES_PER_SECOND) * 1000;
    for (let i = 0; i < patrols.length; i++) {
      const p = patrols[i]!;
      const grid = world.byCode.get(p.gridCode) ?? world.grids[0]!;
      const traits = patrolTraits(this.seed, p);
      this.ids.push(p.id);
      this.byId.set(p.id, i);
      this.grids.push(grid);
      this.traits.push(traits);
      this.status.push(p.status);
      this.fixEvery[i] = Math.round(Math.max(traits.fixEveryMs, minFixEvery));
      this.nextFixAt[i] = now + rng.int(0, this.fixEvery[i]!);
      this.nextDropAt[i] = now + this.exp(MEAN_BETWEEN_DROPS_MS);
      this.lastMoveAt[i] = now;
      const fix = lastFix(p);
      // resume from the last fix if it lies in the grid (a terminal may have reported from outside)
      if (fix && pointInMultiPolygon(fix.lng, fix.lat, grid.polygons)) this.place(i, fix.lng, fix.lat);
      const list = this.byGrid.get(grid.code);
      if (list) list.push(i);
      else this.byGrid.set(grid.code, [i]);
      if (i % ITEMS_PER_STEP === 0) yield;
    }
  }

  get size(): number {
    return this.ids.length;
  }

  /** status changes and GPS fixes due at `now` */
  tick(now: number): FleetTick {
    const out: FleetTick = { changes: [], positions: [] };
    for (let i = 0; i < this.ids.length; i++) this.step(i, now, out);
    return out;
  }

  /** the same tick a slice of time at a time: a province's 243,722 patrols take tens of ms a tick, more at a change of shift */
  async tickInSlices(now: number, sliceMs = SLICE_MS): Promise<FleetTick> {
    const out: FleetTick = { changes: [], positions: [] };
    await forRangeInSlices(this.ids.length, (i) => this.step(i, now, out), sliceMs);
    return out;
  }

  private step(i: number, now: number, out: FleetTick): void {
    if (now >= this.shiftCheckAt[i]!) {
      this.shiftOn[i] = onShift(this.traits[i]!, now, this.tz) ? 1 : 0;
      this.shiftCheckAt[i] = nextShiftChange(this.traits[i]!, now, this.tz);
    }
    const desired = this.desiredStatus(i, now);
    const active = desired === 'on_duty' || desired === 'responding';
    if (active && !this.hasPos[i]) {
      const [lng, lat] = startPoint(this.grids[i]!.polygons, this.grids[i]!.bbox, this.rng);
      this.place(i, lng, lat);
    }
    if (desired !== this.status[i]) {
      if (this.status[i] === 'off_duty' || this.status[i] === 'offline') this.lastMoveAt[i] = now;
      this.status[i] = desired;
      out.changes.push({ patrolId: this.ids[i]!, status: desired, at: now });
    }
    if (active && now >= this.nextFixAt[i]!) {
      this.nextFixAt[i] = now + this.fixEvery[i]!;
      const speed = this.advance(i, now);
      out.positions.push({ patrolId: this.ids[i]!, lng: this.x[i]!, lat: this.y[i]!, at: now, speed: Math.round(speed * 10) / 10 });
    }
  }

  private desiredStatus(i: number, now: number): PatrolStatus {
    if (!this.shiftOn[i]) return 'off_duty';
    if (now >= this.nextDropAt[i]!) {
      this.offlineUntil[i] = now + this.rng.int(DROP_MINUTES[0], DROP_MINUTES[1]) * MINUTE;
      this.nextDropAt[i] = this.offlineUntil[i]! + this.exp(MEAN_BETWEEN_DROPS_MS);
    }
    if (now < this.offlineUntil[i]!) return 'offline';
    if (now < this.respondUntil[i]!) return 'responding';
    return 'on_duty';
  }

  /**
   * Sends the nearest patrol on duty in the grid to (lng, lat) until `until`; returns its id, or
   * null when nobody in the grid is free.
   */
  respond(gridCode: string, lng: number, lat: number, now: number, until: number): string | null {
    let best = -1;
    let bestD = Infinity;
    for (const i of this.byGrid.get(gridCode) ?? []) {
      if (this.status[i] !== 'on_duty' || !this.hasPos[i]) continue;
      const d = (this.x[i]! - lng) ** 2 + (this.y[i]! - lat) ** 2;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    if (best < 0) return null;
    this.respondUntil[best] = until;
    if (segmentInside([this.x[best]!, this.y[best]!], [lng, lat], this.grids[best]!.polygons)) {
      this.tx[best] = lng;
      this.ty[best] = lat;
      this.pauseUntil[best] = 0;
    }
    return this.ids[best]!;
  }

  /** how many patrols are in each status (the fleet's own view) */
  counts(): Record<PatrolStatus, number> {
    const out: Record<PatrolStatus, number> = { off_duty: 0, on_duty: 0, responding: 0, offline: 0 };
    for (const s of this.status) out[s]++;
    return out;
  }

  /** where a patrol on duty is now, or null when it is off duty, offline or unknown */
  whereIs(patrolId: string): [number, number] | null {
    const i = this.byId.get(patrolId);
    if (i === undefined || !this.hasPos[i] || (this.status[i] !== 'on_duty' && this.status[i] !== 'responding')) return null;
    return [this.x[i]!, this.y[i]!];
  }

  /** current position of patrol `i` (tests) */
  positionOf(i: number): [number, number] | null {
    return this.hasPos[i] ? [this.x[i]!, this.y[i]!] : null;
  }

  gridOf(i: number): GridInfo {
    return this.grids[i]!;
  }

  private place(i: number, lng: number, lat: number): void {
    this.x[i] = lng;
    this.y[i] = lat;
    this.tx[i] = lng;
    this.ty[i] = lat;
    this.hasPos[i] = 1;
  }

  /** moves patrol i along its path up to `now`; returns its speed (m/s) */
  private advance(i: number, now: number): number {
    const dtMs = now - this.lastMoveAt[i]!;
    this.lastMoveAt[i] = now;
    if (now < this.pauseUntil[i]! || dtMs <= 0) return 0;
    const speed = this.traits[i]!.speed;
    let budget = (speed * Math.min(dtMs, 60_000)) / 1000;
    const m = metersPerDegree(this.y[i]!);
    const dx = (this.tx[i]! - this.x[i]!) * m.x;
    const dy = (this.ty[i]! - this.y[i]!) * m.y;
    const dist = Math.hypot(dx, dy);
    if (dist <= budget) {
      this.x[i] = this.tx[i]!;
      this.y[i] = this.ty[i]!;
      budget = dist;
      const responding = now < this.respondUntil[i]!;
      // on scene: stay until the response ends; otherwise pause, then pick the next waypoint
      this.pauseUntil[i] = responding ? this.respondUntil[i]! : now + this.traits[i]!.pauseMs * this.rng.float(0.5, 1.5);
      const grid = this.grids[i]!;
      const [nx, ny] = nextWaypoint([this.x[i]!, this.y[i]!], grid.polygons, grid.bbox, this.rng);
      this.tx[i] = nx;
      this.ty[i] = ny;
    } else {
      this.x[i] = this.x[i]! + (dx / dist) * (budget / m.x);
      this.y[i] = this.y[i]! + (dy / dist) * (budget / m.y);
    }
    return (budget * 1000) / Math.max(1, Math.min(dtMs, 60_000));
  }

  private exp(mean: number): number {
    return -Math.log(1 - this.rng.next()) * mean;
  }
}
