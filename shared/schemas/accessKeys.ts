import { z } from 'zod';
import { EpochMs, RegionCode } from './common';

/**
 * Credentials that are not people (issue 17 part 3): ingest keys for machine sources and kiosk
 * links for walls. Both are bound to a region, revocable, and shown to an admin without their
 * secret (which leaves the hub once, when it is made).
 *
 * - An **ingest key** is sent by a patrol-terminal platform, the video platform, the 12345 hotline
 *   or an IoT gateway as `X-Api-Key` (Open311 clients: `api_key`). Its scopes say what it may send;
 *   its region, for whose patrols, cameras and locations.
 * - A **kiosk link** opens a wall read-only on one region until it expires: `/kiosk/<token>`, the
 *   token signed by the hub (HMAC-SHA-256), so a forged or altered link is refused without a lookup.
 */

/** what an ingest key may send */
export const INGEST_SCOPES = ['positions', 'units', 'reports', 'alarms'] as const;
export const IngestScope = z.enum(INGEST_SCOPES);
export type IngestScope = z.infer<typeof IngestScope>;

export const SCOPE_LABELS: Readonly<Record<IngestScope, string>> = {
  positions: 'GPS positions of patrols (POST /api/positions)',
  units: 'camera and patrol statuses (POST /api/cameras/status, /api/patrols/status)',
  reports: 'new cases (POST /api/incidents, Open311 POST requests)',
  alarms: 'AI video alarms (POST /api/video-alarms)',
};

const Label = z.string().trim().min(1, 'Give it a name people recognise (e.g. 海曙区巡防终端平台).').max(60, 'A name has at most 60 characters.');

export const NewIngestKey = z.strictObject({
  label: Label,
  regionCode: RegionCode,
  scopes: z.array(IngestScope).min(1, 'Say what the key may send (positions, units, reports, alarms).').max(INGEST_SCOPES.length),
  /** omitted: valid until revoked */
  expiresInDays: z.number().int().min(1).max(3_650).optional(),
});
export type NewIngestKey = z.input<typeof NewIngestKey>;

export const NewKioskLink = z.strictObject({
  label: Label,
  regionCode: RegionCode,
  /** a wall's link lasts a shift, a week or a season; never for ever */
  expiresInHours: z.number().int().min(1).max(24 * 366),
});
export type NewKioskLink = z.input<typeof NewKioskLink>;

export const AccessKeyKind = z.enum(['ingest', 'kiosk']);
export type AccessKeyKind = z.infer<typeof AccessKeyKind>;

/** a key or link as an admin sees it: never its secret */
export const AccessKey = z.object({
  id: z.string(),
  kind: AccessKeyKind,
  label: z.string(),
  regionCode: RegionCode,
  /** ingest keys: what they may send; kiosk links: [] */
  scopes: z.array(IngestScope),
  createdAt: EpochMs,
  createdBy: z.string(),
  expiresAt: EpochMs.nullable(),
  revokedAt: EpochMs.nullable(),
  revokedBy: z.string().nullable(),
});
export type AccessKey = z.infer<typeof AccessKey>;

/** the answer to making one: the secret (or link) is in it, and never again */
export const MadeIngestKey = z.object({ key: AccessKey, secret: z.string() });
export type MadeIngestKey = z.infer<typeof MadeIngestKey>;
export const MadeKioskLink = z.object({ key: AccessKey, token: z.string(), path: z.string() });
export type MadeKioskLink = z.infer<typeof MadeKioskLink>;
