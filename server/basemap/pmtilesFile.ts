/**
 * A deployment's own basemap: one PMTiles v3 archive of vector tiles (the Protomaps basemap
 * schema, docs/map.md "Your own basemap") read from the hub's disk and served tile by tile. The
 * `pmtiles` package does the format (header, directories, Hilbert tile ids); this file gives it a
 * source that reads byte ranges from an open FileHandle, so every read is asynchronous and the
 * event loop never waits for the disk. Tiles leave as they are stored (gzip stays gzip).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip } from 'node:zlib';
import { Compression, PMTiles, SharedPromiseCache, TileType, type Header, type Source } from 'pmtiles';
import type { Logger } from '../lib/log';

const gunzipAsync = promisify(gunzip);
const brotliAsync = promisify(brotliDecompress);

/** Reads byte ranges of a local archive; the pmtiles package asks for the header, directories and tiles. */
export class FileHandleSource implements Source {
  constructor(
    private readonly handle: FileHandle,
    private readonly key: string,
  ) {}

  getKey(): string {
    return this.key;
  }

  async getBytes(offset: number, length: number): Promise<{ data: ArrayBuffer }> {
    const bytes = new Uint8Array(length);
    const { bytesRead } = await this.handle.read(bytes, 0, length, offset);
    // the header read asks for 16 KiB: a smaller archive returns what there is
    return { data: bytes.buffer.slice(0, bytesRead) };
  }
}

const toArrayBuffer = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** Directories and metadata: decompressed on libuv's pool (zlib), never on the event loop. */
async function decompressInternal(buf: ArrayBuffer, compression: Compression): Promise<ArrayBuffer> {
  if (compression === Compression.None || compression === Compression.Unknown) return buf;
  if (compression === Compression.Gzip) return toArrayBuffer(await gunzipAsync(new Uint8Array(buf)));
  if (compression === Compression.Brotli) return toArrayBuffer(await brotliAsync(new Uint8Array(buf)));
  throw new Error(`compression ${Compression[compression]} is not supported`);
}

/** Tiles pass through untouched: the browser decompresses them (Content-Encoding). */
const asStored = async (buf: ArrayBuffer): Promise<ArrayBuffer> => buf;

/** the Content-Encoding of each tile compression the hub can serve */
const TILE_ENCODING: Partial<Record<Compression, string | null>> = {
  [Compression.None]: null,
  [Compression.Gzip]: 'gzip',
  [Compression.Brotli]: 'br',
};

/**
 * Layers only the Protomaps basemap schema has (OpenMapTiles has `water` too, but `transportation`
 * and `place` instead): a file with none of them is refused, the wall would draw nothing of it.
 */
export const PROTOMAPS_LAYERS = ['earth', 'roads', 'places'] as const;

export interface BasemapInfo {
  file: string;
  /** changes when the file changes: tile URLs carry it, so tiles can be cached as immutable */
  version: string;
  minzoom: number;
  maxzoom: number;
  bounds: [number, number, number, number];
  center: [number, number, number];
  vectorLayers: { id: string; fields?: Record<string, string>; minzoom?: number; maxzoom?: number }[];
  attribution?: string;
  name?: string;
  description?: string;
  schemaVersion?: string;
  /** how stored tiles are encoded on the wire: 'gzip', 'br' or none */
  encoding: string | null;
}

export interface Basemap {
  info: BasemapInfo;
  /** a tile's bytes as stored, or undefined when the archive has none there */
  tile(z: number, x: number, y: number): Promise<Uint8Array | undefined>;
  /** decompresses a stored tile, for a client that does not accept its encoding */
  decoded(bytes: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

type Metadata = {
  vector_layers?: BasemapInfo['vectorLayers'];
  attribution?: string;
  name?: string;
  description?: string;
  version?: string;
};

/**
 * Opens the archive and checks that the wall can draw it. Null (with a warning in the log) when
 * the file is missing, unreadable, not PMTiles v3, not vector tiles or not in the Protomaps
 * schema: the hub then runs on the generated demo basemap.
 */
export async function openBasemap(file: string, log: Logger): Promise<Basemap | null> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    const stat = await handle.stat();
    const source = new FileHandleSource(handle, file);
    const cache = new SharedPromiseCache(100, undefined, decompressInternal);
    const tiles = new PMTiles(source, cache, asStored);
    const header: Header = await tiles.getHeader();
    if (header.tileType !== TileType.Mvt) throw new Error(`tile type ${TileType[header.tileType] ?? header.tileType}: the wall draws vector tiles (MVT) only`);
    const encoding = TILE_ENCODING[header.tileCompression];
    if (encoding === undefined) throw new Error(`tile compression ${Compression[header.tileCompression] ?? header.tileCompression} is not supported (gzip, brotli or none)`);
    // metadata is compressed like the directories: read it through a reader that decompresses
    const metadata = ((await new PMTiles(source, cache, decompressInternal).getMetadata()) ?? {}) as Metadata;
    const layers = Array.isArray(metadata.vector_layers) ? metadata.vector_layers : [];
    if (!layers.some((l) => (PROTOMAPS_LAYERS as readonly string[]).includes(l.id))) {
      throw new Error(
        `its layers (${layers.map((l) => l.id).join(', ') || 'none listed'}) are not the Protomaps basemap schema (earth, water, roads, places…); OpenMapTiles files are not supported`,
      );
    }
    const headBytes = new Uint8Array(127);
    await handle.read(headBytes, 0, 127, 0);
    const version = createHash('sha256').update(headBytes).update(`${stat.size}:${stat.mtimeMs}`).digest('hex').slice(0, 16);
    const info: BasemapInfo = {
      file,
      version,
      minzoom: header.minZoom,
      maxzoom: header.maxZoom,
      bounds: [header.minLon, header.minLat, header.maxLon, header.maxLat],
      center: [header.centerLon, header.centerLat, header.centerZoom],
      vectorLayers: layers,
      ...(typeof metadata.attribution === 'string' ? { attribution: metadata.attribution } : {}),
      ...(typeof metadata.name === 'string' ? { name: metadata.name } : {}),
      ...(typeof metadata.description === 'string' ? { description: metadata.description } : {}),
      ...(typeof metadata.version === 'string' ? { schemaVersion: metadata.version } : {}),
      encoding,
    };
    const opened = handle;
    log.info('basemap: serving the archive', { file, minzoom: info.minzoom, maxzoom: info.maxzoom, bounds: info.bounds, tiles: header.numAddressedTiles, encoding });
    return {
      info,
      async tile(z, x, y) {
        const found = await tiles.getZxy(z, x, y);
        return found ? new Uint8Array(found.data) : undefined;
      },
      async decoded(bytes) {
        const buf = await decompressInternal(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, header.tileCompression);
        return new Uint8Array(buf);
      },
      close: () => opened.close(),
    };
  } catch (error) {
    await handle?.close().catch(() => undefined);
    log.warn('basemap: BASEMAP_FILE cannot be used; the wall draws the generated demo basemap', {
      file,
      error: error instanceof Error ? error.message : String(error),
    });
    return null;
  }
}
