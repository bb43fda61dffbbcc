/**
 * A minimal PMTiles v3 writer for tests: one root directory, no leaf directories, each tile stored
 * once. Enough to give the hub a real archive of known bytes. The layout follows the spec
 * (github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md):
 *
 *   127-byte header | root directory | JSON metadata | tile data
 *
 * The directory is a list of entries (tile id, offset, length, run length) sorted by tile id and
 * written column by column as varints: the count, the id deltas, the run lengths, the lengths, then
 * the offsets (0 = "right after the previous tile", else offset + 1). Directory and metadata are
 * gzipped (internal compression), as in the Protomaps builds. The tiles are stored as given; the
 * header says which compression they are in.
 */
import { gzipSync } from 'node:zlib';
import { zxyToTileId } from 'pmtiles';

export interface TestTile {
  z: number;
  x: number;
  y: number;
  /** the bytes as stored in the archive (already compressed if the header says so) */
  data: Uint8Array;
}

export interface ArchiveOptions {
  tiles: TestTile[];
  metadata: Record<string, unknown>;
  /** 1 none, 2 gzip (of the tiles; directories and metadata are always gzipped here) */
  tileCompression?: 1 | 2;
  /** 1 = MVT */
  tileType?: number;
  minZoom: number;
  maxZoom: number;
  /** [minLon, minLat, maxLon, maxLat] */
  bounds: [number, number, number, number];
}

function varints(values: number[]): number[] {
  const out: number[] = [];
  for (let v of values) {
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
  }
  return out;
}

export function writePmtiles(opts: ArchiveOptions): Uint8Array {
  const sorted = opts.tiles.map((t) => ({ id: zxyToTileId(t.z, t.x, t.y), data: t.data })).sort((a, b) => a.id - b.id);
  let offset = 0;
  const entries = sorted.map((t) => {
    const e = { id: t.id, offset, length: t.data.length };
    offset += t.data.length;
    return e;
  });
  const dir: number[] = [entries.length];
  let last = 0;
  for (const e of entries) {
    dir.push(e.id - last);
    last = e.id;
  }
  dir.push(...entries.map(() => 1)); // run lengths: each tile once
  dir.push(...entries.map((e) => e.length));
  dir.push(...entries.map((e, i) => (i > 0 && e.offset === entries[i - 1]!.offset + entries[i - 1]!.length ? 0 : e.offset + 1)));
  const root = gzipSync(Uint8Array.from(varints(dir)));
  const metadata = gzipSync(Buffer.from(JSON.stringify(opts.metadata)));
  const tileData = Buffer.concat(sorted.map((t) => t.data));

  const header = Buffer.alloc(127);
  header.write('PMTiles', 0, 'ascii');
  header.writeUInt8(3, 7);
  const rootOffset = 127;
  const metaOffset = rootOffset + root.length;
  const dataOffset = metaOffset + metadata.length;
  const u64 = (at: number, v: number) => header.writeBigUInt64LE(BigInt(v), at);
  u64(8, rootOffset);
  u64(16, root.length);
  u64(24, metaOffset);
  u64(32, metadata.length);
  u64(40, dataOffset + tileData.length); // leaf directories: none
  u64(48, 0);
  u64(56, dataOffset);
  u64(64, tileData.length);
  u64(72, entries.length); // addressed tiles
  u64(80, entries.length); // tile entries
  u64(88, entries.length); // tile contents
  header.writeUInt8(1, 96); // clustered: tiles in tile-id order
  header.writeUInt8(2, 97); // internal compression: gzip
  header.writeUInt8(opts.tileCompression ?? 2, 98);
  header.writeUInt8(opts.tileType ?? 1, 99);
  header.writeUInt8(opts.minZoom, 100);
  header.writeUInt8(opts.maxZoom, 101);
  const e7 = (v: number) => Math.round(v * 1e7);
  const [w, s, e, n] = opts.bounds;
  header.writeInt32LE(e7(w), 102);
  header.writeInt32LE(e7(s), 106);
  header.writeInt32LE(e7(e), 110);
  header.writeInt32LE(e7(n), 114);
  header.writeUInt8(opts.minZoom, 118); // centre zoom
  header.writeInt32LE(e7((w + e) / 2), 119);
  header.writeInt32LE(e7((s + n) / 2), 123);
  return Buffer.concat([header, root, metadata, tileData]);
}
