/**
 * Ingest of the lossy and roster feeds (GPS position batches, camera and patrol status batches)
 * and the read of cameras and patrols. A feed is sent by a source with its ingest key (scoped to a
 * region and to what it may send, limited per key: ingestGate.ts) or by a signed-in admin; reads
 * follow the read rules.
 */
import express, { Router } from 'express';
import { BATCH_CONTENT_TYPE, batchByteLength, MAX_BINARY_FIXES } from '@shared/binary/positionsBatch';
import { HubError } from '@shared/errors';
import { UnitQuery } from '@shared/schemas/queries';
import { parseOrThrow } from '@shared/validate';
import type { Hub } from '../../hub/hub';
import type { ReadModel } from '../../hub/readModel';
import { readableRegion, requireRead, type AnonymousPolicy } from './auth';
import { requireJson } from './errors';
import { scopeOf, type IngestGate } from './ingestGate';
import { sendJsonList } from './jsonList';

/** a binary batch of the largest size, and no more */
const BINARY_LIMIT = batchByteLength(MAX_BINARY_FIXES);

export function feedRoutes(hub: Hub, read: ReadModel, anonymous: AnonymousPolicy, gate: IngestGate): Router {
  const router = Router();
  const pathOf = (code: string) => read.pathOf(code) ?? [];

  // JSON (per position or columnar, parsed by the API's JSON parser) or a binary batch
  router.post('/positions', express.raw({ type: BATCH_CONTENT_TYPE, limit: BINARY_LIMIT }), async (req, res) => {
    const within = scopeOf(await gate.admit(req, res, 'positions', 'data:import'), read.rootCode);
    if (req.is(BATCH_CONTENT_TYPE)) {
      if (!Buffer.isBuffer(req.body)) throw new HubError('VALIDATION_FAILED', 'The binary position batch is empty.');
      res.status(202).json(hub.ingestPositionsBinary(req.body, within));
      return;
    }
    if (!req.is('application/json')) {
      throw new HubError('UNSUPPORTED_MEDIA_TYPE', `Send positions as JSON (Content-Type: application/json) or as a binary batch (Content-Type: ${BATCH_CONTENT_TYPE}).`);
    }
    res.status(202).json(hub.ingestPositions(req.body, within));
  });

  router.post('/cameras/status', requireJson, async (req, res) => {
    const within = scopeOf(await gate.admit(req, res, 'units', 'data:import'), read.rootCode);
    const changed = await hub.updateCameras(req.body, within);
    res.json({ changed: changed.length, cameras: changed });
  });

  router.post('/patrols/status', requireJson, async (req, res) => {
    const within = scopeOf(await gate.admit(req, res, 'units', 'data:import'), read.rootCode);
    const changed = await hub.updatePatrolStatuses(req.body, within);
    res.json({ changed: changed.length, patrols: changed });
  });

  // whole rosters are tens of MB at province scale: written a piece at a time (jsonList.ts)
  router.get('/cameras', requireRead(anonymous), async (req, res) => {
    const q = parseOrThrow(UnitQuery, req.query, 'query');
    const region = readableRegion(res, q.region, pathOf);
    if (region) read.requireRegion(region);
    await sendJsonList(res, 'cameras', read.cameraList(region));
  });

  router.get('/patrols', requireRead(anonymous), async (req, res) => {
    const q = parseOrThrow(UnitQuery, req.query, 'query');
    const region = readableRegion(res, q.region, pathOf);
    if (region) read.requireRegion(region);
    await sendJsonList(res, 'patrols', read.patrolList({ region, status: q.status, ...(q.limit ? { limit: q.limit } : {}) }));
  });

  return router;
}
