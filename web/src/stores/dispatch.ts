/**
 * Routes what the hub sends to the stores, in one place: a snapshot resets every store, a delta
 * goes to its store once (the live sequence number drops replays and stale deltas), lossy frames
 * replace figures and positions. socket.ts wires Socket.IO to these functions; tests call them
 * directly.
 */
import type { AlertSounded } from '@shared/schemas/alert';
import type { FocusTrack } from '@shared/schemas/focus';
import { FRAME_COMPLETE, readPositionsFrame } from '@shared/binary/positionsFrame';
import { decodeSubscribeResult } from '@shared/binary/snapshotGzip';
import type { Delta, PatrolCrossing, Snapshot, StatsFrame, SubscribeResult } from '@shared/schemas/live';
import { useAlertCardStore } from './alertCard';
import { useCamerasStore } from './cameras';
import { useCoordinationStore } from './coordination';
import { useIncidentsStore } from './incidents';
import { useLiveStore } from './live';
import { usePatrolsStore } from './patrols';
import { useStatsStore } from './stats';
import { useWallStore } from './wall';

export function applySnapshot(snapshot: Snapshot, clientNow = Date.now()): void {
  useLiveStore().applySnapshot(snapshot, clientNow);
  useIncidentsStore().applySnapshot(snapshot);
  usePatrolsStore().applySnapshot(snapshot);
  useCamerasStore().applySnapshot(snapshot);
  useStatsStore().applySnapshot(snapshot);
  // focus and alerts last: entering a focus looks the case up in the incidents just applied
  const newlyWaiting = useCoordinationStore().applySnapshot(snapshot);
  useWallStore().followFocus();
  useAlertCardStore().onSnapshot(newlyWaiting, clientNow);
}

/** applies a reliable delta; false when it was already reflected (seq not newer) */
export function applyDelta(delta: Delta, clientNow = Date.now()): boolean {
  const live = useLiveStore();
  if (live.seq !== null && delta.seq <= live.seq) return false;
  const serverNow = live.serverNow(clientNow);
  switch (delta.type) {
    case 'incident:reported':
    case 'incident:updated':
      useIncidentsStore().applyDelta(delta, serverNow);
      break;
    case 'camera:updated':
      useCamerasStore().applyDelta(delta);
      break;
    case 'patrol:updated':
      usePatrolsStore().applyDelta(delta);
      break;
    case 'videoAlarm:updated':
      // the confirm queue is the console's; the wall shows the AI's precision, which comes with
      // the statistics frames. The delta still counts for the sequence number below.
      break;
    case 'focus:changed':
      if (useCoordinationStore().applyFocusDelta(delta)) useWallStore().followFocus();
      break;
    case 'alert:changed':
      useAlertCardStore().onChange(useCoordinationStore().applyAlertDelta(delta), clientNow);
      break;
  }
  live.seq = delta.seq;
  live.markData(clientNow);
  useWallStore().considerDelta(delta, serverNow);
  return true;
}

export function applySubscribeResult(answer: SubscribeResult, clientNow = Date.now()): void {
  // a compressed snapshot is inflated here, in the same turn as the answer: the deltas held meanwhile replay after it
  const result = decodeSubscribeResult(answer);
  if (result.mode === 'snapshot') {
    applySnapshot(result.snapshot, clientNow);
    return;
  }
  for (const delta of result.deltas) applyDelta(delta, clientNow);
  useLiveStore().resumed(result.seq, clientNow, result.historyId);
}

export function applyStatsFrame(frame: StatsFrame, clientNow = Date.now()): boolean {
  const live = useLiveStore();
  const taken = useStatsStore().applyFrame(frame, live.region?.code ?? null);
  if (taken) live.markData(clientNow);
  return taken;
}

export function applyPositionsFrame(frame: ArrayBuffer | ArrayBufferView, clientNow = Date.now()): void {
  try {
    usePatrolsStore().applyFrame(frame, clientNow);
    useLiveStore().markData(clientNow);
  } catch (error) {
    // a malformed or newer-version frame: skip it, the next one replaces it
    console.warn('positions frame skipped:', error instanceof Error ? error.message : error);
  }
}

/**
 * One `positions` message: its frames (several when a tick holds many) applied in order. A
 * complete message lists every patrol the region shows with a fix; those it leaves out are dropped.
 */
export function applyPositionsMessage(frames: readonly (ArrayBuffer | ArrayBufferView)[], clientNow = Date.now()): void {
  try {
    const patrols = usePatrolsStore();
    const complete = frames.length > 0 && (readPositionsFrame(frames[0]!).flags & FRAME_COMPLETE) !== 0;
    const listed = complete ? new Set<number>() : undefined;
    for (const frame of frames) patrols.applyFrame(frame, clientNow, listed);
    if (listed) patrols.dropUnlisted(listed);
    useLiveStore().markData(clientNow);
  } catch (error) {
    // a malformed or newer-version frame: skip the message, the next one replaces it
    console.warn('positions message skipped:', error instanceof Error ? error.message : error);
  }
}

/** patrols of other regions that came to stand in the region, or left it (reliable) */
export function applyPatrolCrossing(crossing: PatrolCrossing): void {
  usePatrolsStore().applyCrossing(crossing);
}

/** volatile, about once a second while a focus stands: its responders' distance and ETA */
export function applyFocusTrack(track: FocusTrack, clientNow = Date.now()): void {
  if (useCoordinationStore().applyTrack(track)) useLiveStore().markData(clientNow);
}

/** a waiting alert sounded again, or escalated */
export function applyAlertSounded(sounded: AlertSounded, clientNow = Date.now()): void {
  useAlertCardStore().onSounded(sounded, clientNow);
}

/** periodic housekeeping: forget what the hub would no longer send in a snapshot */
export function maintain(clientNow = Date.now()): void {
  const serverNow = useLiveStore().serverNow(clientNow);
  useIncidentsStore().prune(serverNow);
  useCoordinationStore().prune(serverNow);
}
