/**
 * The three ingest formats of POST /api/positions, in this process and without HTTP: what one fix
 * costs to parse (JSON.parse for the JSON bodies), check and take, for 100,000 patrols in batches of
 * 5,000. The per-position JSON batch (a schema call per fix) is the naive baseline the columnar
 * and binary batches are compared with. Figures only.
 *
 *   npm run bench -- positionIngest        (BENCH_INGEST_FIXES=2000000 for a longer run)
 */
import { pathToFileURL } from 'node:url';
import { encodePositionsBatch } from '@shared/binary/positionsBatch';
import { PositionIntake } from '../../server/hub/positionIntake';
import { PositionTracker } from '../../server/hub/positionTracker';
import { writeBenchResult } from './support/benchResults';
import { benchCity, benchRoster, patrolHomes } from './support/positionsWorld';

const BATCH = 5_000;

export default async function run(): Promise<void> {
  const patrols = 100_000;
  const total = Number(process.env.BENCH_INGEST_FIXES ?? 1_000_000);
  const roster = benchRoster(patrols, 0);
  const homes = patrolHomes(patrols);
  const root = benchCity().find((r) => r.parentCode === null)!;
  let clock = Date.now();
  const intake = () => new PositionIntake(new Map(roster.map((p) => [p.id, p])), roster, () => clock, new PositionTracker(patrols), () => root.bbox);

  // the bodies as they arrive, made before the clock starts
  const batches = Math.ceil(total / BATCH);
  const fixesOf = (b: number) =>
    Array.from({ length: BATCH }, (_, i) => {
      const k = (b * BATCH + i) % patrols;
      return { idx: k, id: roster[k]!.id, lng: homes[2 * k]! + 0.001, lat: homes[2 * k + 1]!, at: clock - 1000 + b };
    });
  const bodies = Array.from({ length: Math.min(batches, 40) }, (_, b) => {
    const f = fixesOf(b);
    return {
      json: JSON.stringify({ positions: f.map((x) => ({ patrolId: x.id, lng: x.lng, lat: x.lat, at: x.at })) }),
      columnar: JSON.stringify({ patrolIds: f.map((x) => x.id), lng: f.map((x) => x.lng), lat: f.map((x) => x.lat), at: f.map((x) => x.at) }),
      binary: encodePositionsBatch(f),
    };
  });

  const figures: Record<string, { fixesPerSec: number; usPerFix: number; bytesPerFix: number }> = {};
  console.log(`position ingest in-process, ${patrols.toLocaleString('en')} patrols, ${total.toLocaleString('en')} fixes in batches of ${BATCH.toLocaleString('en')}, node ${process.version}`);
  for (const format of ['json', 'columnar', 'binary'] as const) {
    const it = intake();
    const take = (b: number) => {
      const body = bodies[b % bodies.length]!;
      clock += 1; // every batch is newer than the one before
      if (format === 'binary') it.ingestBinary(body.binary);
      else it.ingest(JSON.parse(format === 'json' ? body.json : body.columnar));
    };
    for (let b = 0; b < 10; b++) take(b); // warm-up
    const started = performance.now();
    for (let b = 0; b < batches; b++) take(b);
    const ms = performance.now() - started;
    const body = bodies[0]![format];
    const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    figures[format] = { fixesPerSec: (batches * BATCH) / (ms / 1000), usPerFix: (ms * 1000) / (batches * BATCH), bytesPerFix: bytes / BATCH };
  }
  const base = figures.json!.usPerFix;
  for (const [format, f] of Object.entries(figures)) {
    const label = format === 'json' ? 'per-position JSON (naive: zod per fix)' : format === 'columnar' ? 'columnar JSON' : 'binary';
    console.log(
      `  ${label.padEnd(40)} ${Math.round(f.fixesPerSec).toLocaleString('en').padStart(11)} fixes/s  ${f.usPerFix.toFixed(3)} µs/fix  ${(base / f.usPerFix).toFixed(1).padStart(5)}× the naive  ${f.bytesPerFix.toFixed(1)} B/fix on the wire`,
    );
  }
  writeBenchResult('positionIngest', { patrols, fixes: batches * BATCH, batch: BATCH, formats: figures });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
