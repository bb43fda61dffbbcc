/** What one ticker line says: time on the centre's clock, action, severity, title, street. */
import type { LogEntryType } from '@shared/schemas/incident';
import type { TickerItem } from '../../stores/incidents';
import { fmtClock } from '../../format';

export type TickerTone = 'new' | 'done' | 'alert' | 'plain';

const TONE: Partial<Record<LogEntryType, TickerTone>> = {
  reported: 'new',
  close: 'done',
  verify_pass: 'done',
  overdue: 'alert',
  supervise: 'alert',
  verify_fail: 'alert',
};

export interface TickerLine {
  key: string;
  time: string;
  action: `act_${LogEntryType}`;
  tone: TickerTone;
  severity: number;
  title: string;
  streetCode: string | null;
  lng: number;
  lat: number;
  incidentId: string;
}

export function tickerLines(items: readonly TickerItem[], tzOffsetMinutes: number, limit: number): TickerLine[] {
  return items.slice(0, limit).map(({ incident, entry, key }) => ({
    key,
    time: fmtClock(entry.at, tzOffsetMinutes, false),
    action: `act_${entry.type}` as const,
    tone: TONE[entry.type] ?? 'plain',
    severity: incident.severity,
    title: incident.title,
    streetCode: incident.regionPath[2] ?? null,
    lng: incident.location.lng,
    lat: incident.location.lat,
    incidentId: incident.id,
  }));
}
