/**
 * The deployment's own basemap (BASEMAP_FILE): a TileJSON at /api/basemap.json and the tiles at
 * /api/basemap/{z}/{x}/{y}.mvt, all relative to the hub so that the wall never leaves the
 * centre's network. Without a usable file the TileJSON answers 204 (no basemap: the wall draws the
 * demo basemap) and the tiles 404.
 */
import { Router, type Request, type Response } from 'express';
import { HubError } from '@shared/errors';
import type { Basemap } from '../../basemap/pmtilesFile';
import { requireRead, type AnonymousPolicy } from './auth';

/** the TileJSON is cheap and names the file's version: walls look again every few minutes */
const TILEJSON_MAX_AGE_S = 300;
/** a tile URL carries the file's version (`?v=`): for that version the tile never changes */
const TILE_IMMUTABLE = 'public, max-age=31536000, immutable';
/** a tile asked for without the current version: cached briefly, the file may be replaced */
const TILE_UNVERSIONED = `public, max-age=${TILEJSON_MAX_AGE_S}`;
/** the deepest zoom a PMTiles tile id can address */
const MAX_Z = 26;

const DIGITS = /^\d{1,8}$/;

export const BASEMAP_TILE_PATH = '/api/basemap/{z}/{x}/{y}.mvt';

/** z/x/y from the path, or null when they are not a tile of the web-mercator pyramid */
export function tileCoordinates(z: string, x: string, y: string): { z: number; x: number; y: number } | null {
  if (!DIGITS.test(z) || !DIGITS.test(x) || !DIGITS.test(y)) return null;
  const zz = Number(z);
  const xx = Number(x);
  const yy = Number(y);
  if (zz > MAX_Z) return null;
  const n = 2 ** zz;
  return xx < n && yy < n ? { z: zz, x: xx, y: yy } : null;
}

export function basemapRoutes(basemap: Basemap | null, anonymous: AnonymousPolicy): Router {
  const router = Router();
  const readers = requireRead(anonymous);
  const none = () => new HubError('NOT_FOUND', 'This hub has no basemap file (BASEMAP_FILE); the wall draws its generated basemap.');

  router.get('/basemap.json', readers, (_req, res) => {
    // no basemap is a normal answer, not an error: a 404 would be a console error on every wall
    if (!basemap) {
      res.status(204).set('Cache-Control', `public, max-age=${TILEJSON_MAX_AGE_S}`).end();
      return;
    }
    const i = basemap.info;
    res.set('Cache-Control', `public, max-age=${TILEJSON_MAX_AGE_S}`).json({
      tilejson: '3.0.0',
      scheme: 'xyz',
      // relative to the hub: the wall makes it absolute with its own origin
      tiles: [`${BASEMAP_TILE_PATH}?v=${i.version}`],
      minzoom: i.minzoom,
      maxzoom: i.maxzoom,
      bounds: i.bounds,
      center: i.center,
      vector_layers: i.vectorLayers,
      ...(i.attribution ? { attribution: i.attribution } : {}),
      ...(i.name ? { name: i.name } : {}),
      ...(i.description ? { description: i.description } : {}),
      ...(i.schemaVersion ? { version: i.schemaVersion } : {}),
    });
  });

  router.get('/basemap/:z/:x/:y.mvt', readers, async (req: Request, res: Response) => {
    if (!basemap) throw none();
    const at = tileCoordinates(String(req.params.z), String(req.params.x), String(req.params.y));
    if (!at) throw new HubError('VALIDATION_FAILED', `Not a tile: z must be 0–${MAX_Z}, x and y 0 … 2^z − 1.`);
    const current = req.query.v === basemap.info.version;
    res.set('Cache-Control', current ? TILE_IMMUTABLE : TILE_UNVERSIONED);
    const bytes = await basemap.tile(at.z, at.x, at.y);
    if (!bytes) {
      // no tile there (outside the extract, or empty sea): MapLibre draws nothing, and no error
      res.status(204).end();
      return;
    }
    const encoding = basemap.info.encoding;
    res.type('application/vnd.mapbox-vector-tile').set('Vary', 'Accept-Encoding');
    if (encoding && req.acceptsEncodings(encoding, 'identity') !== encoding) {
      res.send(Buffer.from(await basemap.decoded(bytes)));
      return;
    }
    if (encoding) res.set('Content-Encoding', encoding);
    res.send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });

  return router;
}
