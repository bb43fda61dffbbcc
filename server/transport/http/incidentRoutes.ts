/**
 * The JSON API for incidents: create (idempotent with a key), read, list, read the log, and run a
 * step of the closed loop. Handlers parse nothing themselves: the hub validates every payload.
 */
import { Router } from 'express';
import { z } from 'zod';
import { HubError } from '@shared/errors';
import { Stage } from '@shared/schemas/incident';
import { parseOrThrow } from '@shared/validate';
import type { Hub } from '../../hub/hub';
import { isOpen } from '../../hub/incidentProjection';
import { requireJson } from './errors';

const ListQuery = z.object({
  region: z.string().optional(),
  stage: Stage.optional(),
  open: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export function incidentRoutes(hub: Hub): Router {
  const router = Router();

  router.post('/', requireJson, async (req, res) => {
    const header = req.get('Idempotency-Key');
    const body = req.body as Record<string, unknown>;
    if (header !== undefined && (header.length === 0 || header.length > 128)) {
      throw new HubError('VALIDATION_FAILED', 'The Idempotency-Key header must be 1 to 128 characters.');
    }
    const { incident, created } = await hub.report(body, header);
    res.status(created ? 201 : 200).location(`/api/incidents/${incident.id}`).json(incident);
  });

  router.get('/', (req, res) => {
    const q = parseOrThrow(ListQuery, req.query, 'query');
    if (q.region && !hub.geo.get(q.region)) throw new HubError('UNKNOWN_REGION', `No region has the code ${q.region}.`);
    const list = [];
    for (const { incident } of hub.incidents.values()) {
      if (q.region && !incident.regionPath.includes(q.region)) continue;
      if (q.stage && incident.stage !== q.stage) continue;
      if (q.open && isOpen(incident) !== (q.open === 'true')) continue;
      list.push(incident);
    }
    list.sort((a, b) => b.reportedAt - a.reportedAt);
    res.json({ total: list.length, incidents: list.slice(0, q.limit) });
  });

  router.get('/:id', async (req, res) => {
    const incident = hub.incidents.get(req.params.id)?.incident ?? (await hub.store.getIncident(req.params.id));
    if (!incident) throw new HubError('NOT_FOUND', `No incident has the id ${req.params.id}.`);
    res.json(incident);
  });

  router.get('/:id/log', async (req, res) => {
    const events = await hub.store.readEvents({ kind: 'incident', aggregateId: req.params.id });
    if (events.length === 0) throw new HubError('NOT_FOUND', `No incident has the id ${req.params.id}.`);
    res.json({ incidentId: req.params.id, entries: events.map((e) => ({ ...(e.payload as object), seq: e.seq })) });
  });

  router.post('/:id/commands', requireJson, async (req, res) => {
    res.json(await hub.command(String(req.params.id), req.body));
  });

  return router;
}
