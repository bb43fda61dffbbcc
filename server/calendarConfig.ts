/**
 * The centre's business calendar from configuration: CALENDAR_FILE (JSON, the year's table of
 * working hours, holidays and make-up working days 调休 as the State Council publishes them) or the
 * default office hours at TZ_OFFSET_MINUTES. SLA deadlines, "today" and the hourly buckets all
 * follow it; a calendar that cannot be read stops the hub with a message naming what is wrong.
 */
import { readFileSync } from 'node:fs';
import { parseOrThrow } from '@shared/validate';
import { HubError } from '@shared/errors';
import { CalendarConfigSchema, createBusinessCalendar, DEFAULT_CALENDAR_CONFIG, type BusinessCalendar, type CalendarConfig } from './domain/sla/calendar';

export interface CentreCalendar {
  calendar: BusinessCalendar;
  utcOffsetMinutes: number;
  /** where it came from, for the start-up log */
  source: string;
}

export function loadCalendar(opts: { file?: string | undefined; tzOffsetMinutes?: number | undefined }): CentreCalendar {
  if (!opts.file) {
    const utcOffsetMinutes = opts.tzOffsetMinutes ?? DEFAULT_CALENDAR_CONFIG.utcOffsetMinutes;
    return { calendar: createBusinessCalendar({ ...DEFAULT_CALENDAR_CONFIG, utcOffsetMinutes }), utcOffsetMinutes, source: 'default office hours' };
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(opts.file, 'utf8'));
  } catch (error) {
    throw new Error(`CALENDAR_FILE ${opts.file} cannot be read as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  let config: CalendarConfig;
  try {
    config = parseOrThrow(CalendarConfigSchema, json, `calendar file ${opts.file}`);
  } catch (error) {
    const details = error instanceof HubError && Array.isArray(error.details) ? (error.details as { path: string; message: string }[]).map((d) => `${d.path}: ${d.message}`).join('; ') : '';
    throw new Error(`CALENDAR_FILE ${opts.file} is not a valid calendar${details ? ` (${details})` : ''}.`);
  }
  const utcOffsetMinutes = config.utcOffsetMinutes;
  if (opts.tzOffsetMinutes !== undefined && opts.tzOffsetMinutes !== utcOffsetMinutes) {
    throw new Error(`TZ_OFFSET_MINUTES (${opts.tzOffsetMinutes}) and the calendar file's utcOffsetMinutes (${utcOffsetMinutes}) disagree; set one of them.`);
  }
  return { calendar: createBusinessCalendar(config), utcOffsetMinutes, source: opts.file };
}
