/**
 * The live protocol over Socket.IO (docs/protocol.md): hello on connect, subscribe → snapshot or
 * resume, then reliable deltas to region rooms, and acknowledged commands. Thin: parsing and
 * decisions belong to the hub and the domain.
 */
import type { Server, Socket } from 'socket.io';
import { PROTOCOL_VERSION, type ClientToServerEvents, type ServerToClientEvents } from '@shared/events';
import { HubError } from '@shared/errors';
import type { Me } from '@shared/schemas/auth';
import { IncidentCommandRequest, ReportRequest } from '@shared/schemas/incident';
import { VideoAlarmDecisionRequest } from '@shared/schemas/videoAlarm';
import type { Coordination } from '../../hub/coordination';
import { ALARM_MIN_SEVERITY, HEARTBEAT_MS, SubscribeRequest, TimeSyncRequest, type HubStatus, type ItemLayer, type Layer, type LayerDetail, type Snapshot, type SubscribeResult } from '@shared/schemas/live';
import { parseOrThrow } from '@shared/validate';
import type { Accounts } from '../../auth/accounts';
import type { Principal } from '../../hub/audit';
import type { Hub } from '../../hub/hub';
import type { ReadModel } from '../../hub/readModel';
import type { Logger } from '../../lib/log';
import type { Cluster } from '../../cluster';
import { answer } from './ack';
import { AnswerSlot } from './answerSlot';
import { DEFAULT_SOCKET_LIMITS, dropIfUnread, socketLimiters, watchUnread, type SocketLimits } from './limits';
import { PlainLargeAnswers } from './plainLargeAnswers';
import { sameDetail } from '../../hub/snapshotLayers';
import { snapshotAnswer } from './snapshotAnswer';
import { alarmRoomOf, roomOf, roomsForPath } from './rooms';
import { positionsRoomOf, rateClass, type PositionFanout } from './positionFanout';
import { tellVisitors } from './broadcastLoops';
import { anonymousMay, tokenFrom, type AnonymousPolicy } from '../http/auth';

/** a little more than the credential caches' 10 s: each recheck finds what another node changed */
const SESSION_RECHECK_MS = 15_000;


/** how long a resuming wall waits for this node's memory to reach the seq it saw on another node */
const RESUME_CATCH_UP_MS = 2_000;
export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface SocketData {
  regionCode?: string;
  /** the home region: focuses and alerts follow it, whatever region is shown (SubscribeRequest.alarmRegion) */
  homeRegion?: string;
  layers?: Layer[];
  /** the session token this connection signed in with (memory only), and what it resolved to */
  token?: string;
  principal?: Principal | null;
  anonymousRead?: boolean;
  /** counts this connection's subscriptions: a slower, older one must not undo a newer one */
  subscribeTurn?: number;
  /** set while a snapshot is being answered: the level of its region, read by the metrics (snapshot sizes) */
  answeringSnapshot?: string;
  /** with it, for a compressed answer (its packet holds only references to binary parts): the JSON's size */
  answeringSnapshotJson?: number;
  /** the detail of each item layer this client holds, and the layers it asked in full (detailWatch.ts) */
  detail?: LayerDetail;
  fullLayers?: ItemLayer[];
}

export interface GatewayOptions {
  nodeId: string;
  centreName: string;
  accounts: Accounts;
  anonymous: AnonymousPolicy;
  /** the position frames: the fan-out (for the frame after a resume) and its tick, to which rates round */
  positions: { fanout: PositionFanout; tickMs: number };
  /** focuses and alerts (issue 16) */
  coordination: Coordination;
  /** how often the focus's responders are sent (FocusTrack) */
  focusTrackMs?: number;
  /** command rates and unread output per connection (DEFAULT_SOCKET_LIMITS) */
  limits?: SocketLimits;
  /** how often open connections' sessions and kiosk links are checked again (SESSION_RECHECK_MS) */
  recheckMs?: number;
  /** Redis on a hub of several nodes (server/cluster): its state goes into `hub:status`; absent or `off`, nothing is said */
  cluster?: Pick<Cluster, 'health' | 'onChange'>;
}

export function attachLiveGateway(io: HubServer, hub: Hub, views: ReadModel, identity: GatewayOptions, log: Logger): () => void {
  const { accounts } = identity;

  // Who the connection is: the session cookie (same-origin browsers) or `auth.token` (scripts).
  // Without one it may only read, and only where the deployment allows anonymous walls.
  io.use((socket, next) => {
    const address = socket.handshake.address;
    const authToken = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const token = typeof authToken === 'string' ? authToken : tokenFrom(socket.handshake.headers.authorization, socket.handshake.headers.cookie);
    socket.data.anonymousRead = anonymousMay(identity.anonymous, address);
    if (!token) {
      socket.data.principal = null;
      return socket.data.anonymousRead ? next() : next(refusal(new HubError('AUTH_REQUIRED', 'Sign in to watch this hub (anonymous walls are allowed on this machine only).')));
    }
    accounts
      .resolve(token, socketClient(socket))
      .then((principal) => {
        socket.data.token = token;
        socket.data.principal = principal;
        next();
      })
      .catch((error: unknown) => {
        // a stale cookie on a wall that may read anonymously: connect read-only rather than not at all
        socket.data.principal = null;
        if (socket.data.anonymousRead && error instanceof HubError) return next();
        next(error instanceof HubError ? refusal(error) : refusal(new HubError('INTERNAL')));
      });
  });

  /** the session of this connection is over: say so; a client that may not read anonymously leaves */
  const endSession = (socket: HubSocket, reason: string) => {
    socket.data.principal = null;
    delete socket.data.token;
    socket.emit('auth:ended', { reason });
    if (!socket.data.anonymousRead) socket.disconnect(true);
  };

  accounts.onSessionsEnded((hashes, reason) => {
    const ended = new Set(hashes);
    for (const socket of io.sockets.sockets.values()) {
      if (socket.data.principal && ended.has(socket.data.principal.sessionId)) endSession(socket, reason);
    }
  });

  /** a session also ends by time while its connection stays open: a timer ends it then (re-armed past setTimeout's 24.8-day ceiling) */
  const armExpiry = (socket: HubSocket) => {
    const principal = socket.data.principal;
    if (!principal) return;
    const timer = setTimeout(
      () => {
        if (socket.data.principal?.sessionId !== principal.sessionId) return;
        if (hub.now() >= principal.expiresAt) endSession(socket, 'the session expired');
        else armExpiry(socket);
      },
      Math.min(2 ** 31 - 1, Math.max(0, principal.expiresAt - hub.now())),
    );
    timer.unref();
    socket.once('disconnect', () => clearTimeout(timer));
  };

  /**
   * Every open connection's session or kiosk link, checked again now and then: a revocation, a
   * disabled user or a reset password on another node ends this node's connections too (its own
   * end them at once, onSessionsEnded). A database that does not answer ends nothing.
   */
  const recheck = setInterval(() => {
    for (const socket of io.sockets.sockets.values()) {
      const token = socket.data.token;
      if (!token || !socket.data.principal) continue;
      accounts.resolve(token, socketClient(socket)).then(
        (principal) => {
          if (socket.data.token === token) socket.data.principal = principal;
        },
        (error: unknown) => {
          if (error instanceof HubError && error.code !== 'STORE_UNAVAILABLE' && socket.data.token === token) endSession(socket, error.message);
        },
      );
    }
  }, identity.recheckMs ?? SESSION_RECHECK_MS);
  recheck.unref?.();

  /** the signed-in person of a socket, checked again (expiry, disabling) for every command */
  const principalOf = async (socket: HubSocket): Promise<Principal> => {
    if (!socket.data.token) throw new HubError('AUTH_REQUIRED', 'Sign in first: this connection is read-only.');
    try {
      return (socket.data.principal = await accounts.resolve(socket.data.token, socketClient(socket)));
    } catch (error) {
      socket.data.principal = null;
      delete socket.data.token;
      throw error;
    }
  };
  const { coordination } = identity;
  const limits = identity.limits ?? DEFAULT_SOCKET_LIMITS;
  const limiters = socketLimiters(limits);
  const plainLarge = new PlainLargeAnswers(limits.plainLargeAnswers);
  const stopUnreadWatch = watchUnread(io, limits.maxPendingBytes, (socket) =>
    log.warn('dropped a connection that does not read', { address: socket.handshake.address, limitBytes: limits.maxPendingBytes }),
  );
  const detach = hub.onDelta(({ delta, path, layer, homes }) => {
    // One emit to the union of the rooms: each socket receives the delta once. Focus and alert
    // deltas go by home region (the alarm rooms), whatever layers and region a client shows.
    io.to(homes ? homes.map(alarmRoomOf) : roomsForPath(path, layer)).emit(delta.type, delta as never);
    if (delta.type === 'incident:reported' && delta.incident.severity >= ALARM_MIN_SEVERITY) {
      io.to(path.map(alarmRoomOf)).emit('alarm:raised', { seq: delta.seq, incident: delta.incident });
    }
  });

  // the responders of each focus, about once a second, to its walls (lossy: the next one replaces it)
  const focusTrack = setInterval(() => {
    for (const { homes, track } of coordination.focus.tracks()) if (homes.length > 0) io.to(homes.map(alarmRoomOf)).volatile.emit('focus:track', track);
  }, identity.focusTrackMs ?? 1_000);
  focusTrack.unref?.();
  const detachSounded = coordination.alerts.onSounded((sounded, alert) => io.to(alert.regionPath.map(alarmRoomOf)).emit('alert:sounded', sounded));

  const detachRoster = hub.onRosterLoaded(() => io.emit('resync', { reason: 'the roster of patrols and cameras was reloaded' }));
  const detachResync = hub.onResync((reason) => io.emit('resync', { reason }));
  // one broadcast a second, encoded once: a frozen hub falls silent, and its walls say so within seconds
  const heartbeat = setInterval(() => io.volatile.emit('heartbeat', { serverTime: hub.now(), seq: hub.seq }), HEARTBEAT_MS);
  heartbeat.unref?.();
  // the store stopped or resumed answering: every wall and console says whether changes are taken
  // and, on a hub of several nodes, whether positions of the other nodes reach this one (Redis)
  const statusNow = (): HubStatus => {
    const redis = identity.cluster?.health();
    return { ...hub.storeHealth.hubStatus, ...(redis && redis.state !== 'off' ? { redis: { state: redis.state, since: redis.since, reason: redis.reason } } : {}) };
  };
  const detachStatus = hub.storeHealth.onChange(() => io.emit('hub:status', statusNow()));
  const detachRedis = identity.cluster?.onChange(() => io.emit('hub:status', statusNow())) ?? (() => undefined);

  io.on('connection', (socket: HubSocket) => {
    limiters.attach(socket);
    armExpiry(socket);
    socket.emit('hello', {
      protocolVersion: PROTOCOL_VERSION,
      serverTime: hub.now(),
      node: identity.nodeId,
      rootRegion: hub.geo.rootCode,
      centreName: identity.centreName,
      me: meOf(socket),
      historyId: hub.historyId,
      status: statusNow(),
    });

    socket.on('auth:me', (_request, ack) => answer(ack, log, () => meOf(socket)));

    socket.on('time:sync', (request, ack) =>
      answer(ack, log, () => ({ clientTime: parseOrThrow(TimeSyncRequest, request, 'time request').clientTime, serverTime: hub.now() })),
    );

    // At most one subscription answer of this connection built at a time (answerSlot.ts, issue 17):
    // each takes the slot before building and gives it back once its answer is handed to Engine.IO.
    const slot = new AnswerSlot();
    socket.on('subscribe', (request, ack) => {
      let holdsSlot = false;
      const reply = (result: Parameters<typeof ack>[0]) => {
        try {
          if (typeof ack === 'function') ack(result);
        } finally {
          // only the subscription holding the slot was counted (admit runs after myTurn): one overtaken while waiting says nothing of it
          if (holdsSlot) {
            plainLarge.answered(socket);
            slot.release();
          }
        }
      };
      const myTurn = async () => {
        if (!(await slot.take())) throw new HubError('SUPERSEDED');
        holdsSlot = true;
        // a client that has not read what it was sent gets no more: dropped, not buffered (issue 17);
        // checked with the slot held, so that the previous answer's bytes count
        if (dropIfUnread(socket, limits.maxPendingBytes)) throw new HubError('RATE_LIMITED', 'This connection has not read what it was sent; it is closed.');
      };
      return answer(reply, log, async () => {
        const result = await subscribe(socket, request, hub, views, identity.positions.tickMs, coordination, myTurn, plainLarge);
        if (socket.data.layers?.includes('patrols')) tellVisitors(socket, hub, socket.data.regionCode!);
        // A resume carries no positions: patrols that moved while the client was away and then
        // stood still would stay where it last saw them. Send every current fix once. So too after
        // a compressed snapshot: frames of ticks that ran while it was compressed reached a client
        // that drops position frames until its answer has come.
        if ((result.mode === 'resume' || result.mode === 'snapshot-gzip') && socket.data.layers?.includes('patrols')) {
          const frames = identity.positions.fanout.completeFrames(socket.data.regionCode!);
          const [first, ...more] = frames.map((f) => f.buffer);
          if (first) setImmediate(() => socket.emit('positions', first, ...more));
        }
        return result;
      });
    });

    socket.on('incident:report', (request, ack) =>
      answer(ack, log, async () => {
        const body = parseOrThrow(ReportRequest, request, 'report request');
        const by = await principalOf(socket);
        return (await hub.reportAs(by, body.incident, body.idempotencyKey)).incident;
      }),
    );

    socket.on('videoAlarm:decide', (request, ack) =>
      answer(ack, log, async () => {
        const body = parseOrThrow(VideoAlarmDecisionRequest, request, 'alarm decision request');
        const by = await principalOf(socket);
        const { alarm, incident } = await hub.decideVideoAlarmAs(by, body.alarmId, body.decision);
        return { alarm, incident };
      }),
    );

    socket.on('focus:start', (request, ack) => answer(ack, log, async () => coordination.focus.start(await principalOf(socket), request)));
    socket.on('focus:end', (request, ack) => answer(ack, log, async () => coordination.focus.end(await principalOf(socket), request)));
    socket.on('focus:responders', (request, ack) => answer(ack, log, async () => coordination.focus.setResponders(await principalOf(socket), request)));
    socket.on('alert:acknowledge', (request, ack) => answer(ack, log, async () => coordination.alerts.acknowledge(await principalOf(socket), request)));

    socket.on('incident:command', (request, ack) =>
      answer(ack, log, async () => {
        const body = parseOrThrow(IncidentCommandRequest, request, 'command request');
        const by = await principalOf(socket);
        return hub.commandAs(by, body.incidentId, body.command);
      }),
    );
  });

  return () => {
    clearInterval(heartbeat);
    clearInterval(recheck);
    clearInterval(focusTrack);
    stopUnreadWatch();
    detachSounded();
    detach();
    detachRoster();
    detachResync();
    detachStatus();
    detachRedis();
  };
}

/**
 * Synchronous on purpose between joining the rooms and reading the state: no delta can slip in
 * between, so the client sees everything after `seq` exactly once. What a large region's snapshot
 * needs that takes long (figures, area counts, heat) is computed in chunks before that part; a
 * newer subscription from the same connection meanwhile supersedes this one, which then changes
 * nothing and answers SUPERSEDED. `myTurn` waits until no other answer of this connection is
 * being built (one at a time, answerSlot.ts); a subscription still waiting when a newer one comes
 * answers SUPERSEDED without building anything.
 */
async function subscribe(
  socket: HubSocket,
  input: unknown,
  hub: Hub,
  views: ReadModel,
  positionTickMs: number,
  coordination: Coordination,
  myTurn: () => Promise<void>,
  plainLarge: PlainLargeAnswers,
): Promise<SubscribeResult> {
  const request = parseOrThrow(SubscribeRequest, input, 'subscription');
  const turn = (socket.data.subscribeTurn = (socket.data.subscribeTurn ?? 0) + 1);
  if (request.protocolVersion !== PROTOCOL_VERSION) {
    throw new HubError('PROTOCOL_MISMATCH', `This hub speaks protocol ${PROTOCOL_VERSION}; the client sent ${request.protocolVersion}.`);
  }
  views.requireRegion(request.region);
  if (request.alarmRegion) views.requireRegion(request.alarmRegion);
  // a signed-in person sees their own region and what lies inside it
  const scope = socket.data.principal?.user.regionCode;
  for (const code of [request.region, request.alarmRegion]) {
    if (scope && code && !hub.geo.path(code).includes(scope)) {
      throw new HubError('FORBIDDEN_REGION', `Region ${code} lies outside your region (${scope}).`);
    }
  }
  await myTurn();
  // several nodes: a wall that saw seq N on another node resumes here once this node's memory
  // reaches N (it may lag by a notification); past a bound it takes a snapshot instead
  if (request.lastSeq !== undefined) await hub.reachSeq(request.lastSeq, RESUME_CATCH_UP_MS);
  if (socket.data.subscribeTurn !== turn) throw new HubError('SUPERSEDED');
  const layers = [...new Set(request.layers)];
  // Decided before anything else, and kept: a summarised patrols or cameras layer joins no room
  // (its counts come with the figures), so that a province's root never receives 110,000 fixes a second.
  const detail = views.detailFor(request.region, request.fullLayers ?? []);
  // Walls that subscribe to the same large region share one snapshot, built in slices before the
  // synchronous part below (a province root's is seconds of work). A client that asks to resume
  // usually can and needs nothing built; a large region's that cannot is given the shared one.
  const large = views.figures.isLarge(request.region);
  const joined = layers.filter((l) => (l === 'patrols' || l === 'cameras' ? detail[l] === 'items' : true));
  // only within the history the client's lastSeq belongs to (server/hub/history.ts): a store
  // restored from a backup reissues sequence numbers, and a resume into it would be silently wrong
  const resuming = request.lastSeq !== undefined && sameDetail(request.detail, detail) && hub.resumableHistory(request.historyId, request.lastSeq);
  // a large region's deltas are worked out here, once: whether it can resume decides whether a snapshot is built
  const home = request.alarmRegion ?? request.region;
  const resumedEarly = resuming && large ? views.resume(request.region, joined, request.lastSeq!, home) : null;
  let shared: Snapshot | null = null;
  if (!resuming || (large && resumedEarly === null)) {
    // a large region's snapshot as plain JSON is a copy of its own for this client: only so many at once, hub-wide
    if (large && request.snapshotEncoding !== 'gzip') plainLarge.admit(socket);
    shared = views.sharedSnapshot(request.region, layers, detail) ?? (large ? await views.buildLargeSnapshot(request.region, layers, detail) : null);
    // its answer is megabytes to encode: one wall's per turn of the event loop, not twenty in one
    if (large) await views.answerTurns.take();
  }
  if (socket.data.subscribeTurn !== turn) throw new HubError('SUPERSEDED');
  for (const room of socket.rooms) if (room !== socket.id) socket.leave(room);
  for (const layer of joined) socket.join(roomOf(request.region, layer));
  // positions go to a room per region and rate class (positionFanout.ts), not to the layer's room
  if (joined.includes('patrols')) socket.join(positionsRoomOf(request.region, rateClass(request.positions, positionTickMs)));
  socket.join(alarmRoomOf(home));
  socket.data.regionCode = request.region;
  socket.data.homeRegion = home;
  // focuses and alerts as they stand now, for the home region: a late or reconnecting wall enters the focus
  const coordinationNow = { focuses: coordination.focus.forHome(home), alerts: coordination.alerts.forHome(home) };
  socket.data.layers = joined;
  socket.data.detail = detail;
  socket.data.fullLayers = request.fullLayers ?? [];
  if (resuming) {
    // no turn of the event loop since resumedEarly (nothing was built): it is still complete
    const deltas = resumedEarly ?? views.resume(request.region, joined, request.lastSeq!, home);
    if (deltas) return { mode: 'resume', fromSeq: request.lastSeq!, seq: hub.seq, deltas, historyId: hub.historyId };
  }
  if (shared) {
    // A shared snapshot is a little older than this subscription: what happened since is sent
    // now, before the answer, as the deltas a client holds while its subscription is in flight.
    const missed = shared.seq < hub.seq ? views.resume(request.region, joined, shared.seq, home) : [];
    if (missed) {
      for (const delta of missed) socket.emit(delta.type, delta as never);
      return noteSize(socket, shared.region.level, await snapshotAnswer(shared, { serverTime: hub.now(), ...coordinationNow }, request.snapshotEncoding));
    }
  }
  // a small region's (or a shared one the log no longer reaches back to): built here, in this turn
  const snapshot = views.keepSnapshot(views.snapshot(request.region, layers, detail));
  return noteSize(socket, snapshot.region.level, await snapshotAnswer(snapshot, { serverTime: snapshot.serverTime, ...coordinationNow }, request.snapshotEncoding));
}

/**
 * Marks the answer about to be sent for the metrics (snapshot sizes, read from the next
 * acknowledgement's packet): only now, once compressed — an acknowledgement of another request sent
 * while the compression ran must not be taken for it.
 */
function noteSize(socket: HubSocket, level: string, result: SubscribeResult): SubscribeResult {
  socket.data.answeringSnapshot = level;
  if (result.mode === 'snapshot-gzip') socket.data.answeringSnapshotJson = result.jsonBytes;
  return result;
}

function meOf(socket: HubSocket): Me {
  const principal = socket.data.principal ?? null;
  return {
    signedIn: principal !== null,
    user: principal?.user ?? null,
    expiresAt: principal?.expiresAt ?? null,
    anonymous: socket.data.anonymousRead ? 'read' : 'none',
  };
}

function socketClient(socket: HubSocket): Principal['client'] {
  const agent = socket.handshake.headers['user-agent'];
  return { channel: 'socket', address: socket.handshake.address ?? null, userAgent: typeof agent === 'string' ? agent.slice(0, 200) : null };
}

/** a connection refusal the client reads in connect_error: `data` carries the stable code */
function refusal(error: HubError): Error & { data: unknown } {
  return Object.assign(new Error(error.message), { data: error.toBody() });
}
