import { z } from 'zod';

/**
 * Building blocks shared by every payload. Times in the hub's own protocol are epoch milliseconds
 * (UTC, integers): compact, unambiguous and cheap to compare for statistics over thousands of
 * incidents. Standards that demand ISO 8601 with an offset (Open311, CAP) convert at their edge.
 */

export const EpochMs = z.number().int().min(0).max(8_640_000_000_000);
export type EpochMs = z.infer<typeof EpochMs>;

/** Accepts epoch ms or an ISO 8601 date-time that carries an offset (or Z); yields epoch ms. */
export const TimeInput = z.union([
  EpochMs,
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);

export const Longitude = z.number().min(-180).max(180);
export const Latitude = z.number().min(-90).max(90);

/** [longitude, latitude], GeoJSON order. The shipped geography is GCJ-02 (see data/README.md). */
export const LngLat = z.tuple([Longitude, Latitude]);
export type LngLat = z.infer<typeof LngLat>;

/** [minLng, minLat, maxLng, maxLat] */
export const BBox = z.tuple([Longitude, Latitude, Longitude, Latitude]);
export type BBox = z.infer<typeof BBox>;

/** Identifiers: printable, no spaces, bounded so that nobody can store a megabyte as an id. */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits and . _ : - only');
export type Id = z.infer<typeof Id>;

/** Region codes: administrative division codes (GB/T 2260 and its extensions), or a deployment's own. */
export const RegionCode = z
  .string()
  .min(2)
  .max(32)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only');
export type RegionCode = z.infer<typeof RegionCode>;

/** Who did something. Every transition in the event log names one. */
export const ActorKind = z.enum(['operator', 'department', 'patrol', 'citizen', 'camera', 'sensor', 'system']);
export type ActorKind = z.infer<typeof ActorKind>;

export const Actor = z.object({
  kind: ActorKind,
  id: Id,
  name: z.string().max(80).optional(),
});
export type Actor = z.infer<typeof Actor>;
