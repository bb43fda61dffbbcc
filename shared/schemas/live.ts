import { z } from 'zod';
import { EpochMs, RegionCode } from './common';
import { Region } from './region';
import { Incident, IncidentLogEntry } from './incident';
import { Camera } from './camera';
import { Patrol } from './patrol';
import { GridRisk, Statistics } from './stats';
import { Catalog } from './catalog';
import { AiPrecision, VideoAlarm } from './videoAlarm';
import { Focus } from './focus';
import { Alert } from './alert';

/** What a client can ask to receive. */
export const LAYERS = ['incidents', 'patrols', 'cameras', 'stats'] as const;
export const Layer = z.enum(LAYERS);
export type Layer = z.infer<typeof Layer>;

/**
 * How often a client wants position frames (as NENA STA-024 lets subscribers ask): never more
 * often than `minIntervalMs` (default 250: 4 Hz), and at least every `maxIntervalMs` (default
 * 30,000) — when nothing moved for that long, a complete frame of current fixes. The hub rounds to
 * its tick (POSITION_TICK_MS): min up, max down.
 */
export const PositionRate = z
  .object({
    minIntervalMs: z.number().int().min(100).max(60_000).optional(),
    maxIntervalMs: z.number().int().min(1_000).max(3_600_000).optional(),
  })
  .strict()
  .refine((r) => r.minIntervalMs === undefined || r.maxIntervalMs === undefined || r.maxIntervalMs >= r.minIntervalMs, {
    message: 'maxIntervalMs must not be below minIntervalMs',
    path: ['maxIntervalMs'],
  });
export type PositionRate = z.infer<typeof PositionRate>;

/** Layers whose items (cases, patrols, cameras) may be summarised per area instead of sent one by one. */
export const ITEM_LAYERS = ['incidents', 'patrols', 'cameras'] as const;
export const ItemLayer = z.enum(ITEM_LAYERS);
export type ItemLayer = z.infer<typeof ItemLayer>;

/**
 * How a layer travels for a region: `items` one by one (and their deltas or positions follow),
 * `summary` as counts per area (`Snapshot.areas`, refreshed with the figures) because the region
 * holds more than a wall can take at once; drill into a smaller region to see the items.
 * `grids` says whether the risk map is given per grid (`risk`) or only as counts per area.
 */
export const Detail = z.enum(['items', 'summary']);
export type Detail = z.infer<typeof Detail>;
export const LayerDetail = z.object({ incidents: Detail, patrols: Detail, cameras: Detail, grids: Detail });
export type LayerDetail = z.infer<typeof LayerDetail>;

export const SubscribeRequest = z.object({
  protocolVersion: z.number().int().min(1),
  region: RegionCode,
  layers: z.array(Layer).min(1).max(LAYERS.length),
  /** the last reliable sequence number this client applied; asks to resume instead of a snapshot */
  lastSeq: z.number().int().min(0).optional(),
  /**
   * the history `lastSeq` belongs to (from the snapshot or resume answer it came with): the hub
   * resumes only within it, otherwise answers a snapshot (a store restored from a backup reissues
   * sequence numbers). Absent: resumed by `lastSeq` alone, as before this field.
   */
  historyId: z.string().min(1).max(100).optional(),
  /**
   * the client's home region (default: the subscribed region): it receives `alarm:raised`,
   * alerts and focuses for this region whatever region it shows now. A touring wall shows one
   * district at a time but must not miss an alarm, or a focus, elsewhere in its home region.
   */
  alarmRegion: RegionCode.optional(),
  /** the rate of position frames (layer `patrols`); 4 Hz by default */
  positions: PositionRate.optional(),
  /**
   * the detail of each item layer the client holds from its last snapshot: the hub resumes only
   * when it would send the same detail now (a region that grew past the budget gets a snapshot)
   */
  detail: LayerDetail.partial().optional(),
  /**
   * item layers the client needs item by item even where the region is larger than the wall's
   * budget (an operator's queue): honoured up to ITEMS_CEILING, beyond it the layer is summarised
   */
  fullLayers: z.array(ItemLayer).max(3).optional(),
  /**
   * `gzip`: a snapshot answer comes as `mode: 'snapshot-gzip'` — the snapshot's JSON compressed
   * once by the hub and shared by every client that asks for the same region, in binary parts
   * (shared/binary/snapshotGzip.ts). Absent: the snapshot as an object, encoded for this answer.
   * The wall and the console ask for gzip: a province root's snapshot is megabytes of JSON.
   */
  snapshotEncoding: z.literal('gzip').optional(),
});
export type SubscribeRequest = z.infer<typeof SubscribeRequest>;

/** Reliable, ordered changes. `seq` grows strictly but is not contiguous for one client (filtering). */
export const Delta = z.discriminatedUnion('type', [
  z.object({ type: z.literal('incident:reported'), seq: z.number().int(), incident: Incident, entry: IncidentLogEntry }),
  z.object({ type: z.literal('incident:updated'), seq: z.number().int(), incident: Incident, entry: IncidentLogEntry }),
  z.object({ type: z.literal('camera:updated'), seq: z.number().int(), camera: Camera }),
  z.object({ type: z.literal('patrol:updated'), seq: z.number().int(), patrol: Patrol }),
  /** an AI video alarm entered the confirm queue, or was confirmed or dismissed (layer: incidents) */
  z.object({ type: z.literal('videoAlarm:updated'), seq: z.number().int(), alarm: VideoAlarm }),
  /**
   * a focus began, changed (responders, timeline) or ended (`focus` null) for the walls of
   * `regionCode`: sent to the clients whose home region it reaches, whatever layers they hold
   */
  z.object({ type: z.literal('focus:changed'), seq: z.number().int(), focusId: z.string(), regionCode: RegionCode, focus: Focus.nullable() }),
  /** an alert was raised, escalated or acknowledged: sent to the clients whose home region holds its place */
  z.object({ type: z.literal('alert:changed'), seq: z.number().int(), alert: Alert }),
]);
export type Delta = z.infer<typeof Delta>;
export type DeltaType = Delta['type'];

/**
 * Heat for the last seven days: flat [lng, lat, severity, reportedAt, count, …] (HEAT_STRIDE = 5).
 * In a small region each incident is one point of count 1; where a region holds more points than
 * the budget, incidents are binned by cell, local day and severity: the cell's centre, the bin's
 * latest report time and how many incidents it stands for.
 */
export const HeatPoints = z.array(z.number());
export const HEAT_STRIDE = 5;

const Count = z.number().int().min(0);
/** One child area of the subscribed region, summarised: what the map draws where items are too many. */
export const AreaSummary = z.object({
  code: RegionCode,
  /** open cases, of them overdue, of them serious (severity 3 or 4) */
  open: Count,
  overdue: Count,
  serious: Count,
  /** the highest severity among the open cases, 0 when none is open */
  worst: z.number().int().min(0).max(4),
  patrols: Count,
  /** on duty or responding */
  onDuty: Count,
  responding: Count,
  cameras: Count,
  camerasOffline: Count,
  camerasAlarm: Count,
  /** grids at each risk level, green … red */
  risk: z.tuple([Count, Count, Count, Count, Count]),
});
export type AreaSummary = z.infer<typeof AreaSummary>;

export const Snapshot = z.object({
  protocolVersion: z.number().int(),
  /** every delta with seq <= this is already reflected here */
  seq: z.number().int().min(0),
  /** the history `seq` belongs to: send it with `lastSeq` to resume (always sent by this hub) */
  historyId: z.string().optional(),
  serverTime: EpochMs,
  region: Region,
  layers: z.array(Layer),
  /**
   * the region itself, its ancestors and its descendants level by level as far as the budget goes
   * (a province root stops above its 61,000 grids), plus the grids of the incidents sent; others
   * by GET /api/regions (geometry: GET /api/regions.geojson)
   */
  regions: z.array(Region),
  catalog: Catalog,
  /** how each item layer travels for this region (items or summary per area) */
  detail: LayerDetail,
  /** the children of the region, summarised (always sent: the map's aggregate view and the tour read it) */
  areas: z.array(AreaSummary),
  /**
   * incidents `items`: open ones, and those closed or rejected in the last 24 hours.
   * incidents `summary`: only the notable ones — open serious, overdue or supervised cases, then
   * the latest changed — at most 600 (the hub's budget); the counts are in `areas`
   */
  incidents: z.array(Incident),
  heat: HeatPoints,
  patrols: z.array(Patrol),
  cameras: z.array(Camera),
  stats: Statistics.nullable(),
  /**
   * the last seven days up to now, in whole hours (168 hourly buckets, the last one the current
   * hour): rankings and the rolling 24-hour trend read from it; null without the stats layer
   */
  week: Statistics.nullable(),
  /** per grid when `detail.grids` is `items`; empty otherwise (counts per area in `areas`) */
  risk: GridRisk,
  /** with the incidents layer: AI video alarms waiting for a person, and those decided in the last 24 hours */
  videoAlarms: z.array(VideoAlarm).optional(),
  /** with the stats layer: the AI's precision per alarm type over seven days */
  aiPrecision: AiPrecision.optional(),
  /** the focuses that reach this client's home region (usually none or one); always sent since protocol 5 */
  focuses: z.array(Focus).optional(),
  /** alerts in the home region: every one still waiting, and those acknowledged in the last hour; always sent since protocol 5 */
  alerts: z.array(Alert).optional(),
});
export type Snapshot = z.infer<typeof Snapshot>;

/** binary data as it arrives: a Buffer (Node.js), an ArrayBuffer (a browser) */
const BinaryPart = z.custom<ArrayBuffer | Uint8Array>((v) => v instanceof ArrayBuffer || v instanceof Uint8Array, 'binary data');

export const SubscribeResult = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('snapshot'), snapshot: Snapshot }),
  /**
   * a snapshot as gzip-compressed UTF-8 JSON (asked for with `snapshotEncoding: 'gzip'`): join
   * `parts` in order, inflate, parse; `serverTime`, `focuses` and `alerts` here replace the ones
   * inside (the compressed body may be shared with other clients and a moment older than this
   * answer). decodeSnapshotGzip (shared/binary/snapshotGzip.ts) does all of it.
   */
  z.object({
    mode: z.literal('snapshot-gzip'),
    parts: z.array(BinaryPart).min(1),
    /** the compressed size (the sum of the parts) and the JSON's size, in bytes */
    gzipBytes: z.number().int().min(1),
    jsonBytes: z.number().int().min(1),
    serverTime: EpochMs,
    focuses: z.array(Focus),
    alerts: z.array(Alert),
  }),
  /** every delta the client missed, in order; afterwards seq is current */
  z.object({
    mode: z.literal('resume'),
    fromSeq: z.number().int(),
    seq: z.number().int(),
    deltas: z.array(Delta),
    /** the hub's current history: the client holds it from now on (a clean restart continues the one before) */
    historyId: z.string().optional(),
  }),
]);
export type SubscribeResult = z.infer<typeof SubscribeResult>;

/** Incidents of this severity or more raise `alarm:raised` when they are reported. */
export const ALARM_MIN_SEVERITY = 3;

/** A serious incident was just reported somewhere in the client's alarm region. */
export const AlarmRaised = z.object({ seq: z.number().int(), incident: Incident });
export type AlarmRaised = z.infer<typeof AlarmRaised>;

/** Rolling figures: lossy by design, the latest replaces the previous. */
export const StatsFrame = z.object({
  at: EpochMs,
  regionCode: RegionCode,
  /** today, from the centre's local midnight */
  stats: Statistics,
  /** the last seven days in whole hours, as in the snapshot */
  week: Statistics,
  risk: GridRisk,
  aiPrecision: AiPrecision.optional(),
  /** the subscribed region's children, summarised as in the snapshot */
  areas: z.array(AreaSummary),
});
export type StatsFrame = z.infer<typeof StatsFrame>;

/**
 * Whether the hub takes changes now (`hub:status`, and in `hello`): `unavailable` while its database
 * does not answer — every change is refused with STORE_UNAVAILABLE, reads and live data go on.
 * `since` is the hub's clock when the state began; `reason` says why, for people (null when ok).
 */
export const HubStatus = z.object({
  writes: z.enum(['ok', 'unavailable']),
  reason: z.string().max(500).nullable(),
  since: z.number().finite(),
  /**
   * Redis, on a hub of several nodes (REDIS_URL; absent on a single node): `unavailable` while
   * this hub does not reach it — the positions other nodes take in do not reach its walls; its own
   * and every change go on. `since` on the hub's clock.
   */
  redis: z.object({ state: z.enum(['ok', 'unavailable']), since: z.number().finite(), reason: z.string().max(500).nullable() }).optional(),
});
export type HubStatus = z.infer<typeof HubStatus>;

/**
 * Patrols of other regions that came to stand in the subscribed region (`entered`: roster entry and
 * latest fix, before their first position frame) or left it (`left`: their idx; drop them).
 * Reliable, sent to the positions rooms of the region only; a patrol's home region never gets it.
 */
export const PatrolCrossing = z.object({
  regionCode: RegionCode,
  entered: z.array(Patrol),
  left: z.array(z.number().int().nonnegative()),
});
export type PatrolCrossing = z.infer<typeof PatrolCrossing>;

/** how often the hub sends a heartbeat to every connection */
export const HEARTBEAT_MS = 1_000;

export interface Heartbeat {
  serverTime: number;
  /** the hub's latest sequence number: a client that holds less and receives no delta may be missing some */
  seq: number;
}

export const TimeSyncRequest = z.object({ clientTime: z.number().finite() });
export type TimeSyncRequest = z.infer<typeof TimeSyncRequest>;
export interface TimeSyncAnswer {
  /** the request's clientTime, echoed: a client matches answers without keeping state */
  clientTime: number;
  serverTime: number;
}
