import { z } from 'zod';
import { EpochMs, Id, Latitude, Longitude, RegionCode } from './common';

/**
 * Video-point status words after GB/T 28181 (catalogue Status ON/OFF, plus the alarm and fault
 * notifications platforms send): a point can be online, offline, online with its video lost, or
 * reported faulty. The online rate counts only `online`.
 */
export const CAMERA_STATUSES = ['online', 'offline', 'video_lost', 'fault'] as const;
export const CameraStatus = z.enum(CAMERA_STATUSES);
export type CameraStatus = z.infer<typeof CameraStatus>;

export const CAMERA_ALARM_TYPES = ['intrusion', 'crowd', 'fire_smoke', 'garbage', 'illegal_parking', 'street_vending', 'flooding', 'fight', 'other'] as const;
export const CameraAlarmType = z.enum(CAMERA_ALARM_TYPES);
export type CameraAlarmType = z.infer<typeof CameraAlarmType>;

export const CameraAlarm = z.object({ type: CameraAlarmType, at: EpochMs });
export type CameraAlarm = z.infer<typeof CameraAlarm>;

/** a high-point camera (高点监控) on a tower or roof reaches a few kilometres; a street camera 50–300 m */
export const MAX_CAMERA_RANGE_M = 5_000;

export const Camera = z.object({
  id: Id,
  /** 20-digit GB/T 28181 device id when the platform has one */
  gbId: z.string().regex(/^\d{20}$/).nullable(),
  name: z.string().min(1).max(80),
  gridCode: RegionCode,
  lng: Longitude,
  lat: Latitude,
  status: CameraStatus,
  statusSince: EpochMs,
  alarm: CameraAlarm.nullable(),
  /** department that owns the point (public security, city management, transport, …) */
  owner: z.string().max(40),
  /** which way the camera looks, degrees clockwise from north, when the platform knows it */
  heading: z.number().min(0).lt(360).nullable().optional(),
  /** its horizontal field of view in degrees, when known */
  fovDeg: z.number().gt(0).max(360).nullable().optional(),
  /** how far it sees usefully, metres, when known (heading, fovDeg and rangeM together say what it covers) */
  rangeM: z.number().gt(0).max(MAX_CAMERA_RANGE_M).nullable().optional(),
  /** the video platform's web player for this point (http or https), opened in focus mode */
  streamUrl: z
    .string()
    .max(500)
    .regex(/^https?:\/\/[^\s]+$/, 'an http or https address')
    .nullable()
    .optional(),
});
export type Camera = z.infer<typeof Camera>;

export const CameraStatusChange = z.object({
  cameraId: Id,
  status: CameraStatus,
  /** null clears a raised alarm; absent leaves it as it is */
  alarm: CameraAlarm.nullable().optional(),
  at: EpochMs,
});
export type CameraStatusChange = z.infer<typeof CameraStatusChange>;

export const MAX_CAMERA_CHANGES_PER_BATCH = 5_000;
export const CameraStatusBatch = z.object({
  changes: z.array(CameraStatusChange).min(1).max(MAX_CAMERA_CHANGES_PER_BATCH),
});
export type CameraStatusBatch = z.infer<typeof CameraStatusBatch>;
