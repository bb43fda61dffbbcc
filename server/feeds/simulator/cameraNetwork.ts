/**
 * The sky network over time. Each video point alternates between up and down: it fails on
 * average every ~34 hours, goes offline (network, ~1.5 h), loses its video (~30 min) or reports a
 * fault (~8 h until repaired), then comes back. That keeps the online rate (视频在线率) near 94 %
 * with the mix of down states real platforms show. AI-capable points raise alarms, which clear by
 * themselves a few minutes later.
 */
import type { CameraAlarmType, CameraStatus, CameraStatusChange } from '@shared/schemas/camera';
import type { Camera } from '@shared/schemas/camera';
import type { Rng } from '../../lib/rng';
import { forRangeInSlices, SLICE_MS } from '../../lib/slices';

const MINUTE = 60_000;

/** what happens when a point fails: status, share, mean duration */
export const FAILURES: readonly (readonly [CameraStatus, number, number])[] = [
  ['offline', 0.55, 90 * MINUTE],
  ['video_lost', 0.3, 30 * MINUTE],
  ['fault', 0.15, 8 * 60 * MINUTE],
];
const MEAN_DOWN_MS = FAILURES.reduce((s, [, share, mean]) => s + share * mean, 0);
export const TARGET_ONLINE_RATE = 0.94;
export const MEAN_UP_MS = (MEAN_DOWN_MS * TARGET_ONLINE_RATE) / (1 - TARGET_ONLINE_RATE);
const ALARM_MINUTES: readonly [number, number] = [3, 15];

export class CameraNetwork {
  private readonly ids: string[] = [];
  private readonly index = new Map<string, number>();
  readonly status: CameraStatus[] = [];
  private readonly nextChangeAt: Float64Array;
  private readonly alarmClearAt: Float64Array;

  constructor(
    cameras: readonly Camera[],
    now: number,
    private readonly rng: Rng,
  ) {
    this.nextChangeAt = new Float64Array(cameras.length);
    this.alarmClearAt = new Float64Array(cameras.length).fill(Infinity);
    cameras.forEach((c, i) => {
      this.ids.push(c.id);
      this.index.set(c.id, i);
      this.status.push(c.status);
      this.nextChangeAt[i] = now + this.exp(c.status === 'online' ? MEAN_UP_MS : this.meanDown(c.status));
      // an alarm left raised by a previous run clears soon
      if (c.alarm) this.alarmClearAt[i] = now + rng.int(1, 5) * MINUTE;
    });
  }

  get size(): number {
    return this.ids.length;
  }

  isOnline(cameraId: string): boolean {
    const i = this.index.get(cameraId);
    return i !== undefined && this.status[i] === 'online';
  }

  /** status changes (and alarm clearings) due at `now` */
  tick(now: number): CameraStatusChange[] {
    const changes: CameraStatusChange[] = [];
    for (let i = 0; i < this.ids.length; i++) this.step(i, now, changes);
    return changes;
  }

  /** the same tick a slice of time at a time (a province has 140,300 points) */
  async tickInSlices(now: number, sliceMs = SLICE_MS): Promise<CameraStatusChange[]> {
    const changes: CameraStatusChange[] = [];
    await forRangeInSlices(this.ids.length, (i) => this.step(i, now, changes), sliceMs);
    return changes;
  }

  private step(i: number, now: number, changes: CameraStatusChange[]): void {
    if (now >= this.nextChangeAt[i]!) {
      if (this.status[i] === 'online') {
        const [status, , mean] = this.rng.weighted(FAILURES, FAILURES.map(([, share]) => share));
        this.status[i] = status;
        this.nextChangeAt[i] = now + this.exp(mean);
      } else {
        this.status[i] = 'online';
        this.nextChangeAt[i] = now + this.exp(MEAN_UP_MS);
      }
      const change: CameraStatusChange = { cameraId: this.ids[i]!, status: this.status[i]!, at: now };
      if (this.alarmClearAt[i] !== Infinity && this.status[i] !== 'online') {
        change.alarm = null; // a point that goes down drops its alarm with it
        this.alarmClearAt[i] = Infinity;
      }
      changes.push(change);
    } else if (now >= this.alarmClearAt[i]!) {
      this.alarmClearAt[i] = Infinity;
      changes.push({ cameraId: this.ids[i]!, status: this.status[i]!, alarm: null, at: now });
    }
  }

  /** raises an AI alarm on an online point; null when the point is down or unknown */
  raise(cameraId: string, type: CameraAlarmType, at: number): CameraStatusChange | null {
    const i = this.index.get(cameraId);
    if (i === undefined || this.status[i] !== 'online') return null;
    this.alarmClearAt[i] = at + this.rng.int(ALARM_MINUTES[0], ALARM_MINUTES[1]) * MINUTE;
    return { cameraId, status: 'online', alarm: { type, at }, at };
  }

  onlineRate(): number {
    if (this.ids.length === 0) return 0;
    return this.status.filter((s) => s === 'online').length / this.ids.length;
  }

  private meanDown(status: CameraStatus): number {
    return FAILURES.find(([s]) => s === status)?.[2] ?? MEAN_DOWN_MS;
  }

  private exp(mean: number): number {
    return -Math.log(1 - this.rng.next()) * mean;
  }
}
