import type { Rng } from '../lib/rng';
import { pointInRings, ringsBox, type Ring, type XY } from './planar';

/**
 * Where to put the Voronoi sites of a generated level.
 *
 * Purely random sites give a mess of slivers and giant cells. Lloyd relaxation (moving each site
 * to its cell's centroid) evens them out; here it is done on a cloud of sample points drawn inside
 * the parent shape (k-means), which handles concave parents and islands without computing any
 * cell, and accepts a population density: where the density is high, samples are dense, clusters
 * are small, and so are the cells — downtown streets come out small, rural townships large.
 */

export interface Density {
  at(x: number, y: number): number;
  /** an upper bound of `at`, for rejection sampling */
  max: number;
}

export interface PlaceSitesOptions {
  density?: Density;
  samplesPerSite?: number;
  iterations?: number;
}

/** points inside the shape, distributed by the density (uniform without one) */
export function samplePoints(shape: readonly Ring[], count: number, rng: Rng, density?: Density): XY[] {
  const box = ringsBox(shape);
  const points: XY[] = [];
  const maxTries = count * 2_000;
  for (let tries = 0; points.length < count && tries < maxTries; tries++) {
    const x = rng.float(box[0], box[2]);
    const y = rng.float(box[1], box[3]);
    if (density && rng.next() * density.max > density.at(x, y)) continue;
    if (pointInRings(x, y, shape)) points.push([x, y]);
  }
  if (points.length === 0) throw new RangeError('samplePoints: the shape has no area');
  return points;
}

const dist2 = (a: XY, b: XY): number => (a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2;

/** k-means++ seeding: each next centre is drawn with probability ∝ squared distance to the nearest */
function seedCentres(samples: readonly XY[], k: number, rng: Rng): XY[] {
  const centres: XY[] = [rng.pick(samples)];
  const nearest = samples.map((s) => dist2(s, centres[0] as XY));
  while (centres.length < k) {
    let total = 0;
    for (const d of nearest) total += d;
    let r = rng.next() * total;
    let chosen = samples.length - 1;
    for (let i = 0; i < samples.length; i++) {
      r -= nearest[i] as number;
      if (r < 0) {
        chosen = i;
        break;
      }
    }
    const c = samples[chosen] as XY;
    centres.push([c[0], c[1]]);
    samples.forEach((s, i) => {
      const d = dist2(s, c);
      if (d < (nearest[i] as number)) nearest[i] = d;
    });
  }
  return centres;
}

/**
 * `count` distinct sites strictly inside the shape, spread like a centroidal Voronoi tessellation
 * of the density. Deterministic for a given rng state.
 */
export function placeSites(shape: readonly Ring[], count: number, rng: Rng, options: PlaceSitesOptions = {}): XY[] {
  const samplesPerSite = options.samplesPerSite ?? 24;
  const iterations = options.iterations ?? 8;
  const samples = samplePoints(shape, Math.max(count * samplesPerSite, 32), rng, options.density);
  if (samples.length < count) throw new RangeError(`placeSites: cannot place ${count} sites in so small a shape`);
  const centres = seedCentres(samples, count, rng);
  const owner = new Int32Array(samples.length);

  const assign = (): void => {
    samples.forEach((s, i) => {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < centres.length; c++) {
        const d = dist2(s, centres[c] as XY);
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      owner[i] = best;
    });
  };

  for (let it = 0; it < iterations; it++) {
    assign();
    const sx = new Float64Array(count);
    const sy = new Float64Array(count);
    const n = new Float64Array(count);
    samples.forEach((s, i) => {
      const c = owner[i] as number;
      sx[c] = (sx[c] as number) + s[0];
      sy[c] = (sy[c] as number) + s[1];
      n[c] = (n[c] as number) + 1;
    });
    for (let c = 0; c < count; c++) {
      const m = n[c] as number;
      // an empty cluster is re-seeded on a random sample (rare, and only in the first rounds)
      centres[c] = m > 0 ? [(sx[c] as number) / m, (sy[c] as number) / m] : [...rng.pick(samples)];
    }
  }

  // A centroid can fall outside a concave parent (across a bay): snap it to its cluster's sample
  // nearest to it, which is inside by construction. Sites must also be distinct.
  assign();
  const taken = new Set<string>();
  return centres.map((centre, c) => {
    let site = centre;
    if (!pointInRings(site[0], site[1], shape)) {
      let bestD = Infinity;
      samples.forEach((s, i) => {
        const d = dist2(s, centre);
        if (owner[i] === c && d < bestD) {
          bestD = d;
          site = s;
        }
      });
      if (bestD === Infinity) site = rng.pick(samples);
    }
    while (taken.has(`${site[0]},${site[1]}`)) site = rng.pick(samples);
    taken.add(`${site[0]},${site[1]}`);
    return [site[0], site[1]];
  });
}
