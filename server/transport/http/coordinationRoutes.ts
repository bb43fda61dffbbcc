/**
 * Focus and alerts over HTTP (docs/protocol.md "Focus" and "Alerts"), beside the socket commands:
 * for scripts, other systems and a console that is not connected. Reads are scoped like every
 * read (a signed-in user sees their region); changes need a signed-in operator and are audited.
 */
import { Router } from 'express';
import { z } from 'zod';
import { RegionCode } from '@shared/schemas/common';
import { parseOrThrow } from '@shared/validate';
import type { Coordination } from '../../hub/coordination';
import type { ReadModel } from '../../hub/readModel';
import { principalOf, readableRegion, requireRead, type AnonymousPolicy } from './auth';
import { requireJson } from './errors';

const Scope = z.object({ region: RegionCode.optional() }).strict();

export function coordinationRoutes(coordination: Coordination, read: ReadModel, anonymous: AnonymousPolicy): Router {
  const router = Router();
  const pathOf = (code: string) => read.pathOf(code) ?? [];
  const regionOf = (res: Parameters<typeof readableRegion>[0], query: unknown) => {
    const q = parseOrThrow(Scope, query, 'query');
    return readableRegion(res, q.region, pathOf) ?? read.rootCode;
  };

  /** the focuses that reach the walls of a region (its own and those above it on the way to a case in it) */
  router.get('/focus', requireRead(anonymous), (req, res) => {
    const region = regionOf(res, req.query);
    res.json({ focuses: coordination.focus.forHome(region) });
  });

  router.post('/focus', requireJson, async (req, res) => {
    const focus = await coordination.focus.start(principalOf(res, 'focus'), req.body);
    res.status(201).json({ focus });
  });

  router.post('/focus/:id/end', async (req, res) => {
    res.json(await coordination.focus.end(principalOf(res, 'focus'), { focusId: String(req.params.id) }));
  });

  router.put('/focus/:id/responders', requireJson, async (req, res) => {
    const body = (req.body ?? {}) as { responders?: unknown };
    res.json({ focus: await coordination.focus.setResponders(principalOf(res, 'focus'), { focusId: String(req.params.id), responders: body.responders }) });
  });

  /** alerts in a region: every one waiting, and those acknowledged in the last hour */
  router.get('/alerts', requireRead(anonymous), (req, res) => {
    const region = regionOf(res, req.query);
    res.json({ alerts: coordination.alerts.forHome(region), timing: coordination.alerts.timing });
  });

  router.post('/alerts/:id/ack', async (req, res) => {
    const body = (req.body ?? {}) as { note?: unknown };
    const alert = await coordination.alerts.acknowledge(principalOf(res, 'alert:acknowledge'), { alertId: String(req.params.id), ...(body.note !== undefined ? { note: body.note } : {}) });
    res.json({ alert });
  });

  return router;
}
