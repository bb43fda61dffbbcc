/**
 * GET /api/nearby: the on-duty patrols nearest to a case or a point, with distance and ETA, and
 * the cameras that see it (server/hub/nearbyFinder.ts). A read: open where anonymous reading is;
 * a signed-in reader asks about cases of their region and gets the units of their region.
 */
import { Router } from 'express';
import { withinRegion } from '@shared/access';
import { HubError } from '@shared/errors';
import { NearbyQuery } from '@shared/schemas/nearby';
import { parseOrThrow } from '@shared/validate';
import type { NearbyFinder } from '../../hub/nearbyFinder';
import type { ReadModel } from '../../hub/readModel';
import { identity, requireRead, type AnonymousPolicy } from './auth';

export function nearbyRoutes(finder: NearbyFinder, read: ReadModel, anonymous: AnonymousPolicy): Router {
  const router = Router();

  router.get('/nearby', requireRead(anonymous), async (req, res) => {
    const q = parseOrThrow(NearbyQuery, req.query, 'query');
    const principal = identity(res).principal;
    let at: { lng: number; lat: number };
    if (q.incident !== undefined) {
      const incident = await read.getIncident(q.incident);
      if (principal && !withinRegion(principal.user.regionCode, incident.regionPath)) {
        throw new HubError('FORBIDDEN_REGION', `Incident ${q.incident} lies outside your region (${principal.user.regionCode}).`);
      }
      at = { lng: incident.location.lng, lat: incident.location.lat };
    } else {
      at = { lng: q.lng!, lat: q.lat! };
    }
    res.json(
      await finder.find({
        ...at,
        incidentId: q.incident ?? null,
        patrols: q.patrols,
        radiusM: q.radius,
        cameras: q.cameras,
        cameraRadiusM: q.cameraRadius,
        region: principal?.user.regionCode,
      }),
    );
  });

  return router;
}
