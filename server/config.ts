/**
 * Configuration from the environment, validated once at start. Every variable has an embedded
 * default so that `npm start` on a fresh machine runs the whole product with nothing installed.
 * The README's configuration table mirrors this file.
 */
import { z } from 'zod';
import { hostname } from 'node:os';
import { parseOrThrow } from '@shared/validate';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const ConfigSchema = z.object({
  PORT: int(0, 65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().url().optional(),
  /** several hub nodes: the Redis they relay patrol positions through (server/cluster); unset, a single node */
  REDIS_URL: z.string().url().optional(),
  /** the nodes of one cluster share this name (their Redis channel gcw:<name>:positions); two centres on one Redis differ */
  CLUSTER_NAME: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits, . _ - (1 to 64)').default('default'),
  NODE_ID: z.string().min(1).max(64).default(hostname()),
  /**
   * the cluster lease's term: the duties that run once for the cluster (overdue sweep, simulator,
   * rule triggers) run on the node holding it, renewed every third of it; a node that stops
   * renewing (killed, cut off from the database) is taken over by another after it
   */
  LEASE_TERM_MS: int(100, 600_000).default(15_000),
  CENTRE_NAME: z.string().min(1).max(60).default('宁波市社会治理指挥中心'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** the simulated city: on by default so a fresh clone shows a living city */
  SIM: bool.default(true),
  SIM_SCALE: z.enum(['district', 'city', 'province']).default('city'),
  SIM_SEED: z.string().min(1).max(64).default('ningbo'),
  /** incident arrival rate multiplier (1 = realistic) */
  SIM_RATE: z.coerce.number().min(0).max(1000).default(1),
  /** days of history the simulator writes on first start, so the wall has a week to show */
  SIM_HISTORY_DAYS: int(0, 60).default(7),
  /** a deployment's own grid polygons (GeoJSON FeatureCollection), instead of the generated city */
  GEO_FILE: z.string().optional(),
  /**
   * a deployment's own offline basemap: a PMTiles v3 archive of vector tiles in the Protomaps
   * basemap schema, served to the wall from the hub (docs/map.md "Your own basemap"); unset, missing
   * or unreadable: the generated demo basemap
   */
  BASEMAP_FILE: z.string().min(1).optional(),
  /** degrees around the geography's bounding box in which GPS fixes are still taken (a border region's patrols cross it); beyond, a batch is refused OUT_OF_AREA */
  POSITION_MARGIN_DEG: z.coerce.number().min(0).max(5).default(0.2),
  /** how often position frames may go out (4 Hz); each client's own rate rounds to it */
  POSITION_TICK_MS: int(100, 60_000).default(250),
  STATS_INTERVAL_MS: int(250, 600_000).default(2000),
  OVERDUE_SWEEP_MS: int(1000, 3_600_000).default(15_000),
  /** how often a patrol's track is sampled for playback; 0 keeps no tracks */
  TRACK_SAMPLE_MS: int(0, 3_600_000).default(30_000),
  TRACK_RETENTION_HOURS: int(1, 24 * 366).default(72),
  /**
   * a region holding more patrols or cameras than this (each) gets that layer summarised per child
   * area in its snapshot; drill in to see the items (docs/protocol.md, layered snapshots)
   */
  SNAPSHOT_ITEMS: int(10, 1_000_000).default(6_000),
  /** a region holding more cases (open, and closed in the last 24 hours) gets its notable ones and counts per area */
  SNAPSHOT_INCIDENTS: int(10, 1_000_000).default(2_500),
  /** a region with more grids than this gets its risk map as counts per child area */
  SNAPSHOT_GRIDS: int(10, 1_000_000).default(12_000),
  /** reliable deltas kept in memory for clients that reconnect */
  RESUME_BUFFER: int(100, 1_000_000).default(50_000),
  /** days of closed incidents kept in memory for statistics; older windows are read from the store */
  MEMORY_DAYS: int(1, 400).default(35),
  /**
   * UTC offset of the centre's clock (Asia/Shanghai = 480); days, hours and SLA calendars are cut
   * at it. Unset: the calendar file's, else 480. Set beside a calendar file, the two must agree.
   */
  TZ_OFFSET_MINUTES: int(-720, 840).optional(),
  /** the centre's business calendar as JSON: working hours per weekday, holidays, make-up days (调休) */
  CALENDAR_FILE: z.string().min(1).optional(),
  /** how long a sign-in lasts, in hours */
  SESSION_HOURS: int(1, 24 * 30).default(12),
  /**
   * who may watch without signing in (read-only): `localhost` (walls on this machine), `lan`
   * (any address: kiosk walls on the centre's network) or `off` (everyone signs in)
   */
  WALL_ANONYMOUS: z.enum(['localhost', 'lan', 'off']).default('localhost'),
  /**
   * trigger → action rules (docs/rules.md): JSON, validated at start — a bad rule stops the hub
   * with a message naming it. Unset: the shipped defaults
   */
  RULES_FILE: z.string().min(1).optional(),
  /** an alert nobody acknowledged sounds again after this many seconds */
  ALERT_REPEAT_S: int(5, 3_600).default(60),
  /** … and goes to the supervisors after this many */
  ALERT_ESCALATE_S: int(10, 86_400).default(300),
  /**
   * origins (scheme://host[:port], comma-separated) of the video platform's web players: focus
   * mode opens a camera's `streamUrl` in a frame, which the wall's policy allows only from these
   */
  VIDEO_FRAME_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'an origin such as http://vms.local:8080'))),
  /**
   * other sites (origins, comma-separated) whose pages may call the hub and open its WebSocket: the
   * hub answers them with CORS. Its own pages need no entry; any other browser page is refused
   */
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, 'an origin such as https://portal.example.gov.cn'))),
  /**
   * a deployment's first ingest key (at least 32 characters, beginning gk_): every scope, the whole
   * geography — for the first source to be connected; an admin then issues one key per source
   * (POST /api/access-keys/ingest) and revokes this one. Unset: no key until an admin makes one
   */
  INGEST_KEY: z.string().regex(/^gk_[A-Za-z0-9_-]{29,197}$/, 'an ingest key: gk_ followed by at least 29 letters, digits, _ or -').optional(),
  /** requests a second per ingest key and kind, where the defaults (positions=200,units=50,reports=100,alarms=100) do not suit: e.g. `positions=500,reports=200` */
  INGEST_RATES: z
    .string()
    .default('')
    .transform((v) => Object.fromEntries(v.split(',').map((p) => p.trim()).filter(Boolean).map((p) => p.split('=').map((x) => x.trim()))))
    .pipe(z.strictObject({ positions: z.coerce.number().int().min(1).max(1_000_000).optional(), units: z.coerce.number().int().min(1).max(1_000_000).optional(), reports: z.coerce.number().int().min(1).max(1_000_000).optional(), alarms: z.coerce.number().int().min(1).max(1_000_000).optional() })),
  /** HTTP changes (reports, steps, decisions) a second per session, or per address without one; beyond: 429 RATE_LIMITED */
  HTTP_WRITES_PER_SECOND: int(1, 1_000_000).default(200),
  /**
   * live socket connections from one address; beyond: refused at the handshake TOO_MANY_CONNECTIONS.
   * High because a district centre behind one NAT shares an address among every wall screen and
   * console it has (server/transport/socket/connectionCaps.ts); behind a reverse proxy, raise it
   */
  SOCKET_CONNECTIONS_PER_ADDRESS: int(1, 1_000_000).default(200),
  /** live socket connections of one signed-in user or kiosk link, from anywhere (one wall account on every screen of a large wall) */
  SOCKET_CONNECTIONS_PER_USER: int(1, 1_000_000).default(50),
  /** the first admin's password on an empty store; unset, a random one is generated and printed once */
  ADMIN_PASSWORD: z.string().min(10).max(200).optional(),
});

export type Config = z.output<typeof ConfigSchema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const relevant = Object.fromEntries(
    Object.keys(ConfigSchema.shape)
      .map((k) => [k, env[k]] as const)
      .filter(([, v]) => v !== undefined && v !== ''),
  );
  return parseOrThrow(ConfigSchema, relevant, 'configuration');
}
