/**
 * Region GeoJSON as served: built once per (level, within) a feature per slice of the event loop,
 * gzipped off the main thread (zlib runs in libuv's pool), and kept with its ETag. A province's
 * grids are 61,000 polygons (25 MB of JSON): stringified in one go they held the hub for half a
 * second, and sent uncompressed they were 2.5 MB per district to every wall that zooms in.
 * Requests for an entry being built wait for that one build.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { RegionWithGeometry } from '@shared/schemas/region';
import { regionProperties } from '../../geo/featureCollection';
import { forEachInSlices } from '../../lib/slices';

const gzipAsync = promisify(gzip);

export interface GeoJsonEntry {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
}

function feature(r: RegionWithGeometry): string {
  return JSON.stringify({
    type: 'Feature',
    id: r.code,
    properties: regionProperties(r),
    geometry: { type: 'MultiPolygon', coordinates: r.polygons },
  });
}

export async function buildGeoJson(regions: readonly RegionWithGeometry[]): Promise<GeoJsonEntry> {
  const parts: string[] = [];
  await forEachInSlices(regions, (r) => parts.push(feature(r)));
  const body = Buffer.from(`{"type":"FeatureCollection","features":[${parts.join(',')}]}`);
  const gzipped = await gzipAsync(body);
  return { body, gzipped, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

/** entries by key, at most `limit` (a client walking every `within` must not pin the city's geometry many times over) */
export class GeoJsonCache {
  private readonly entries = new Map<string, Promise<GeoJsonEntry>>();

  constructor(private readonly limit: number) {}

  get(key: string, regions: () => readonly RegionWithGeometry[]): Promise<GeoJsonEntry> {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = buildGeoJson(regions());
      // a failed build is not kept: the next request tries again
      entry.catch(() => this.entries.delete(key));
      if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, entry);
    }
    return entry;
  }
}
