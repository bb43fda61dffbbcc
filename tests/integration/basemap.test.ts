/**
 * A deployment's own basemap (BASEMAP_FILE): a real PMTiles v3 archive written by the test, opened
 * by the hub and served over HTTP by a real hub; and the fallback when there is none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openBasemap, type Basemap } from '../../server/basemap/pmtilesFile';
import { createLogger } from '../../server/lib/log';
import { writePmtiles, type TestTile } from '../support/pmtilesWriter';
import { startTestHub, type TestHub } from './harness';

/** three tiles of known bytes (not real MVT: the hub never parses them), gzipped as stored */
const plain = (label: string) => new TextEncoder().encode(`tile ${label} `.repeat(20));
const TILES: TestTile[] = [
  { z: 8, x: 214, y: 107, data: gzipSync(plain('8/214/107')) },
  { z: 9, x: 429, y: 214, data: gzipSync(plain('9/429/214')) },
  { z: 10, x: 858, y: 428, data: gzipSync(plain('10/858/428')) },
];
const BOUNDS: [number, number, number, number] = [121.0, 29.3, 122.3, 30.4];
const PROTOMAPS_METADATA = {
  name: 'Protomaps Basemap',
  attribution: '<a href="https://www.openstreetmap.org/copyright">© OpenStreetMap</a>',
  version: '4.10.0',
  vector_layers: [
    { id: 'earth', fields: {} },
    { id: 'water', fields: { kind: 'String' } },
    { id: 'roads', fields: { kind: 'String', 'name:en': 'String' } },
    { id: 'places', fields: { kind: 'String', min_zoom: 'Number' } },
  ],
};

/** a GET that leaves Content-Encoding alone (fetch would gunzip the body) */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

let dir: string;
const logLines: string[] = [];
const log = createLogger('info', (line) => logLines.push(line));

async function archive(name: string, opts: Partial<Parameters<typeof writePmtiles>[0]> = {}): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, writePmtiles({ tiles: TILES, metadata: PROTOMAPS_METADATA, minZoom: 8, maxZoom: 10, bounds: BOUNDS, tileCompression: 2, ...opts }));
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'basemap-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a hub with BASEMAP_FILE', () => {
  let t: TestHub;
  let basemap: Basemap;
  beforeAll(async () => {
    basemap = (await openBasemap(await archive('city.pmtiles'), log))!;
    expect(basemap).not.toBeNull();
    t = await startTestHub({ basemap });
  });
  afterAll(async () => {
    await t.close();
    await basemap.close();
  });

  it('serves a TileJSON with relative tile URLs and the archive header and metadata', async () => {
    const res = await fetch(`${t.url}/api/basemap.json`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ tilejson: '3.0.0', scheme: 'xyz', minzoom: 8, maxzoom: 10, version: '4.10.0', name: 'Protomaps Basemap' });
    expect(body.bounds).toEqual(BOUNDS);
    expect(body.vector_layers).toEqual(PROTOMAPS_METADATA.vector_layers);
    expect(body.attribution).toContain('OpenStreetMap');
    const tiles = body.tiles as string[];
    expect(tiles).toHaveLength(1);
    expect(tiles[0]).toMatch(/^\/api\/basemap\/\{z\}\/\{x\}\/\{y\}\.mvt\?v=[0-9a-f]{16}$/);
  });

  it('sends a stored tile byte for byte, gzip as stored, cached as immutable for this file', async () => {
    const tilejson = (await (await fetch(`${t.url}/api/basemap.json`)).json()) as { tiles: string[] };
    const tile = TILES[1]!;
    const url = t.url + tilejson.tiles[0]!.replace('{z}', String(tile.z)).replace('{x}', String(tile.x)).replace('{y}', String(tile.y));
    const res = await rawGet(url, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/vnd\.mapbox-vector-tile/);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Buffer.compare(res.body, Buffer.from(tile.data))).toBe(0);
  });

  it('decompresses for a client that does not take gzip, and caches an unversioned URL briefly', async () => {
    const res = await rawGet(`${t.url}/api/basemap/8/214/107.mvt`, { 'Accept-Encoding': 'identity' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString()).toBe(Buffer.from(plain('8/214/107')).toString());
    expect(res.headers['cache-control']).toBe('public, max-age=300');
  });

  it('answers 204 for a tile the archive does not hold', async () => {
    for (const path of ['/api/basemap/10/0/0.mvt', '/api/basemap/12/3433/1713.mvt', '/api/basemap/2/3/1.mvt']) {
      const res = await rawGet(t.url + path);
      expect(res.status, path).toBe(204);
      expect(res.body.length, path).toBe(0);
    }
  });

  it('answers 400 for coordinates that are not a tile', async () => {
    for (const path of ['/api/basemap/3/8/0.mvt', '/api/basemap/3/0/8.mvt', '/api/basemap/a/0/0.mvt', '/api/basemap/27/0/0.mvt', '/api/basemap/-1/0/0.mvt', '/api/basemap/1.5/0/0.mvt']) {
      const res = await fetch(t.url + path);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error: string }).error, path).toBe('VALIDATION_FAILED');
    }
  });

  it('/healthz names the basemap in use', async () => {
    const body = (await (await fetch(`${t.url}/healthz`)).json()) as { basemap: Record<string, unknown> };
    expect(body.basemap).toMatchObject({ kind: 'file', minzoom: 8, maxzoom: 10 });
    expect(String(body.basemap.file)).toMatch(/city\.pmtiles$/);
  });
});

describe('a hub without a basemap file', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(() => t.close());

  it('answers 204 on the TileJSON (no basemap, not an error: no console error on the wall) and 404 on tiles', async () => {
    const res = await fetch(`${t.url}/api/basemap.json`);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await fetch(`${t.url}/api/basemap/8/214/107.mvt`)).status).toBe(404);
  });

  it('/healthz says the demo basemap is in use', async () => {
    const body = (await (await fetch(`${t.url}/healthz`)).json()) as { basemap: unknown };
    expect(body.basemap).toEqual({ kind: 'demo' });
  });
});

describe('a BASEMAP_FILE the hub cannot use', () => {
  const warnings = () => logLines.filter((l) => l.includes('"level":"warn"') && l.includes('BASEMAP_FILE'));

  it('a missing file: no basemap, and a warning naming the file', async () => {
    logLines.length = 0;
    expect(await openBasemap(join(dir, 'nowhere.pmtiles'), log)).toBeNull();
    expect(warnings().join('\n')).toContain('nowhere.pmtiles');
  });

  it('a file that is not PMTiles', async () => {
    logLines.length = 0;
    const file = join(dir, 'not.pmtiles');
    await writeFile(file, 'SQLite format 3\0 this is an MBTiles file, say');
    expect(await openBasemap(file, log)).toBeNull();
    expect(warnings()).toHaveLength(1);
  });

  it('an OpenMapTiles-schema archive is refused with a word on why', async () => {
    logLines.length = 0;
    const file = await archive('omt.pmtiles', { metadata: { vector_layers: [{ id: 'water' }, { id: 'transportation' }, { id: 'place' }, { id: 'landcover' }] } });
    expect(await openBasemap(file, log)).toBeNull();
    expect(warnings().join('\n')).toContain('OpenMapTiles');
  });

  it('raster tiles are refused', async () => {
    logLines.length = 0;
    const file = await archive('raster.pmtiles', { tileType: 2 });
    expect(await openBasemap(file, log)).toBeNull();
    expect(warnings().join('\n')).toContain('vector tiles');
  });
});
