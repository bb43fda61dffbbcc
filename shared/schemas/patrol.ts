import { z } from 'zod';
import { EpochMs, Id, Latitude, Longitude, RegionCode } from './common';

/** Roles a grid may have (DOMAIN.md: the ground network). */
export const PatrolRole = z.enum([
  'grid_manager',
  'assistant',
  'police',
  'supervisor',
  'party_secretary',
  'legal',
  'firefighter',
]);
export type PatrolRole = z.infer<typeof PatrolRole>;

/** A grid worker on foot, or a unit (vehicle, team) that moves as one. */
export const PatrolKind = z.enum(['worker', 'unit']);
export type PatrolKind = z.infer<typeof PatrolKind>;

/**
 * Duty status. `offline` means on shift but the terminal has gone silent; `off_duty` means not on
 * shift. The on-duty rate is (on_duty + responding) / (on_duty + responding + offline).
 */
export const PATROL_STATUSES = ['off_duty', 'on_duty', 'responding', 'offline'] as const;
export const PatrolStatus = z.enum(PATROL_STATUSES);
export type PatrolStatus = z.infer<typeof PatrolStatus>;

export const Patrol = z.object({
  id: Id,
  /** compact index used by binary position frames; stable for the life of the roster */
  idx: z.number().int().min(0).max(0xffff_fffe),
  name: z.string().min(1).max(80),
  kind: PatrolKind,
  role: PatrolRole,
  gridCode: RegionCode,
  status: PatrolStatus,
  statusSince: EpochMs,
  /** last known fix, if any */
  lng: Longitude.nullable(),
  lat: Latitude.nullable(),
  fixAt: EpochMs.nullable(),
});
export type Patrol = z.infer<typeof Patrol>;

/** One GPS fix from a terminal. */
export const Position = z.object({
  patrolId: Id,
  lng: Longitude,
  lat: Latitude,
  at: EpochMs,
  /** metres per second, if the terminal knows it */
  speed: z.number().min(0).max(100).optional(),
});
export type Position = z.infer<typeof Position>;

export const MAX_POSITIONS_PER_BATCH = 10_000;
export const PositionBatch = z.object({
  positions: z.array(Position).min(1).max(MAX_POSITIONS_PER_BATCH),
});
export type PositionBatch = z.infer<typeof PositionBatch>;

export const PatrolStatusChange = z.object({
  patrolId: Id,
  status: PatrolStatus,
  at: EpochMs,
});
export type PatrolStatusChange = z.infer<typeof PatrolStatusChange>;

/** POST /api/patrols/status */
export const PatrolStatusBatch = z.object({ changes: z.array(PatrolStatusChange).min(1).max(10_000) });
export type PatrolStatusBatch = z.infer<typeof PatrolStatusBatch>;
