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
