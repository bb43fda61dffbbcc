/**
 * Test and benchmark support: valid report bodies (NewIncident) spread over the grids of a city,
 * different enough (category, place, reporter) that duplicate fusion joins few of them.
 */
import type { NewIncident } from '@shared/schemas/incident';

const CATEGORIES = ['sanitation', 'public_order', 'municipal_facility', 'safety_hazard', 'traffic'] as const;

/** the i-th report of a run: a grid centre moved by up to ~40 m (inside its grid), one of five categories */
export function reportBody(i: number, centers: readonly (readonly [number, number])[], label = 'r'): NewIncident {
  const [lng, lat] = centers[i % centers.length]!;
  const jitter = (k: number) => (((i * 7919 + k * 104_729) % 1000) / 1000 - 0.5) * 0.0008;
  return {
    source: 'patrol',
    category: CATEGORIES[i % CATEGORIES.length]!,
    severity: ((i % 4) + 1) as 1 | 2 | 3 | 4,
    title: `测试上报 ${label}-${i}`,
    location: { lng: lng + jitter(1), lat: lat + jitter(2) },
    reporter: { kind: 'patrol', id: `${label}-patrol-${i % 997}` },
  };
}

/**
 * The i-th report at a spot of its own: a 7×7 lattice ~55 m apart in each grid wide enough to
 * hold it, × 4 categories, so that no two reports of a run are fused into one case (sensor reports
 * within 50 m would be) and none falls outside the city. Title `${label} ${i}`.
 */
export function apartReportBody(i: number, grids: readonly { center: readonly [number, number]; bbox: readonly number[] }[], label: string): NewIncident {
  const wide = grids.filter((g) => g.bbox[2]! - g.bbox[0]! >= 0.006 && g.bbox[3]! - g.bbox[1]! >= 0.005);
  const g = wide[i % wide.length]!;
  const spot = Math.floor(i / wide.length) % 49;
  return {
    source: 'sensor',
    category: APART_CATEGORIES[Math.floor(i / (wide.length * 49)) % APART_CATEGORIES.length]!,
    severity: 1,
    title: `${label} ${i}`,
    location: { lng: g.center[0] + ((spot % 7) - 3) * 6e-4, lat: g.center[1] + (Math.floor(spot / 7) - 3) * 5e-4 },
    reporter: { kind: 'sensor', id: `s-${i}` },
  };
}
const APART_CATEGORIES = ['sanitation', 'public_order', 'traffic', 'dispute'] as const;
