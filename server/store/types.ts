/**
 * The store: one interface, two implementations (PGlite embedded, PostgreSQL) over the same
 * migrations. An append-only event log is the truth; current-state tables are kept beside it in
 * the same transaction so a restart loads state without replaying the whole log.
 */
import type { AuditEntry } from '@shared/schemas/audit';
import type { User } from '@shared/schemas/auth';
import type { AccessKeyKind, IngestScope } from '@shared/schemas/accessKeys';
import type { Actor } from '@shared/schemas/common';
import type { Camera } from '@shared/schemas/camera';
import type { Incident } from '@shared/schemas/incident';
import type { Patrol } from '@shared/schemas/patrol';
import type { VideoAlarm } from '@shared/schemas/videoAlarm';

/** focus and alert events carry the whole Focus or Alert as it stands after them (the last one per id is the state) */
export type EventKind = 'incident' | 'camera' | 'patrol' | 'video_alarm' | 'focus' | 'alert';

/** An event about to be appended: `at` is when it happened (may be in the past for imports). */
export interface NewEvent {
  kind: EventKind;
  /** incident id, camera id or patrol id */
  aggregateId: string;
  /** e.g. 'reported', 'dispatch', 'status' */
  type: string;
  at: number;
  actor: Actor;
  /** JSON-serialisable body; for incidents an IncidentLogEntry without seq */
  payload: unknown;
  /**
   * written without a delta (history, an import: the writer tells its clients to take a snapshot
   * when done); other hub nodes following the log install it without publishing it either. Read
   * back only when true.
   */
  quiet?: boolean;
}

export interface StoredEvent extends NewEvent {
  /** global, strictly increasing, assigned by the database */
  seq: number;
  /** when the hub wrote it */
  recordedAt: number;
}

/** Current-state rows written in the same transaction as the events that produced them. */
export interface StateChanges {
  incidents?: readonly Incident[];
  videoAlarms?: readonly VideoAlarm[];
  cameras?: readonly Camera[];
  patrols?: readonly Patrol[];
  /**
   * The version of each incident and video-alarm row as the deciding hub node held it before the
   * change (`null`: it creates the row). When given, the append checks them against the stored
   * rows after taking its lock and, if any differs, throws StaleStateError and writes nothing:
   * a node whose memory is stale (another node changed the row) never overwrites that change.
   */
  expected?: ExpectedVersions;
}

/** a row's version as the deciding node held it; `null`: the node expects no such row */
export interface ExpectedVersion {
  id: string;
  version: number | null;
}

export interface ExpectedVersions {
  incidents?: readonly ExpectedVersion[];
  videoAlarms?: readonly ExpectedVersion[];
}

export interface IdempotencyRecord {
  key: string;
  incidentId: string;
  /** hash of the request body, so a reused key with another body can be refused */
  requestHash: string;
}

export interface EventQuery {
  afterSeq?: number;
  /** inclusive upper bound on seq */
  toSeq?: number;
  kind?: EventKind;
  aggregateId?: string;
  /** any of these aggregates (a page of cases read together); the result is then ordered by aggregate, then seq */
  aggregateIds?: readonly string[];
  /** on `at`: from inclusive, to exclusive */
  from?: number;
  to?: number;
  limit?: number;
}

export interface TrackSample {
  patrolId: string;
  lng: number;
  lat: number;
  at: number;
}

/** A user as stored: the public fields plus the KDF hash (server/auth/password.ts). */
export interface StoredUser extends User {
  passwordHash: string;
}

/** A session: the store keeps a hash of the token, never the token itself. */
export interface StoredSession {
  tokenHash: string;
  username: string;
  kind: 'cookie' | 'bearer';
  createdAt: number;
  expiresAt: number;
  /** signed out, or ended because the user was disabled or the password reset */
  endedAt: number | null;
  client: AuditEntry['client'];
}

/** An ingest key or kiosk link as stored (shared/schemas/accessKeys.ts): an ingest key's secret as its SHA-256 only. */
export interface StoredAccessKey {
  id: string;
  kind: AccessKeyKind;
  label: string;
  regionCode: string;
  scopes: IngestScope[];
  secretHash: string | null;
  createdAt: number;
  createdBy: string;
  expiresAt: number | null;
  revokedAt: number | null;
  revokedBy: string | null;
}

/** An audit row about to be written; `eventIndex` links it to an event of the same append. */
export type NewAuditRecord = Omit<AuditEntry, 'id' | 'seq'> & { eventIndex?: number };

export interface AuditReadQuery {
  actor?: string;
  incidentId?: string;
  from?: number;
  to?: number;
  outcome?: 'ok' | 'refused';
  /** only rows whose region path holds this code */
  withinRegion?: string;
  /** rows with a smaller id (paging backwards, newest first) */
  before?: number;
  limit: number;
}

/** A named lease as stored (server/hub/clusterLease.ts); times are the database's clock, epoch ms. */
export interface LeaseRecord {
  name: string;
  /** the node id of the holder (NODE_ID) */
  holder: string;
  /** which run of that node: a node restarted holds nothing its earlier run held */
  instance: string;
  /** when this holder took it (kept across its renewals) */
  acquiredAt: number;
  expiresAt: number;
}

/** What a claim on a lease found: whether the claimant holds it now, the lease as it stands, the database's clock. */
export interface LeaseClaim {
  held: boolean;
  /** null only when another node created the lease in the same instant */
  lease: LeaseRecord | null;
  now: number;
}

export interface LeaseClaimant {
  name: string;
  holder: string;
  instance: string;
  termMs: number;
}

export type UserChanges = Partial<Pick<StoredUser, 'passwordHash' | 'passwordChangedAt' | 'disabled' | 'role' | 'regionCode' | 'displayName'>>;

export interface Store {
  readonly kind: 'pglite' | 'postgres';
  /** idempotent: creates or upgrades the schema */
  migrate(): Promise<void>;
  /** cheap round trip, throws when the database is unreachable */
  ping(): Promise<void>;
  close(): Promise<void>;

  /**
   * Appends events and writes state in one transaction. With `idempotency` (one key, or several:
   * an import writes many cases per transaction), the keys are recorded in the same transaction;
   * a key that exists already makes the whole append fail with IdempotencyConflictError and
   * nothing is written.
   */
  append(events: readonly NewEvent[], state: StateChanges, idempotency?: IdempotencyRecord | readonly IdempotencyRecord[], audit?: readonly NewAuditRecord[]): Promise<StoredEvent[]>;
  readEvents(query: EventQuery): Promise<StoredEvent[]>;
  /** highest seq written, 0 when empty */
  lastSeq(): Promise<number>;
  /**
   * PostgreSQL only (several hub nodes share it): calls `wake` whenever any node committed an
   * append to this schema's log, and after each (re)connection of the listening connection
   * (logWatch.ts). Absent on PGlite: one process owns its data directory.
   */
  watchAppends?(wake: () => void, warn: (message: string) => void): { close(): Promise<void> };
  /**
   * PostgreSQL only: what tells this database's timeline from any other — the server's system
   * identifier and timeline (a new cluster, a point-in-time recovery), the database's and the
   * schema's object ids (a dump restored into a new database or schema). Hub nodes sharing the
   * store derive one history id from it (server/hub/history.ts).
   */
  databaseIdentity?(): Promise<string>;

  getIncident(id: string): Promise<Incident | null>;
  /** the greatest incident id starting with `prefix` (ids of one day share a prefix), or null */
  highestIncidentId(prefix: string): Promise<string | null>;
  /**
   * Reserves `count` case numbers of one day (ids `<prefix><number>`) for the calling hub node,
   * atomically, above every number reserved before and every id stored with that prefix; returns
   * the last of them (the block is last-count+1 … last). Several nodes: server/hub/incidentIds.ts.
   */
  reserveIncidentNumbers(prefix: string, count: number): Promise<number>;
  /** every incident still open, plus those updated at or after `updatedSince` */
  loadIncidents(updatedSince: number): Promise<Incident[]>;
  /**
   * A page (by id) of the cases of a region that a statistics window [from, …) known until `asOf`
   * may need: reported before asOf and either open now or changed since `from` — every case with
   * an entry in the window or open at asOf is among them.
   */
  incidentsForWindow(query: { regionCode: string; from: number; asOf: number; afterId: string | null; limit: number }): Promise<Incident[]>;
  /**
   * Cases reported in [from, to), newest first (reported time, then id, both descending), a page
   * at a time: `after` is the last case of the previous page.
   */
  incidentsReported(query: { from: number; to: number; after: { reportedAt: number; id: string } | null; limit: number }): Promise<Incident[]>;
  findIdempotencyKey(key: string): Promise<IdempotencyRecord | null>;
  /** the records of those keys that exist, in one query (an import checks thousands at once) */
  findIdempotencyKeys(keys: readonly string[]): Promise<IdempotencyRecord[]>;

  /** AI video alarms still pending, plus those raised at or after `since` */
  loadVideoAlarms(since: number): Promise<VideoAlarm[]>;

  /** roster data without events (initial load of a city's cameras and patrols) */
  upsertCameras(cameras: readonly Camera[]): Promise<void>;
  upsertPatrols(patrols: readonly Patrol[]): Promise<void>;
  loadCameras(): Promise<Camera[]>;
  loadPatrols(): Promise<Patrol[]>;

  /** sampled tracks, written in batches, kept only as long as the deployment configures */
  saveTrackSamples(samples: readonly TrackSample[]): Promise<void>;
  readTrackSamples(patrolId: string, from: number, to: number): Promise<TrackSample[]>;
  pruneTrackSamples(olderThan: number): Promise<number>;

  /** people (server/auth): a name taken already → UserExistsError */
  createUser(user: StoredUser): Promise<void>;
  getUser(username: string): Promise<StoredUser | null>;
  listUsers(): Promise<StoredUser[]>;
  updateUser(username: string, changes: UserChanges): Promise<StoredUser | null>;
  countUsers(): Promise<number>;

  createSession(session: StoredSession): Promise<void>;
  getSession(tokenHash: string): Promise<StoredSession | null>;
  endSession(tokenHash: string, at: number): Promise<void>;
  /** ends every open session of a user; returns their token hashes */
  endSessionsOf(username: string, at: number): Promise<string[]>;

  /** ingest keys and kiosk links (server/auth/accessKeys.ts) */
  createAccessKey(key: StoredAccessKey): Promise<void>;
  getAccessKey(id: string): Promise<StoredAccessKey | null>;
  findAccessKeyBySecret(secretHash: string): Promise<StoredAccessKey | null>;
  listAccessKeys(): Promise<StoredAccessKey[]>;
  /** the key as revoked now; null when unknown or revoked already */
  revokeAccessKey(id: string, at: number, by: string): Promise<StoredAccessKey | null>;

  /** the append-only audit log: rows of their own (sign-ins, refusals), or with an append */
  appendAudit(records: readonly NewAuditRecord[]): Promise<void>;
  /** newest first */
  readAudit(query: AuditReadQuery): Promise<AuditEntry[]>;

  /** small key → JSON settings (simulator state, schema facts) */
  getMeta<T>(key: string): Promise<T | null>;
  setMeta(key: string, value: unknown): Promise<void>;
  /** writes the value only where the key has none; returns the value the store holds now (two nodes racing agree) */
  setMetaIfAbsent<T>(key: string, value: T): Promise<T>;

  /**
   * Takes the lease for `termMs` by the database's clock when it is free or expired, or renews it
   * when this holder and instance have it; otherwise leaves it. One atomic statement: of nodes
   * claiming at once, one wins.
   */
  acquireLease(claimant: LeaseClaimant): Promise<LeaseClaim>;
  /** ends this holder's term now (another node may take it at once); false when it did not hold it */
  releaseLease(claimant: Omit<LeaseClaimant, 'termMs'>): Promise<boolean>;
}

export class IdempotencyConflictError extends Error {
  constructor(readonly key: string) {
    super(`idempotency key ${key} already used`);
    this.name = 'IdempotencyConflictError';
  }
}

/**
 * An append refused because rows it would write were changed elsewhere (another hub node) since
 * the deciding node read them: their stored versions differ from `expected`. Nothing was written.
 */
export class StaleStateError extends Error {
  constructor(
    readonly incidentIds: string[],
    readonly videoAlarmIds: string[] = [],
  ) {
    super(`stale state: ${[...incidentIds, ...videoAlarmIds].join(', ')} changed since the deciding node read them`);
    this.name = 'StaleStateError';
  }
}

export class UserExistsError extends Error {
  constructor(readonly username: string) {
    super(`user ${username} exists already`);
    this.name = 'UserExistsError';
  }
}
