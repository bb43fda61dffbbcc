/**
 * Regions and their geometry. Polygons are served once as GeoJSON (cached, with an ETag) rather
 * than in every snapshot: the wall draws its basemap from them, fully offline.
 */
import { Router } from 'express';
import { HubError } from '@shared/errors';
import { DepartmentQuery, GeoQuery, StatsQuery } from '@shared/schemas/queries';
import { parseOrThrow } from '@shared/validate';
import type { Catalog } from '@shared/schemas/catalog';
import type { Hub } from '../../hub/hub';
import { startOfLocalDay, withoutGeometry, type ReadModel } from '../../hub/readModel';
import { HOUR_MS, MAX_BUCKETS } from '../../domain/stats';
import { readableRegion, requireRead, type AnonymousPolicy } from './auth';
import { GeoJsonCache } from './geoJsonCache';
import { sendJsonList } from './jsonList';


const GEOJSON_CACHE_ENTRIES = 32;

export function regionRoutes(hub: Hub, views: ReadModel, catalog: Catalog, tzOffsetMinutes: number, anonymous: AnonymousPolicy): Router {
  const router = Router();
  const readers = requireRead(anonymous);
  const pathOf = (code: string) => views.pathOf(code) ?? [];

  router.get('/departments', readers, (req, res) => {
    const q = parseOrThrow(DepartmentQuery, req.query, 'query');
    const region = readableRegion(res, q.region, pathOf) ?? hub.geo.rootCode;
    res.json({ departments: views.departments(region, q.category) });
  });

  router.get('/calendar', readers, (_req, res) => {
    res.set('Cache-Control', 'public, max-age=300').json(views.calendar());
  });
  const geoJson = new GeoJsonCache(GEOJSON_CACHE_ENTRIES);

  router.get('/regions', readers, async (req, res) => {
    const q = parseOrThrow(GeoQuery, req.query, 'query');
    const root = q.within ?? hub.geo.rootCode;
    views.requireRegion(root);
    await sendJsonList(res, 'regions', views.regionsFor(root, q.level));
  });

  router.get('/regions.geojson', readers, async (req, res) => {
    const q = parseOrThrow(GeoQuery, req.query, 'query');
    if (q.within) views.requireRegion(q.within);
    const entry = await geoJson.get(`${q.level ?? '*'}|${q.within ?? '*'}`, () =>
      hub.geo.regions.filter((r) => (!q.level || r.level === q.level) && (!q.within || hub.geo.isWithin(r.code, q.within))),
    );
    res.set('ETag', entry.etag).set('Cache-Control', 'public, max-age=300').set('Vary', 'Accept-Encoding');
    if (req.get('If-None-Match') === entry.etag) {
      res.status(304).end();
      return;
    }
    res.type('application/geo+json');
    if (req.acceptsEncodings('gzip', 'identity') === 'gzip') res.set('Content-Encoding', 'gzip').send(entry.gzipped);
    else res.send(entry.body);
  });

  router.get('/regions/:code', readers, (req, res) => {
    res.json(withoutGeometry(views.requireRegion(String(req.params.code))));
  });

  router.get('/catalog', readers, (_req, res) => {
    res.json(catalog);
  });

  router.get('/stats', readers, async (req, res) => {
    const q = parseOrThrow(StatsQuery, req.query, 'query');
    const code = readableRegion(res, q.region, pathOf) ?? q.region;
    const now = hub.now();
    if (q.from === undefined && q.to === undefined) {
      res.json({ stats: views.figures.todayStatistics(code, now), risk: views.figures.risk(code, now) });
      return;
    }
    const to = q.to ?? now + 1;
    const from = q.from ?? startOfLocalDay(Math.min(now, to - 1), tzOffsetMinutes);
    if (from >= to) throw new HubError('VALIDATION_FAILED', 'from must be before to.');
    if ((to - from) / HOUR_MS > MAX_BUCKETS) {
      throw new HubError('VALIDATION_FAILED', `The window may span at most ${MAX_BUCKETS / 24} days; ask for a shorter one.`);
    }
    // Memory holds every case with activity in the last MEMORY_DAYS; an earlier window is read
    // from the store instead — the same figures, never partial ones. Figures and risk map are as
    // of the window's end (or now, for a window reaching past it).
    res.json(await views.figures.windowStatistics(code, { from, to }, now));
  });

  return router;
}
