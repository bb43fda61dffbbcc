/**
 * The JSON API for incidents: report (idempotent with a key), list with filters, read one, its
 * log and its audit trail, and run a step of the closed loop. Writes need a signed-in person (the
 * hub authorises and audits them); reads go through the read model, scoped to the reader's region.
 */
import { Router } from 'express';
import { withinRegion } from '@shared/access';
import { HubError } from '@shared/errors';
import { IdempotencyKey } from '@shared/schemas/incident';
import { IncidentListQuery } from '@shared/schemas/queries';
import { parseOrThrow } from '@shared/validate';
import type { Hub } from '../../hub/hub';
import type { ReadModel } from '../../hub/readModel';
import { identity, principalOf, readableRegion, requireRead, type AnonymousPolicy } from './auth';
import { requireJson } from './errors';
import { apiKeyOf, keySenderOf, scopeOf, type IngestGate } from './ingestGate';


export function incidentRoutes(hub: Hub, read: ReadModel, anonymous: AnonymousPolicy, gate: IngestGate): Router {
  const router = Router();
  const pathOf = (code: string) => read.pathOf(code) ?? [];

  // a signed-in operator (authorised and audited as a person), or a source with its ingest key
  // (the hotline, an IoT gateway: held to the key's region, limited per key, audited under the key)
  router.post('/', requireJson, async (req, res) => {
    const header = req.get('Idempotency-Key');
    const key = header === undefined ? undefined : parseOrThrow(IdempotencyKey, header, 'Idempotency-Key header');
    const sender = apiKeyOf(req) ? await gate.admit(req, res, 'reports') : null;
    if (sender && (req.body as { source?: unknown } | undefined)?.source === 'video_ai') {
      // as for a person: AI detections wait in the confirm queue (a key with the alarms scope posts them there)
      throw new HubError('VALIDATION_FAILED', 'AI video alarms go to the confirm queue (POST /api/video-alarms), not straight into the case list.', [
        { path: 'source', message: 'video_ai reports enter the confirm queue' },
      ]);
    }
    const { incident, created } = sender
      ? await hub.report(req.body, key, scopeOf(sender, read.rootCode), keySenderOf(sender, req))
      : await hub.reportAs(principalOf(res, 'report'), req.body, key);
    res.status(created ? 201 : 200).location(`/api/incidents/${incident.id}`).json(incident);
  });

  router.get('/', requireRead(anonymous), (req, res) => {
    const q = parseOrThrow(IncidentListQuery, req.query, 'query');
    const region = readableRegion(res, q.region, pathOf);
    res.json(read.listIncidents({ ...q, region, severity: q.severity as 1 | 2 | 3 | 4 | undefined }));
  });

  /** the incident, if the reader may see its region */
  const readable = async (res: Parameters<typeof identity>[0], id: string) => {
    const incident = await read.getIncident(id);
    const principal = identity(res).principal;
    if (principal && !withinRegion(principal.user.regionCode, incident.regionPath)) {
      throw new HubError('FORBIDDEN_REGION', `Incident ${id} lies outside your region (${principal.user.regionCode}).`);
    }
    return incident;
  };

  router.get('/:id', requireRead(anonymous), async (req, res) => {
    res.json(await readable(res, String(req.params.id)));
  });

  router.get('/:id/log', requireRead(anonymous), async (req, res) => {
    await readable(res, String(req.params.id));
    res.json({ incidentId: String(req.params.id), entries: await read.incidentLog(String(req.params.id)) });
  });

  /** who did what to this case, refusals included: for the centre's own staff */
  router.get('/:id/audit', async (req, res) => {
    principalOf(res, 'register');
    await readable(res, String(req.params.id));
    res.json({ incidentId: String(req.params.id), entries: (await read.audit({ incidentId: String(req.params.id), limit: 1000 })).reverse() });
  });

  router.post('/:id/commands', requireJson, async (req, res) => {
    const by = principalOf(res, 'read');
    res.json(await hub.commandAs(by, String(req.params.id), req.body));
  });

  return router;
}
