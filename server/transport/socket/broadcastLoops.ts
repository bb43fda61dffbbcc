/**
 * The lossy streams: patrol positions as one coalesced binary frame per tick per region, and the
 * rolling statistics. Both are sent volatile: a slow client skips a frame rather than queueing
 * frames without bound, and connection-state recovery never buffers them.
 */
import { encodePositionsFrame, type FramePosition } from '@shared/binary/positionsFrame';
import type { Hub } from '../../hub/hub';
import type { ReadModel } from '../../hub/readModel';
import type { Logger } from '../../lib/log';
import type { HubServer } from './liveGateway';
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
}

export function startBroadcastLoops(io: HubServer, hub: Hub, views: ReadModel, opts: LoopOptions, log: Logger): () => void {
  let tick = 0;
  const positionsTimer = setInterval(() => {
    try {
      tick = (tick + 1) >>> 0;
      sendPositions(io, hub, tick);
    } catch (error) {
      log.error('positions tick failed', { error: String(error) });
    }
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
      if (views.isLarge(code)) await views.refreshLarge(code);
      const at = hub.now();
      io.to(roomOf(code, 'stats')).volatile.emit('stats:updated', {
        at,
        regionCode: code,
        stats: views.todayStatistics(code, at),
        week: views.weekStatistics(code, at),
        risk: views.gridRisk(code, at),
        aiPrecision: views.aiPrecision(code, at),
        areas: views.areas(code, at),
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

  return () => {
    clearInterval(positionsTimer);
    clearInterval(statsTimer);
  };
}

export function sendPositions(io: HubServer, hub: Hub, tick: number): void {
  const dirty = hub.positions.drainDirty();
  if (dirty.length === 0) return;
  const regions = activeRegions(io, 'patrols');
  if (regions.length === 0) return;
  const now = hub.now();
  const moved: { p: FramePosition; grid: string }[] = [];
  for (const idx of dirty) {
    const patrol = hub.patrolsByIdx[idx];
    const fix = hub.positions.get(idx);
    if (!patrol || !fix) continue;
    moved.push({ p: { idx, lng: fix.lng, lat: fix.lat, status: patrol.status, at: fix.at }, grid: patrol.gridCode });
  }
  for (const code of regions) {
    const inRegion = moved.filter((m) => hub.geo.isWithin(m.grid, code)).map((m) => m.p);
    if (inRegion.length === 0) continue;
    io.to(roomOf(code, 'patrols')).volatile.emit('positions', encodePositionsFrame(tick, now, inRegion));
  }
}

/** every current fix in a region, as one frame (after a resume), or null when there is none */
export function fullPositionsFrame(hub: Hub, regionCode: string): ArrayBuffer | null {
  const positions: FramePosition[] = [];
  for (const patrol of hub.patrolsByIdx) {
    if (!patrol || !hub.geo.isWithin(patrol.gridCode, regionCode)) continue;
    const fix = hub.positions.get(patrol.idx);
    if (fix) positions.push({ idx: patrol.idx, lng: fix.lng, lat: fix.lat, status: patrol.status, at: fix.at });
  }
  return positions.length ? encodePositionsFrame(0, hub.now(), positions) : null;
}
