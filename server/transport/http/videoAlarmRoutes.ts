/**
 * AI video alarms over HTTP: a video platform posts detections (they wait in the confirm queue),
 * readers list the queue, and a signed-in operator confirms (→ a case) or dismisses (with a reason).
 */
import { Router } from 'express';
import { withinRegion } from '@shared/access';
import { HubError } from '@shared/errors';
import { VideoAlarmListQuery } from '@shared/schemas/queries';
import { parseOrThrow } from '@shared/validate';
import type { Hub } from '../../hub/hub';
import type { ReadModel } from '../../hub/readModel';
import { identity, principalOf, readableRegion, requireRead, type AnonymousPolicy } from './auth';
import { requireJson } from './errors';
import { auditedSender, scopeOf, type IngestGate } from './ingestGate';


export function videoAlarmRoutes(hub: Hub, read: ReadModel, anonymous: AnonymousPolicy, gate: IngestGate): Router {
  const router = Router();
  const pathOf = (code: string) => read.pathOf(code) ?? [];

  // the video platform with its ingest key (cameras of the key's region only), or a signed-in admin
  router.post('/', requireJson, async (req, res) => {
    const sender = await gate.admit(req, res, 'alarms', 'data:import');
    // audited under the key (or the person) that sent it
    const { alarm, created } = await hub.raiseVideoAlarm(req.body, scopeOf(sender, read.rootCode), auditedSender(sender, req, res));
    res.status(created ? 201 : 200).location(`/api/video-alarms/${alarm.id}`).json({ alarm });
  });

  router.get('/', requireRead(anonymous), (req, res) => {
    const q = parseOrThrow(VideoAlarmListQuery, req.query, 'query');
    const region = readableRegion(res, q.region, pathOf) ?? read.rootCode;
    res.json({ alarms: read.videoAlarmList(region, q.status), precision: read.aiPrecision(region) });
  });

  router.get('/:id', requireRead(anonymous), (req, res) => {
    const alarm = read.getVideoAlarm(String(req.params.id));
    const principal = identity(res).principal;
    if (principal && !withinRegion(principal.user.regionCode, alarm.regionPath)) throw new HubError('FORBIDDEN_REGION', `Alarm ${alarm.id} lies outside your region.`);
    res.json({ alarm });
  });

  router.post('/:id/decision', requireJson, async (req, res) => {
    const by = principalOf(res, 'read');
    const outcome = await hub.decideVideoAlarmAs(by, String(req.params.id), req.body);
    res.json({ alarm: outcome.alarm, incident: outcome.incident });
  });

  return router;
}
