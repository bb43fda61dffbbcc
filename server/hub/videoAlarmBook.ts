/**
 * AI video alarms in memory: every pending one and those raised in the last eight days (enough for
 * seven days of precision). Bounded: decided alarms leave after eight days; pending ones stay until
 * a person decides them.
 */
import type { VideoAlarm } from '@shared/schemas/videoAlarm';
import { aiPrecision } from '../domain/videoAlarms';

const DAY = 86_400_000;
export const ALARM_MEMORY_MS = 8 * DAY;

export class VideoAlarmBook {
  private readonly byId = new Map<string, VideoAlarm>();
  private readonly byExternalRef = new Map<string, string>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): VideoAlarm | undefined {
    return this.byId.get(id);
  }

  /** the alarm a platform already sent under this id, if any */
  byRef(cameraId: string, externalRef: string): VideoAlarm | undefined {
    const id = this.byExternalRef.get(`${cameraId}|${externalRef}`);
    return id ? this.byId.get(id) : undefined;
  }

  set(alarm: VideoAlarm): void {
    this.byId.set(alarm.id, alarm);
    if (alarm.externalRef) this.byExternalRef.set(`${alarm.cameraId}|${alarm.externalRef}`, alarm.id);
  }

  values(): IterableIterator<VideoAlarm> {
    return this.byId.values();
  }

  /** pending alarms of the region, and those decided since `since` */
  inRegion(code: string, since: number): VideoAlarm[] {
    const out: VideoAlarm[] = [];
    for (const a of this.byId.values()) {
      if (!a.regionPath.includes(code)) continue;
      if (a.status === 'pending' || (a.decidedAt ?? a.at) >= since) out.push(a);
    }
    return out.sort((a, b) => a.at - b.at);
  }

  /** the AI's precision per alarm type over the seven days up to `now`, in a region */
  precision(code: string, now: number) {
    const inRegion = [...this.byId.values()].filter((a) => a.regionPath.includes(code));
    return aiPrecision(inRegion, now - 7 * DAY, now + 1);
  }

  /** forgets decided alarms older than the memory; returns how many */
  prune(now: number): number {
    let removed = 0;
    for (const [id, a] of this.byId) {
      if (a.status === 'pending' || a.at >= now - ALARM_MEMORY_MS) continue;
      this.byId.delete(id);
      if (a.externalRef) this.byExternalRef.delete(`${a.cameraId}|${a.externalRef}`);
      removed++;
    }
    return removed;
  }
}
