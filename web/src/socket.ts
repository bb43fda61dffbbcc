/**
 * The wall's only connection to the hub (and the only io() call): WebSocket transport, protocol
 * version check, subscribe → snapshot | resume with lastSeq, then deltas, statistics and position
 * frames into the stores. Reconnection is Socket.IO's own (unbounded, backoff to 10 s); on every
 * (re)connection the hub says hello and the wall resubscribes, resuming from its last sequence
 * number when the region is unchanged. Deltas that arrive while a subscription is in flight are
 * held and replayed after it (the sequence number drops those the snapshot already contains).
 */
import { io, type Socket } from 'socket.io-client';
import { DELTA_EVENTS, PROTOCOL_VERSION, type ClientToServerEvents, type Hello, type ServerToClientEvents } from '@shared/events';
import { LAYERS, type Delta, type PatrolCrossing, type SubscribeRequest } from '@shared/schemas/live';
import { bestOffset, keepSample, type ClockSample } from './clockSync';
import { applyAlertSounded, applyDelta, applyFocusTrack, applyPatrolCrossing, applyPositionsMessage, applyStatsFrame, applySubscribeResult, maintain } from './stores/dispatch';
import { useLiveStore } from './stores/live';
import { useWallStore } from './stores/wall';
import { useCoordinationStore } from './stores/coordination';

/** refusals of the connection itself: who may watch (docs/protocol.md §0) */
const ACCESS_CODES: ReadonlySet<string> = new Set(['AUTH_REQUIRED', 'SESSION_EXPIRED', 'ACCOUNT_DISABLED', 'LINK_INVALID', 'TOO_MANY_CONNECTIONS']);
/** how often a refused wall asks again */
const ACCESS_RETRY_MS = 30_000;

export type WallSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const SUBSCRIBE_TIMEOUT_MS = 20_000;
export const RETRY_MS = 3_000;
export const MAINTENANCE_MS = 60_000;
/** clock round trips: a burst on connecting, then one every CLOCK_SYNC_MS */
export const CLOCK_BURST = 4;
export const CLOCK_BURST_GAP_MS = 250;
export const CLOCK_SYNC_MS = 30_000;
const CLOCK_SYNC_TIMEOUT_MS = 5_000;
/** deltas held while a subscription is in flight; beyond this a fresh snapshot is cheaper */
export const PENDING_CAP = 20_000;

export interface WallConnection {
  socket: WallSocket;
  close(): void;
}

export interface ConnectOptions {
  /** for tests: a socket-like object instead of a real connection */
  socket?: WallSocket;
  url?: string;
  /** reload the page this long after the hub turns out to speak another protocol version */
  reloadAfterMismatchMs?: number;
  reload?: () => void;
}

export function createSocket(url?: string): WallSocket {
  const options = {
    transports: ['websocket'],
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10_000,
    randomizationFactor: 0.5,
    timeout: 10_000,
  };
  return url ? io(url, options) : io(options);
}

export function connectWall(options: ConnectOptions = {}): WallConnection {
  const live = useLiveStore();
  const wall = useWallStore();
  const coordination = useCoordinationStore();
  const socket = options.socket ?? createSocket(options.url);
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  let token = 0;
  let pending: { region: string } | null = null;
  let held: Delta[] = [];
  let heldOverflow = false;
  /** patrols that crossed into or out of the region while a subscription was in flight */
  let heldCrossings: PatrolCrossing[] = [];

  function subscribe(region: string, allowResume: boolean): void {
    if (!socket.connected) return; // hello on the next connection subscribes
    const t = ++token;
    pending = { region };
    held = [];
    heldOverflow = false;
    heldCrossings = [];
    const canResume = allowResume && live.region?.code === region && live.seq !== null;
    // the focuses this wall enters are those that reach its home (the hub tells it of others on cases in it)
    coordination.setHome(wall.homeCode() ?? region);
    const request: SubscribeRequest = {
      protocolVersion: PROTOCOL_VERSION,
      region,
      layers: [...LAYERS],
      // a large region's snapshot compressed once by the hub and shared with every wall that opens it
      snapshotEncoding: 'gzip',
      // alarms of the whole home region, even while the tour shows one district of it
      ...(wall.homeCode() ? { alarmRegion: wall.homeCode()! } : {}),
      // the detail held travels with lastSeq: a region that crossed the budget since gets a snapshot
      // and the history it belongs to: a hub on a store restored from a backup answers a snapshot
      ...(canResume && live.seq !== null
        ? { lastSeq: live.seq, ...(live.historyId ? { historyId: live.historyId } : {}), ...(live.detail ? { detail: live.detail } : {}) }
        : {}),
    };
    socket.timeout(SUBSCRIBE_TIMEOUT_MS).emit('subscribe', request, (err, answer) => {
      if (t !== token) return; // superseded by a newer subscription or a disconnect
      pending = null;
      if (err || !answer) {
        later(RETRY_MS, () => t === token && subscribe(region, allowResume));
        return;
      }
      if (!answer.ok) {
        live.setProblem({ code: answer.error, message: answer.message });
        if (answer.error === 'PROTOCOL_MISMATCH') return mismatch();
        if (answer.error === 'UNKNOWN_REGION' && live.rootCode && region !== live.rootCode) {
          live.wantedRegion = null;
          return subscribe(live.rootCode, false);
        }
        later(RETRY_MS, () => t === token && subscribe(region, allowResume));
        return;
      }
      applySubscribeResult(answer.data);
      const replay = held;
      held = [];
      if (heldOverflow) return subscribe(region, false);
      for (const delta of replay) applyDelta(delta);
      const crossings = heldCrossings;
      heldCrossings = [];
      for (const crossing of crossings) if (crossing.regionCode === region) applyPatrolCrossing(crossing);
    });
  }

  function mismatch(): void {
    // A hub that speaks another protocol was upgraded: a reload fetches the wall that matches it.
    const reload = options.reload ?? (() => location.reload());
    later(options.reloadAfterMismatchMs ?? 30_000, reload);
  }

  const onHello = (hello: Hello) => {
    live.hello(hello);
    // the hub took this connection: an access refusal of an earlier attempt is over
    if (live.problem && ACCESS_CODES.has(live.problem.code)) live.setProblem(null);
    if (hello.protocolVersion !== PROTOCOL_VERSION) {
      live.setProblem({
        code: 'PROTOCOL_MISMATCH',
        message: `hub protocol ${hello.protocolVersion}, wall protocol ${PROTOCOL_VERSION}`,
      });
      mismatch();
      return;
    }
    const region = live.targetRegion();
    if (region) subscribe(region, true);
  };

  const onDelta = (delta: Delta) => {
    if (pending) {
      if (held.length < PENDING_CAP) held.push(delta);
      else heldOverflow = true;
      return;
    }
    applyDelta(delta);
  };

  const onAlarm: ServerToClientEvents['alarm:raised'] = ({ incident }) => {
    wall.considerAlarm(incident, live.serverNow());
  };

  // volatile: a track that arrives mid-subscription is simply replaced by the next one
  const onFocusTrack: ServerToClientEvents['focus:track'] = (track) => {
    if (!pending) applyFocusTrack(track);
  };
  const onAlertSounded: ServerToClientEvents['alert:sounded'] = (sounded) => applyAlertSounded(sounded);

  const onStats: ServerToClientEvents['stats:updated'] = (frame) => {
    if (!pending) applyStatsFrame(frame);
  };
  const onPositions: ServerToClientEvents['positions'] = (...frames) => {
    // a tick with many positions for the region comes as several frames in one message
    if (!pending) applyPositionsMessage(frames);
  };
  // reliable: held while a subscription is in flight (a shared snapshot may be older than it)
  const onCrossing: ServerToClientEvents['patrols:crossed'] = (crossing) => {
    if (!pending) applyPatrolCrossing(crossing);
    else if (heldCrossings.length < PENDING_CAP) heldCrossings.push(crossing);
  };
  const onResync: ServerToClientEvents['resync'] = () => {
    const region = live.targetRegion();
    if (region) subscribe(region, false);
  };
  const onHeartbeat: ServerToClientEvents['heartbeat'] = () => live.markHeard();
  const onHubStatus: ServerToClientEvents['hub:status'] = (status) => {
    live.markHeard();
    live.setHubStatus(status);
  };

  // The hub's clock from round trips (clockSync.ts): a few at once on connecting, then one every
  // CLOCK_SYNC_MS. The answers also count as hearing from the hub.
  let clockSamples: ClockSample[] = [];
  const syncClock = (times: number) => {
    if (!socket.connected || times <= 0) return;
    const sentAt = Date.now();
    socket.timeout(CLOCK_SYNC_TIMEOUT_MS).emit('time:sync', { clientTime: sentAt }, (err, answer) => {
      if (err || !answer?.ok) return;
      const receivedAt = Date.now();
      live.markHeard(receivedAt);
      clockSamples = keepSample(clockSamples, { sentAt: answer.data.clientTime, serverTime: answer.data.serverTime, receivedAt });
      const best = bestOffset(clockSamples);
      if (best) live.setClock(best.offsetMs, best.roundTripMs);
      later(CLOCK_BURST_GAP_MS, () => syncClock(times - 1));
    });
  };
  const clockTimer = setInterval(() => syncClock(1), CLOCK_SYNC_MS);

  const onConnect = () => {
    live.setConnected(true);
    syncClock(CLOCK_BURST);
  };
  /**
   * A connection the hub refused (no sign-in where anonymous walls are not allowed, a kiosk link
   * altered, expired or revoked) or closed itself (the link was revoked) is not retried by
   * Socket.IO: the wall says why and asks again now and then — a person may sign in on this
   * browser, or the centre may issue a new link, and the wall recovers without anyone at it.
   */
  let retrying = false;
  const retryLater = () => {
    if (retrying) return;
    retrying = true;
    later(ACCESS_RETRY_MS, () => {
      retrying = false;
      if (!socket.connected) socket.connect();
    });
  };
  const onDisconnect = (reason?: string) => {
    token++; // answers of subscriptions sent on the old connection are void
    pending = null;
    held = [];
    heldCrossings = [];
    live.setConnected(false);
    // the hub closed it (a revoked link, an ended session): find out why by asking again
    if (reason === 'io server disconnect') later(1_000, () => socket.connect());
  };
  const onConnectError = (error?: Error & { data?: { error?: string; message?: string } }) => {
    live.noteReconnectAttempt();
    live.setConnected(false);
    const code = error?.data?.error;
    if (!code) return; // a transport failure: Socket.IO reconnects by itself
    // refused by the hub's own check (which Socket.IO does not retry): say why when it is about
    // access, and ask again later whatever it was (a database that did not answer, say)
    if (ACCESS_CODES.has(code)) live.setProblem({ code, message: error?.data?.message ?? '' });
    retryLater();
  };

  // One table, so that close() removes exactly what was added.
  const handlers: [string, (...args: never[]) => void][] = [
    ['hello', onHello],
    ...DELTA_EVENTS.map((name) => [name, onDelta] as [string, (...args: never[]) => void]),
    ['alarm:raised', onAlarm],
    ['focus:track', onFocusTrack],
    ['alert:sounded', onAlertSounded],
    ['stats:updated', onStats],
    ['positions', onPositions],
    ['patrols:crossed', onCrossing],
    ['resync', onResync],
    ['heartbeat', onHeartbeat],
    ['hub:status', onHubStatus],
    ['connect', onConnect],
    ['disconnect', onDisconnect],
    ['connect_error', onConnectError],
  ];
  const untyped = socket as unknown as { on(e: string, f: unknown): void; off(e: string, f: unknown): void };
  for (const [event, handler] of handlers) untyped.on(event, handler);

  live.bindTransport({
    subscribe: (code) => subscribe(code, false),
    // a wall whose connection is signed in as an operator may say that a person saw the alert
    acknowledgeAlert: (alertId) =>
      new Promise((resolve) => {
        if (!socket.connected) return resolve(false);
        socket.timeout(10_000).emit('alert:acknowledge', { alertId }, (err, answer) => resolve(!err && !!answer?.ok));
      }),
  });

  // Status once a second; a connection that stays silent far beyond the stale limit is replaced.
  const stopWatchdog = live.startWatchdog();
  let staleSince: number | null = null;
  const reviver = setInterval(() => {
    // silent while the transport says connected: delayed, then lost (a frozen hub, a dead route)
    if (!(live.status === 'stale' || (live.status === 'offline' && socket.connected))) {
      staleSince = null;
      return;
    }
    staleSince ??= Date.now();
    if (Date.now() - staleSince > 60_000 && socket.connected) {
      staleSince = null;
      socket.disconnect();
      socket.connect();
    }
  }, 5_000);
  const housekeeping = setInterval(() => maintain(), MAINTENANCE_MS);

  return {
    socket,
    close() {
      stopWatchdog();
      clearInterval(clockTimer);
      clearInterval(reviver);
      clearInterval(housekeeping);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      live.bindTransport(null);
      for (const [event, handler] of handlers) untyped.off(event, handler);
      socket.disconnect();
    },
  };
}
