/**
 * /metrics in Prometheus' text format (prom-client): what an operations team watches on a hub that
 * runs for months — the process (memory, event-loop lag, GC: prom-client's defaults), the command
 * queue, the store's latency, deltas published, positions taken in, clients and their subscriptions
 * per region and layer. One registry per app, so that tests can run several hubs in one process.
 * Read like the wall: on this machine without signing in (WALL_ANONYMOUS), else by a signed-in user.
 */
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Hub } from '../../hub/hub';
import type { LeaseStatus } from '../../hub/clusterLease';
import type { Store } from '../../store/types';
import type { HubServer } from '../socket/liveGateway';
import { parseRoom } from '../socket/rooms';

export interface HubMetrics {
  registry: Registry;
  /** the store with its calls timed (append and reads): give this one to the hub */
  timedStore(store: Store): Store;
  /** counts what the hub publishes and reads its gauges from it and from the sockets */
  watch(hub: Hub, io: HubServer): () => void;
  /** reads the number of position groups (region × rate class) from the fan-out */
  watchPositionGroups(count: () => number): void;
  /** reads the ingest refusals by code from the ingest gate (missing, invalid, out-of-scope keys, rate) */
  watchIngestRefusals(refused: ReadonlyMap<string, number>): void;
  /** reads the socket handshakes refused for too many connections (by address, by user) from the connection caps */
  watchConnectionRefusals(refused: ReadonlyMap<string, number>): void;
  /** reads whether this node holds the cluster lease (server/hub/clusterLease.ts) */
  watchLease(status: () => Pick<LeaseStatus, 'name' | 'held' | 'acquisitions' | 'losses'>): void;
  /** one positions frame handed to a room: its size, its positions and the sockets it went to */
  observeFrame(bytes: number, positions: number, recipients: number): void;
  /** the time of one positions tick (bucketing, encoding, handing frames over), seconds */
  observePositionsTick(seconds: number): void;
  handler: RequestHandler;
}

const TIMED_CALLS = ['append', 'readEvents', 'incidentsForWindow', 'loadIncidents', 'getIncident'] as const;

export function createMetrics(): HubMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'gcw_' });
  const storeSeconds = new Histogram({
    name: 'gcw_store_call_seconds',
    help: 'Time of the store calls the hub waits on',
    labelNames: ['call'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const deltas = new Counter({ name: 'gcw_deltas_published_total', help: 'Reliable deltas published to clients, by layer', labelNames: ['layer'], registers: [registry] });
  let hubRef: Hub | null = null;
  let ioRef: HubServer | null = null;
  // a counter read from the intake's own totals (it knows nothing of metrics): what arrived since the last scrape
  const counted = { accepted: 0, ignored: 0 };
  new Counter({
    name: 'gcw_positions_total',
    help: 'Patrol fixes taken in (accepted) or ignored as older than the one held',
    labelNames: ['outcome'],
    registers: [registry],
    collect() {
      if (!hubRef) return;
      for (const outcome of ['accepted', 'ignored'] as const) {
        const now = hubRef.positionIntake.totals[outcome];
        if (now > counted[outcome]) this.inc({ outcome }, now - counted[outcome]);
        counted[outcome] = now;
      }
    },
  });
  const batchesCounted = { json: { taken: 0, refused: 0 }, columnar: { taken: 0, refused: 0 }, binary: { taken: 0, refused: 0 } };
  new Counter({
    name: 'gcw_position_batches_total',
    help: 'Position batches at POST /api/positions, by format (json, columnar, binary) and outcome (taken, refused)',
    labelNames: ['format', 'outcome'],
    registers: [registry],
    collect() {
      if (!hubRef) return;
      for (const format of ['json', 'columnar', 'binary'] as const) {
        for (const outcome of ['taken', 'refused'] as const) {
          const now = hubRef.positionIntake.batches[format][outcome];
          if (now > batchesCounted[format][outcome]) this.inc({ format, outcome }, now - batchesCounted[format][outcome]);
          batchesCounted[format][outcome] = now;
        }
      }
    },
  });
  const frames = new Counter({ name: 'gcw_position_frames_total', help: 'Position frames handed to rooms (one per region and rate group that was due)', registers: [registry] });
  const delivered = new Counter({ name: 'gcw_positions_delivered_total', help: 'Positions handed to sockets: each frame’s positions times the sockets of its room', registers: [registry] });
  const deliveredBytes = new Counter({ name: 'gcw_position_bytes_delivered_total', help: 'Bytes of position frames handed to sockets (frame size times sockets)', registers: [registry] });
  const frameBytes = new Histogram({
    name: 'gcw_position_frame_bytes',
    help: 'Size of each position frame (20 bytes + 17 a position)',
    buckets: [64, 256, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304],
    registers: [registry],
  });
  const tickSeconds = new Histogram({
    name: 'gcw_position_tick_seconds',
    help: 'Time of one positions tick on the event loop (bucketing, encoding, handing frames over)',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
    registers: [registry],
  });
  let groupCount: (() => number) | null = null;
  const snapshotBytes = new Histogram({
    name: 'gcw_snapshot_bytes',
    help: 'Snapshots answered to subscriptions, bytes of JSON as Socket.IO encodes them (before WebSocket compression), by the level of the region',
    labelNames: ['level'],
    buckets: [10e3, 100e3, 250e3, 500e3, 1e6, 2e6, 3e6, 5e6, 10e6, 25e6],
    registers: [registry],
  });
  let leaseStatus: (() => Pick<LeaseStatus, 'name' | 'held' | 'acquisitions' | 'losses'>) | null = null;
  new Gauge({
    name: 'gcw_cluster_lease_held',
    help: '1 while this node holds the cluster lease and runs the duties that run once for the cluster (overdue sweep, simulator, rule triggers); 0 while another node does or none can',
    labelNames: ['lease'],
    registers: [registry],
    collect() {
      if (!leaseStatus) return;
      const s = leaseStatus();
      this.reset();
      this.set({ lease: s.name }, s.held ? 1 : 0);
    },
  });
  new Counter({
    name: 'gcw_cluster_lease_changes_total',
    help: 'Times this node took (acquired) or lost (lost: its term ran out unrenewed, another node took it, or it stopped) the cluster lease',
    labelNames: ['lease', 'change'],
    registers: [registry],
    collect() {
      if (!leaseStatus) return;
      const s = leaseStatus();
      this.reset();
      this.inc({ lease: s.name, change: 'acquired' }, s.acquisitions);
      this.inc({ lease: s.name, change: 'lost' }, s.losses);
    },
  });
  let ingestRefused: ReadonlyMap<string, number> | null = null;
  const ingestSeen = new Map<string, number>();
  new Counter({
    name: 'gcw_ingest_refused_total',
    help: 'Ingest requests refused at the door (ingest keys: API_KEY_REQUIRED, API_KEY_INVALID, FORBIDDEN_SCOPE, RATE_LIMITED), by code',
    labelNames: ['code'],
    registers: [registry],
    collect() {
      for (const [code, n] of ingestRefused ?? []) {
        const before = ingestSeen.get(code) ?? 0;
        if (n > before) this.inc({ code }, n - before);
        ingestSeen.set(code, n);
      }
    },
  });
  let connectionRefused: ReadonlyMap<string, number> | null = null;
  const connectionSeen = new Map<string, number>();
  new Counter({
    name: 'gcw_socket_connections_refused_total',
    help: 'Socket.IO handshakes refused with TOO_MANY_CONNECTIONS, by what was full (address: SOCKET_CONNECTIONS_PER_ADDRESS, user: SOCKET_CONNECTIONS_PER_USER)',
    labelNames: ['by'],
    registers: [registry],
    collect() {
      for (const [by, n] of connectionRefused ?? []) {
        const before = connectionSeen.get(by) ?? 0;
        if (n > before) this.inc({ by }, n - before);
        connectionSeen.set(by, n);
      }
    },
  });
  new Gauge({ name: 'gcw_position_groups', help: 'Position groups on this node (a region and a rate class with at least one client)', registers: [registry], collect() { if (groupCount) this.set(groupCount()); } });
  const grouped = { groups: 0, changes: 0 };
  new Counter({
    name: 'gcw_group_commits_total',
    help: 'Store transactions of the group commit (reports, case steps, alarms); with gcw_group_commit_changes_total, the changes each holds',
    registers: [registry],
    collect() {
      if (!hubRef) return;
      const now = hubRef.groupCommits.groups;
      if (now > grouped.groups) this.inc(now - grouped.groups);
      grouped.groups = now;
    },
  });
  new Counter({
    name: 'gcw_group_commit_changes_total',
    help: 'Changes decided in group commits (each acknowledged after its transaction committed, or refused alone)',
    registers: [registry],
    collect() {
      if (!hubRef) return;
      const now = hubRef.groupCommits.changes;
      if (now > grouped.changes) this.inc(now - grouped.changes);
      grouped.changes = now;
    },
  });
  new Gauge({ name: 'gcw_command_queue_depth', help: 'Changes waiting for the store', registers: [registry], collect() { if (hubRef) this.set(hubRef.queue.size); } });
  new Gauge({ name: 'gcw_incidents_in_memory', help: 'Cases held in memory (open ones and those changed within MEMORY_DAYS)', registers: [registry], collect() { if (hubRef) this.set(hubRef.incidents.size); } });
  new Gauge({ name: 'gcw_backfilling', help: '1 while history is being written or imported', registers: [registry], collect() { if (hubRef) this.set(hubRef.backfilling ? 1 : 0); } });
  new Gauge({
    name: 'gcw_store_available',
    help: '1 while the hub takes changes; 0 while its store is unavailable and every change is refused with STORE_UNAVAILABLE (the cause label says why: stalled_write, failed_write, failed_ping; none when available)',
    labelNames: ['cause'],
    registers: [registry],
    collect() {
      if (!hubRef) return;
      this.reset();
      const { state, cause } = hubRef.storeHealth.current;
      this.set({ cause: cause ?? 'none' }, state === 'available' ? 1 : 0);
    },
  });
  new Counter({
    name: 'gcw_store_unavailable_total',
    help: 'Times the store turned unavailable, by cause',
    labelNames: ['cause'],
    registers: [registry],
    collect() {
      if (!hubRef) return;
      this.reset();
      for (const [cause, n] of Object.entries(hubRef.storeHealth.episodes)) this.inc({ cause }, n);
    },
  });
  new Gauge({ name: 'gcw_seq', help: 'The last sequence number of the event log', registers: [registry], collect() { if (hubRef) this.set(hubRef.seq); } });
  new Gauge({ name: 'gcw_connected_clients', help: 'Socket.IO connections on this node', registers: [registry], collect() { if (ioRef) this.set(ioRef.engine.clientsCount); } });
  new Gauge({
    name: 'gcw_subscribers',
    help: 'Subscriptions on this node, by region and layer',
    labelNames: ['region', 'layer'],
    registers: [registry],
    collect() {
      if (!ioRef) return;
      this.reset();
      for (const [room, members] of ioRef.of('/').adapter.rooms) {
        const parsed = parseRoom(room);
        if (parsed && members.size > 0) this.set({ region: parsed.regionCode, layer: parsed.layer }, members.size);
      }
    },
  });

  return {
    registry,
    timedStore(store) {
      return new Proxy(store, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver) as unknown;
          if (typeof value !== 'function' || !(TIMED_CALLS as readonly (string | symbol)[]).includes(prop)) return value;
          return (...args: unknown[]) => {
            const end = storeSeconds.startTimer({ call: String(prop) });
            const result = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            return result.finally(() => end());
          };
        },
      });
    },
    watch(hub, io) {
      hubRef = hub;
      ioRef = io;
      // A snapshot's size is what Socket.IO encodes for its answer: read from the engine's packet
      // (created synchronously when the answer is sent) rather than by encoding it a second time.
      const onConnection = (socket: Parameters<Parameters<HubServer['on']>[1]>[0]) => {
        socket.conn.on('packetCreate', (packet: { type: string; data?: unknown }) => {
          const level = socket.data.answeringSnapshot;
          if (level === undefined || packet.type !== 'message' || typeof packet.data !== 'string') return;
          // '3': an acknowledgement encoded as JSON; '6': one with binary parts (a compressed snapshot), whose JSON size the gateway noted
          const json = packet.data.startsWith('3') ? Buffer.byteLength(packet.data) : packet.data.startsWith('6') ? socket.data.answeringSnapshotJson : undefined;
          if (json === undefined) return;
          socket.data.answeringSnapshot = undefined;
          socket.data.answeringSnapshotJson = undefined;
          snapshotBytes.observe({ level }, json);
        });
      };
      io.on('connection', onConnection);
      const offDelta = hub.onDelta(({ layer }) => deltas.inc({ layer }));
      return () => {
        io.off('connection', onConnection);
        offDelta();
      };
    },
    watchLease(status) {
      leaseStatus = status;
    },
    watchPositionGroups(count) {
      groupCount = count;
    },
    watchIngestRefusals(refused) {
      ingestRefused = refused;
    },
    watchConnectionRefusals(refused) {
      connectionRefused = refused;
    },
    observeFrame(bytes, positions, recipients) {
      frames.inc();
      frameBytes.observe(bytes);
      if (recipients > 0) {
        delivered.inc(positions * recipients);
        deliveredBytes.inc(bytes * recipients);
      }
    },
    observePositionsTick(seconds) {
      tickSeconds.observe(seconds);
    },
    handler: async (_req, res) => {
      res.type(registry.contentType).send(await registry.metrics());
    },
  };
}
