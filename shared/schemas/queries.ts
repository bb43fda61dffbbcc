import { z } from 'zod';
import { IncidentSource, Stage } from './incident';
import { PatrolStatus } from './patrol';
import { RegionLevel } from './region';
import { VideoAlarmStatus } from './videoAlarm';

/**
 * Query strings of the JSON API (docs/protocol.md, section 5). Every value arrives as text; the
 * schemas turn it into what it means and refuse what it cannot mean.
 */

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
const code = z.string().max(32);

/** a time in a query string: epoch milliseconds, or ISO 8601 with an offset */
export const QueryTime = z.union([z.string().regex(/^\d{1,15}$/).transform(Number), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);

/** GET /api/incidents */
export const IncidentListQuery = z.object({
  region: code.optional(),
  stage: Stage.optional(),
  open: flag.optional(),
  category: z.string().max(40).optional(),
  source: IncidentSource.optional(),
  severity: z.coerce.number().int().min(1).max(4).optional(),
  overdue: flag.optional(),
  /** a case number, or words of the title or address */
  q: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/** GET /api/cameras, GET /api/patrols */
export const UnitQuery = z.object({
  region: code.optional(),
  status: PatrolStatus.optional(),
  limit: z.coerce.number().int().min(1).max(100_000).optional(),
});

/** GET /api/regions, GET /api/regions.geojson */
export const GeoQuery = z.object({
  level: RegionLevel.optional(),
  /** only regions within this one (inclusive) */
  within: z.string().optional(),
});

/** GET /api/stats */
export const StatsQuery = z.object({ region: z.string(), from: QueryTime.optional(), to: QueryTime.optional() });

/** GET /api/departments */
export const DepartmentQuery = z.object({ region: code.optional(), category: z.string().max(40).optional() });

/** GET /api/video-alarms */
export const VideoAlarmListQuery = z.object({ region: code.optional(), status: VideoAlarmStatus.optional() });
