/**
 * Patrols by status and cameras by status for every region, kept as units change rather than
 * counted when asked. The on-duty and online rates of a province root read 384,000 units; with
 * statuses changing every second the count was redone for nearly every stats frame and snapshot
 * (70–100 ms each time, in one turn of the event loop). A change adds and subtracts along the
 * unit's path: six regions.
 *
 * Same definitions as domain/stats/rosters.ts (patrolFigures, cameraFigures), which stay the
 * reference: the tally is tested against them.
 */
import type { Camera } from '@shared/schemas/camera';
import type { Patrol } from '@shared/schemas/patrol';
import type { Statistics } from '@shared/schemas/stats';
import { rate } from '../domain/stats/figures';
import type { GeoContext } from './geoContext';

export interface RosterFigures {
  patrols: Statistics['patrols'];
  cameras: Statistics['cameras'];
}

// slots of a region's counts
const P_TOTAL = 0;
const P_ON_DUTY = 1;
const P_RESPONDING = 2;
const P_OFFLINE = 3;
const C_TOTAL = 4;
const C_ONLINE = 5;
const C_OFFLINE = 6;
const C_VIDEO_LOST = 7;
const C_FAULT = 8;
const C_ALARMING = 9;
const SLOTS = 10;

const PATROL_SLOT: Record<Patrol['status'], number | null> = { on_duty: P_ON_DUTY, responding: P_RESPONDING, offline: P_OFFLINE, off_duty: null };
const CAMERA_SLOT: Record<Camera['status'], number> = { online: C_ONLINE, offline: C_OFFLINE, video_lost: C_VIDEO_LOST, fault: C_FAULT };

export class RosterTally {
  private readonly counts = new Map<string, Int32Array>();
  /** each grid's path, looked up once: a roster of 384,000 units lies in 61,000 grids */
  private readonly paths = new Map<string, readonly string[] | null>();

  constructor(private readonly geo: GeoContext) {}

  /** a patrol replaced (`before` → `after`); either may be absent (a new or removed unit) */
  patrol(before: Patrol | undefined, after: Patrol | undefined): void {
    if (before) this.addPatrol(before, -1);
    if (after) this.addPatrol(after, 1);
  }

  camera(before: Camera | undefined, after: Camera | undefined): void {
    if (before) this.addCamera(before, -1);
    if (after) this.addCamera(after, 1);
  }

  figures(code: string): RosterFigures {
    const c = this.counts.get(code) ?? new Int32Array(SLOTS);
    const onShift = c[P_ON_DUTY]! + c[P_RESPONDING]! + c[P_OFFLINE]!;
    return {
      patrols: { total: c[P_TOTAL]!, onShift, onDuty: c[P_ON_DUTY]!, responding: c[P_RESPONDING]!, onDutyRate: rate(c[P_ON_DUTY]! + c[P_RESPONDING]!, onShift) },
      cameras: {
        total: c[C_TOTAL]!,
        online: c[C_ONLINE]!,
        offline: c[C_OFFLINE]!,
        videoLost: c[C_VIDEO_LOST]!,
        fault: c[C_FAULT]!,
        alarming: c[C_ALARMING]!,
        onlineRate: rate(c[C_ONLINE]!, c[C_TOTAL]!),
      },
    };
  }

  private addPatrol(p: Patrol, sign: 1 | -1): void {
    const slot = PATROL_SLOT[p.status];
    for (const counts of this.along(p.gridCode)) {
      counts[P_TOTAL]! += sign;
      if (slot !== null) counts[slot]! += sign;
    }
  }

  private addCamera(c: Camera, sign: 1 | -1): void {
    const slot = CAMERA_SLOT[c.status];
    for (const counts of this.along(c.gridCode)) {
      counts[C_TOTAL]! += sign;
      counts[slot]! += sign;
      if (c.alarm) counts[C_ALARMING]! += sign;
    }
  }

  /** the counts of every region on a grid's path; none for a grid the geography does not know */
  private *along(gridCode: string): Generator<Int32Array> {
    let path = this.paths.get(gridCode);
    if (path === undefined) {
      path = this.geo.get(gridCode) ? this.geo.path(gridCode) : null;
      this.paths.set(gridCode, path);
    }
    if (!path) return;
    for (const code of path) {
      let counts = this.counts.get(code);
      if (!counts) this.counts.set(code, (counts = new Int32Array(SLOTS)));
      yield counts;
    }
  }
}
