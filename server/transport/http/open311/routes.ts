/**
 * Open311 GeoReport v2, a second intake beside the hub's own API: citizens' apps and FixMyStreet
 * post service requests here and read their status back. Every resource comes in `.xml` and
 * `.json`, written from one mapping (mapping.ts); errors leave in the Open311 form (errorEntries.ts).
 * Handlers stay thin: intake.ts turns a form into a NewIncident and the hub validates and stores it.
 * Reads follow the hub's anonymous-read policy and are held to the reader's region (readAccess.ts).
 */
import { forEachInSlices, yieldToLoop } from '../../../lib/slices';
import express, { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { HubError } from '@shared/errors';
import type { Catalog } from '@shared/schemas/catalog';
import type { Incident } from '@shared/schemas/incident';
import type { Hub } from '../../../hub/hub';
import type { Logger } from '../../../lib/log';
import { toHubError } from '../errors';
import { cleanBody, cleanUrl, refuseDeepJson } from '../../cleanInput';
import { open311Status, toOpen311Errors } from './errorEntries';
import { formatOf, formatForError, send } from './format';
import { formToNewIncident } from './intake';
import { keySenderOf, scopeOf, type IngestGate } from '../ingestGate';
import type { Accounts } from '../../../auth/accounts';
import type { AnonymousPolicy } from '../auth';
import { open311Readers, readable, readScope, type ReadScope } from './readAccess';
import { isoWithOffset, toDiscovery, toPostResult, toServiceDefinition, toServiceRequest, toServices, type MappingContext } from './mapping';
import { DAY_MS, matchesQuery, parseRequestQuery, selectPage, type RequestQuery } from './query';

export interface Open311Deps {
  hub: Hub;
  /** POST requests need an ingest key with the `reports` scope (api_key); so do reads the policy does not admit anonymously */
  gate: IngestGate;
  /** sessions of people who read signed in */
  accounts: Accounts;
  /** who may read without a key or a session (WALL_ANONYMOUS) */
  anonymous: AnonymousPolicy;
  catalog: Catalog;
  tzOffsetMinutes: number;
  log: Logger;
}

/** a form is a few fields; a megabyte is never a service request */
const BODY_LIMIT = '64kb';
/** cases of a request's id list read from the store at once (the rest wait their turn) */
const ID_READS_AT_ONCE = 8;
/** older cases read from the store per query when a page reaches back past memory */
const STORE_PAGE = 500;

/** a route parameter as text ('' when absent) */
function param(req: Request, name: string): string {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
}

/** refuses an unknown extension before anything else is read */
const requireFormat: RequestHandler = (req, _res, next) => {
  formatOf(param(req, 'format'));
  next();
};

function idempotencyKeyOf(req: Request): string | undefined {
  const header = req.get('Idempotency-Key');
  if (header !== undefined && (header.length === 0 || header.length > 128)) {
    throw new HubError('VALIDATION_FAILED', 'The Idempotency-Key header must be 1 to 128 characters.');
  }
  return header;
}

export function open311Routes(deps: Open311Deps): Router {
  const { hub, catalog, tzOffsetMinutes, log, gate } = deps;
  const reader = open311Readers({ accounts: deps.accounts, gate, anonymous: deps.anonymous, rootCode: hub.geo.rootCode });
  const ctx: MappingContext = { catalog, tzOffsetMinutes };
  const changeset = isoWithOffset(hub.now(), tzOffsetMinutes);
  const router = Router();
  // bad text in the path or the query, before any route (cleanInput.ts); refused in the Open311 form
  router.use(cleanUrl);

  const findIncident = async (id: string): Promise<Incident | null> =>
    hub.incidents.get(id)?.incident ?? (await hub.store.getIncident(id));

  /**
   * One page of the incidents reported within the range, newest first. Memory holds every case
   * reported since the memory window began (and every open one), so most pages come from memory
   * alone; a page reaching further back reads the store's older cases newest first, a few hundred
   * at a time with a turn of the event loop between, until the page is full — never the whole
   * 90 days at once (that held the hub for seconds).
   */
  async function pageIn(q: RequestQuery, scope: ReadScope): Promise<Incident[]> {
    const wanted = (incident: Incident) => matchesQuery(incident, q) && readable(incident, scope);
    const memoryFrom = hub.now() - hub.opts.memoryDays * DAY_MS;
    const found: Incident[] = [];
    const held = new Set<string>();
    // a slice of time at a time: a province holds 63,000 cases, scanned per page in one turn for 0.5-0.7 s
    await forEachInSlices(hub.incidents.values(), ({ incident }) => {
      held.add(incident.id);
      if (wanted(incident)) found.push(incident);
    });
    const pageEnd = q.page * q.pageSize;
    if (q.start < memoryFrom) {
      let inMemoryWindow = 0;
      for (const incident of found) if (incident.reportedAt >= memoryFrom) inMemoryWindow++;
      let after: { reportedAt: number; id: string } | null = null;
      // older cases are read only as far as the page needs them
      for (let older = 0; inMemoryWindow + older < pageEnd; ) {
        const rows = await hub.store.incidentsReported({ from: q.start, to: Math.min(q.end + 1, memoryFrom), after, limit: STORE_PAGE });
        for (const incident of rows) {
          if (held.has(incident.id) || !wanted(incident)) continue;
          found.push(incident);
          older++;
        }
        if (rows.length < STORE_PAGE) break;
        const last = rows[rows.length - 1]!;
        after = { reportedAt: last.reportedAt, id: last.id };
        await yieldToLoop();
      }
    }
    return selectPage(found, q);
  }

  router.get('/discovery.:format', requireFormat, (req, res) => {
    send(res, formatOf(param(req, 'format')), 200, 'discovery', toDiscovery(`${req.protocol}://${req.get('host') ?? 'localhost'}${req.baseUrl}`, changeset));
  });

  router.get('/services.:format', requireFormat, ...reader, (req, res) => {
    send(res, formatOf(param(req, 'format')), 200, 'services', toServices(catalog));
  });

  router.get('/services/:code.:format', requireFormat, ...reader, (req, res) => {
    const code = param(req, 'code');
    if (!catalog.categories.some((c) => c.code === code)) {
      throw new HubError('UNKNOWN_CATEGORY', `No service has the code "${code.slice(0, 40)}": GET services.xml lists them.`);
    }
    send(res, formatOf(param(req, 'format')), 200, 'service_definition', toServiceDefinition(code, catalog));
  });

  router.post(
    '/requests.:format',
    requireFormat,
    express.urlencoded({ extended: false, limit: BODY_LIMIT }),
    express.json({ limit: BODY_LIMIT, verify: refuseDeepJson }),
    cleanBody,
    async (req, res) => {
      const format = formatOf(param(req, 'format'));
      if (req.body === undefined) {
        throw new HubError('UNSUPPORTED_MEDIA_TYPE', 'Send the service request as application/x-www-form-urlencoded (or as JSON with Content-Type: application/json).');
      }
      // GeoReport v2's api_key: an ingest key with the `reports` scope, held to its region; without
      // one, nothing is read (a cross-site form posted from any page an operator opens is refused)
      const sender = await gate.admit(req, res, 'reports');
      const key = idempotencyKeyOf(req);
      // jurisdiction_id, email, device_id and account_id are accepted and not used (see docs/open311.md).
      const { incident: input, notices } = formToNewIncident(req.body, catalog);
      // audited under the key: its id and name, as a person's report is under the person
      const { incident, created } = await hub.report(input, key, scopeOf(sender, hub.geo.rootCode), keySenderOf(sender, req));
      if (created) log.info('open311 request received', { id: incident.id, category: incident.category, grid: incident.gridCode });
      res.location(`${req.baseUrl}/requests/${encodeURIComponent(incident.id)}.${format}`);
      send(res, format, created ? 201 : 200, 'service_requests', [toPostResult(incident, created, notices, ctx)]);
    },
  );

  router.get('/requests.:format', requireFormat, ...reader, async (req, res) => {
    const format = formatOf(param(req, 'format'));
    const scope = readScope(res);
    const q = parseRequestQuery(req.query as Record<string, unknown>, { now: hub.now(), tzOffsetMinutes, catalog });
    let list: Incident[];
    if (q.ids) {
      // The spec: a list of ids overrides every other argument; unknown ids are left out.
      // a few at a time: a thousand ids at once were a thousand store reads in flight from one request
      const found: (Incident | null)[] = [];
      const ids = [...new Set(q.ids)];
      for (let i = 0; i < ids.length; i += ID_READS_AT_ONCE) found.push(...(await Promise.all(ids.slice(i, i + ID_READS_AT_ONCE).map(findIncident))));
      // ids outside the reader's region are left out as unknown ones are: their existence is not told
      list = found.filter((i): i is Incident => i !== null && readable(i, scope));
      list = list.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
    } else {
      list = await pageIn(q, scope);
    }
    send(res, format, 200, 'service_requests', list.map((i) => toServiceRequest(i, ctx)));
  });

  router.get('/requests/:id.:format', requireFormat, ...reader, async (req, res) => {
    const format = formatOf(param(req, 'format'));
    const incident = await findIncident(param(req, 'id'));
    // a case outside the reader's region answers as one that does not exist
    if (!incident || !readable(incident, readScope(res))) throw new HubError('NOT_FOUND', `No service request has the id ${param(req, 'id').slice(0, 64)}.`);
    send(res, format, 200, 'service_requests', [toServiceRequest(incident, ctx)]);
  });

  router.use((req, _res, next) => {
    next(
      new HubError(
        'NOT_FOUND',
        `No Open311 resource at ${req.method} ${req.baseUrl}${req.path}. Offered: GET discovery, services, services/{code}, requests, requests/{id} and POST requests, each ending in .xml or .json.`,
      ),
    );
  });

  const errors: ErrorRequestHandler = (error, req, res, _next) => {
    let known = toHubError(error);
    const status = (error as { status?: unknown } | null)?.status;
    if (!known && typeof status === 'number' && status >= 400 && status < 500) {
      // other body-parser refusals (too many fields, a bad form): the client's fault, not ours
      known = new HubError('VALIDATION_FAILED', `The request body could not be read (${error instanceof Error ? error.message : 'bad body'}).`);
    }
    if (!known) {
      log.error('open311 request failed', { method: req.method, path: req.originalUrl, error: error instanceof Error ? error.stack : String(error) });
      known = new HubError('INTERNAL');
    }
    send(res, formatForError(req), open311Status(known.code), 'errors', toOpen311Errors(known));
  };
  router.use(errors);

  return router;
}
