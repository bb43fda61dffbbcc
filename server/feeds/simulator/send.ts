/**
 * Batched calls to the hub for the lossy and roster feeds, within the contract's batch limits.
 * A refused batch is logged at debug and dropped: the next tick sends the state again anyway
 * (positions) or the hub already holds a newer one (statuses).
 */
import { MAX_CAMERA_CHANGES_PER_BATCH, type CameraStatusChange } from '@shared/schemas/camera';
import { MAX_BINARY_FIXES } from '@shared/binary/positionsBatch';
import type { PatrolStatusChange, Position } from '@shared/schemas/patrol';
import type { Hub } from '../../hub/hub';
import type { Logger } from '../../lib/log';
import { forEachInSlices } from '../../lib/slices';
import { errorText } from './history';

/** the hub's patrol status batch limit */
const MAX_PATROL_CHANGES_PER_BATCH = 10_000;

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
  await forEachInSlices(chunks(positions, MAX_BINARY_FIXES), (chunk) => {
    try {
      hub.ingestPositions({ patrolIds: chunk.map((p) => p.patrolId), lng: chunk.map((p) => p.lng), lat: chunk.map((p) => p.lat), at: chunk.map((p) => p.at) });
    } catch (error) {
      log.debug('simulator positions refused', { count: chunk.length, error: errorText(error) });
    }
  });
}

export async function sendPatrolChanges(hub: Hub, changes: readonly PatrolStatusChange[], log: Logger): Promise<void> {
  for (const chunk of chunks(changes, MAX_PATROL_CHANGES_PER_BATCH)) {
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
