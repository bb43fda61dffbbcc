/**
 * Batched calls to the hub for the lossy and roster feeds, within the contract's batch limits.
 * A refused batch is logged at debug and dropped: the next tick sends the state again anyway
 * (positions) or the hub already holds a newer one (statuses).
 */
import { MAX_CAMERA_CHANGES_PER_BATCH, type CameraStatusChange } from '@shared/schemas/camera';
import type { PatrolStatusChange, Position } from '@shared/schemas/patrol';
import type { Hub } from '../../hub/hub';
import type { Logger } from '../../lib/log';
import { SliceClock } from '../../lib/slices';
import { errorText } from './history';

/**
 * Calls smaller than the hub's batch limits (10,000 status changes, 50,000 fixes): each call is
 * one turn of the hub's event loop, and at a province's change of shift 10,000 status changes
 * held it 130 ms, 50,000 fixes over 100 ms.
 */
const PATROL_CHANGES_PER_CALL = 2_000;
const FIXES_PER_CALL = 5_000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * as columnar batches (docs/protocol.md, "Position ingest"): checked in one pass, no schema call
 * per fix; a turn of the event loop between batches when a slice of time is used up (a province
 * tick sends 80,000 fixes)
 */
export async function sendPositions(hub: Hub, positions: readonly Position[], log: Logger): Promise<void> {
  // the slice's clock is read after every call: forEachInSlices reads it every 64 items, and 64
  // calls of 5,000 fixes held the hub 200-390 ms
  const slice = new SliceClock();
  for (const chunk of chunks(positions, FIXES_PER_CALL)) {
    try {
      hub.ingestPositions({ patrolIds: chunk.map((p) => p.patrolId), lng: chunk.map((p) => p.lng), lat: chunk.map((p) => p.lat), at: chunk.map((p) => p.at) });
    } catch (error) {
      log.debug('simulator positions refused', { count: chunk.length, error: errorText(error) });
    }
    if (slice.spent()) await slice.next();
  }
}

export async function sendPatrolChanges(hub: Hub, changes: readonly PatrolStatusChange[], log: Logger): Promise<void> {
  for (const chunk of chunks(changes, PATROL_CHANGES_PER_CALL)) {
    try {
      await hub.updatePatrolStatuses({ changes: chunk });
    } catch (error) {
      log.debug('simulator patrol statuses refused', { count: chunk.length, error: errorText(error) });
    }
  }
}

export async function sendCameraChanges(hub: Hub, changes: readonly CameraStatusChange[], log: Logger): Promise<void> {
  for (const chunk of chunks(changes, MAX_CAMERA_CHANGES_PER_BATCH)) {
    try {
      await hub.updateCameras({ changes: chunk });
    } catch (error) {
      log.debug('simulator camera changes refused', { count: chunk.length, error: errorText(error) });
    }
  }
}
