/**
 * GET /api/audit: the audit log by person and time, for supervisors and admins, limited to rows
 * of their own region (a district's supervisor reads what happened in the district). Newest first;
 * page backwards with `before` = the smallest id of the previous page.
 */
import { Router } from 'express';
import { AuditQuery } from '@shared/schemas/audit';
import { HubError } from '@shared/errors';
import { parseOrThrow } from '@shared/validate';
import type { ReadModel } from '../../hub/readModel';
import { principalOf } from './auth';

export function auditRoutes(read: ReadModel): Router {
  const router = Router();
  router.get('/audit', async (req, res) => {
    const by = principalOf(res, 'audit:read');
    const q = parseOrThrow(AuditQuery, req.query, 'query');
    if (q.from !== undefined && q.to !== undefined && q.from >= q.to) throw new HubError('VALIDATION_FAILED', 'from must be before to.');
    const entries = await read.audit({ ...q, ...(q.actor ? { actor: q.actor.toLowerCase() } : {}), withinRegion: by.user.regionCode });
    const last = entries[entries.length - 1];
    res.set('Cache-Control', 'no-store').json({ entries, next: entries.length === q.limit && last ? last.id : null });
  });
  return router;
}
