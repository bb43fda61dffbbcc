/** Ingest of the lossy and roster feeds: GPS position batches, camera and patrol status batches. */
import { Router } from 'express';
import type { Hub } from '../../hub/hub';
import { requireJson } from './errors';

export function feedRoutes(hub: Hub): Router {
  const router = Router();

  router.post('/positions', requireJson, (req, res) => {
    res.status(202).json(hub.ingestPositions(req.body));
  });

  router.post('/cameras/status', requireJson, async (req, res) => {
    const changed = await hub.updateCameras(req.body);
    res.json({ changed: changed.length, cameras: changed });
  });

  router.post('/patrols/status', requireJson, async (req, res) => {
    const changed = await hub.updatePatrolStatuses(req.body);
    res.json({ changed: changed.length, patrols: changed });
  });

  router.get('/cameras', (_req, res) => {
    res.json({ cameras: [...hub.cameras.values()] });
  });

  router.get('/patrols', (_req, res) => {
    res.json({ patrols: [...hub.patrols.values()].map((p) => hub.withPosition(p)) });
  });

  return router;
}
