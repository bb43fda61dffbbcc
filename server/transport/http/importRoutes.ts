/**
 * POST /api/import/:kind — an admin brings the city's own data: the file is the request body, sent
 * as it is and read as a stream (never parsed as JSON by the API's body parser, never held whole in
 * a request buffer). With `Accept: application/x-ndjson` the answer streams one progress line at a
 * time and ends with the outcome (or the refusal) as its last line; otherwise one JSON answer with
 * the usual status codes.
 */
import { Router, type Response } from 'express';
import { HubError } from '@shared/errors';
import { ImportKind, ImportQuery, type ImportLine } from '@shared/schemas/import';
import { parseOrThrow } from '@shared/validate';
import type { Importer } from '../../import/service';
import type { Logger } from '../../lib/log';
import { principalOf } from './auth';
import { toHubError } from './errors';

const FILE_TYPES = ['text/csv', 'text/plain', 'application/x-ndjson', 'application/octet-stream', 'application/json', 'application/geo+json'];

export function importRoutes(importer: Importer, log: Logger): Router {
  const router = Router();
  router.post('/:kind', async (req, res) => {
    const by = principalOf(res, 'data:import');
    const kind = parseOrThrow(ImportKind, req.params.kind, 'import kind');
    const query = parseOrThrow(ImportQuery, req.query, 'query');
    const type = (req.get('Content-Type') ?? 'application/octet-stream').split(';')[0]!.trim().toLowerCase();
    if (!FILE_TYPES.includes(type)) {
      throw new HubError('UNSUPPORTED_MEDIA_TYPE', `Send the file as it is (Content-Type: ${FILE_TYPES.join(', ')}), not as ${type}.`);
    }
    if (!(req.get('Accept') ?? '').includes('application/x-ndjson')) {
      res.set('Cache-Control', 'no-store').json(await importer.run(kind, req, query, by));
      return;
    }
    res.status(200).set({ 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
    res.flushHeaders();
    const send = (line: ImportLine) => writeLine(res, line);
    try {
      const result = await importer.run(kind, req, query, by, (p) => send({ type: 'progress', ...p }));
      send({ type: 'result', result });
    } catch (error) {
      const known = toHubError(error);
      if (!known) log.error('import failed', { kind, error: error instanceof Error ? error.stack : String(error) });
      const body = (known ?? new HubError('INTERNAL')).toBody();
      send({ type: 'error', ...body });
    }
    res.end();
  });
  return router;
}

function writeLine(res: Response, line: ImportLine): void {
  if (!res.writableEnded) res.write(`${JSON.stringify(line)}\n`);
}

