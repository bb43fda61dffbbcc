/**
 * The lossy streams: patrol positions as coalesced binary frames per (region, rate) group
 * (positionFanout.ts), and the rolling statistics. Both are sent volatile: a slow client skips a
 * frame rather than queueing frames without bound, and connection-state recovery never buffers them.
 */
import type { Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@shared/events';
import type { PatrolCrossing } from '@shared/schemas/live';
import type { Patrol } from '@shared/schemas/patrol';
import type { Hub } from '../../hub/hub';
import type { ReadModel } from '../../hub/readModel';
import type { Logger } from '../../lib/log';
import type { HubServer } from './liveGateway';
import { resyncDriftedClients } from './detailWatch';
import { PositionFanout, type FanoutSource, type RegionCrossings } from './positionFanout';
import { parseRoom, roomOf } from './rooms';

/** region codes that have at least one local subscriber to the layer */
function activeRegions(io: HubServer, layer: 'patrols' | 'stats'): string[] {
  const out: string[] = [];
  for (const [room, members] of io.of('/').adapter.rooms) {
    if (members.size === 0) continue;
    const parsed = parseRoom(room);
    if (parsed && parsed.layer === layer) out.push(parsed.regionCode);
  }
  return out;
}

export interface LoopOptions {
  positionTickMs: number;
  statsIntervalMs: number;
  /** how long each positions tick took (seconds), for metrics */
  onPositionsTick?: (seconds: number) => void;
}

/** what a positions frame cost, for metrics */
export type FrameObserver = (bytes: number, positions: number, recipients: number) => void;

/**
 * The positions fan-out over this server's rooms: its groups follow the creation and deletion of
 * `positions:` rooms in the local adapter, so nothing is scanned per socket; a frame goes to its
 * room as one volatile broadcast (encoded once by Socket.IO).
 */
export function createPositionFanout(io: HubServer, hub: Hub, views: ReadModel, onFrame?: FrameObserver): { fanout: PositionFanout; detach: () => void } {
  const nsp = io.of('/');
  const source: FanoutSource = {
    positions: hub.positions,
    get patrolsByIdx() {
      return hub.patrolsByIdx;
    },
    geo: hub.geo,
    now: () => hub.now(),
    patrolIdxsIn: (code) => views.patrolIdxsIn(code),
    places: hub.places,
  };
  const fanout = new PositionFanout(
    source,
    (room, frames) => {
      // Encoded once for the room. Never deflated: each frame stays under the threshold (the
      // compress flag does not reach `ws` through engine.io 6.6, so the size is what decides).
      nsp.to(room).volatile.emit('positions', frames[0]!, ...frames.slice(1));
      return nsp.adapter.rooms.get(room)?.size ?? 0;
    },
    onFrame,
    // rare (a patrol crossing a watched border), small, and a wall must not miss one: not volatile
    (room, crossing) => nsp.to(room).emit('patrols:crossed', crossingOf(hub, crossing)),
  );
  const created = (room: string) => fanout.addRoom(room);
  const deleted = (room: string) => fanout.removeRoom(room);
  nsp.adapter.on('create-room', created);
  nsp.adapter.on('delete-room', deleted);
  for (const room of nsp.adapter.rooms.keys()) fanout.addRoom(room);
  const detachRoster = hub.onRosterLoaded(() => fanout.rosterChanged());
  const detachResync = hub.onResync(() => fanout.rosterChanged());
  return {
    fanout,
    detach() {
      nsp.adapter.off('create-room', created);
      nsp.adapter.off('delete-room', deleted);
      detachRoster();
      detachResync();
    },
  };
}

/** the patrols of a crossing as a wall takes them: roster entry and latest fix */
export function crossingOf(hub: Hub, crossing: RegionCrossings): PatrolCrossing {
  const entered: Patrol[] = [];
  for (const idx of crossing.entered) {
    const patrol = hub.patrolsByIdx[idx];
    if (patrol) entered.push(hub.withPosition(patrol));
  }
  return { regionCode: crossing.regionCode, entered, left: crossing.left };
}

/**
 * After a subscription with positions: the patrols of other regions standing in the region as it
 * was answered, as one crossing — a resume missed the crossings of its time away, a shared
 * snapshot may be a little older than the subscription. Queued (setImmediate) after the answer
 * and before a resume's complete message, which then drops any the client holds that left.
 */
export function tellVisitors(socket: Pick<Socket<ClientToServerEvents, ServerToClientEvents>, 'emit'>, hub: Hub, regionCode: string): void {
  const entered = hub.places.visitorsIn(regionCode);
  if (entered.length === 0) return;
  const crossing = crossingOf(hub, { regionCode, entered: [...entered], left: [] });
  setImmediate(() => socket.emit('patrols:crossed', crossing));
}

export function startBroadcastLoops(io: HubServer, hub: Hub, views: ReadModel, fanout: PositionFanout, opts: LoopOptions, log: Logger): () => void {
  const positionsTimer = setInterval(() => {
    const started = performance.now();
    try {
      fanout.run();
    } catch (error) {
      log.error('positions tick failed', { error: String(error) });
    }
    opts.onPositionsTick?.((performance.now() - started) / 1000);
  }, opts.positionTickMs);

  let lastCounter = -1;
  let lastSentAt = 0;
  let echo = false;
  let running = false;
  const statsTick = async () => {
    const now = hub.now();
    const changed = hub.changeCounter !== lastCounter;
    // Figures age even when nothing happens (open cases become overdue): refresh every 30 s anyway.
    // A volatile frame is dropped when the client's transport is busy — typically with the very
    // delta that changed the figures — so each change's figures go out twice, one tick apart
    // (cheap: the figures of the log are cached until a case changes).
    if (!changed && !echo && now - lastSentAt < 30_000) return;
    echo = changed;
    lastCounter = hub.changeCounter;
    lastSentAt = now;
    for (const code of activeRegions(io, 'stats')) {
      // a province's figures are computed a chunk at a time, the event loop free in between
      if (views.figures.isLarge(code)) await views.figures.refreshLarge(code);
      const at = hub.now();
      io.to(roomOf(code, 'stats')).volatile.emit('stats:updated', {
        at,
        regionCode: code,
        stats: views.figures.todayStatistics(code, at),
        week: views.figures.weekStatistics(code, at),
        risk: views.figures.gridRisk(code, at),
        aiPrecision: views.aiPrecision(code, at),
        areas: views.figures.areas(code, at),
      });
    }
  };
  const statsTimer = setInterval(() => {
    if (running) return; // a slow round (a province) is not started again beside itself
    running = true;
    statsTick()
      .catch((error: unknown) => log.error('stats tick failed', { error: String(error) }))
      .finally(() => (running = false));
  }, opts.statsIntervalMs);

  // clients whose region has outgrown (or shrunk well below) the detail they hold take a fresh snapshot
  const detailTimer = setInterval(() => {
    try {
      const asked = resyncDriftedClients(io, views, hub.now());
      if (asked > 0) log.info('clients asked to take a fresh snapshot: their region outgrew their detail', { clients: asked });
    } catch (error) {
      log.error('detail check failed', { error: String(error) });
    }
  }, opts.statsIntervalMs);

  return () => {
    clearInterval(positionsTimer);
    clearInterval(statsTimer);
    clearInterval(detailTimer);
  };
}
