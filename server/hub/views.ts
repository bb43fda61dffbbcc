/**
 * Read side of the hub: snapshots, resumption and statistics for a region, built synchronously
 * from memory so that a subscription sees exactly the state as of one sequence number.
 */
import { PROTOCOL_VERSION } from '@shared/events';
import type { Catalog } from '@shared/schemas/catalog';
import type { Camera } from '@shared/schemas/camera';
import type { Incident } from '@shared/schemas/incident';
import type { Delta, Layer, Snapshot } from '@shared/schemas/live';
import type { Patrol } from '@shared/schemas/patrol';
import type { Region } from '@shared/schemas/region';
import type { GridRisk, Statistics } from '@shared/schemas/stats';
import { HubError } from '@shared/errors';
import { computeGridRisk, computeStatistics } from '../domain/stats';
import type { Hub } from './hub';
import { isOpen } from './incidentProjection';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const WEEK_CACHE_MS = 10_000;
const HEAT_DAYS = 7;

export function startOfLocalDay(at: number, tzOffsetMinutes: number): number {
  const offset = tzOffsetMinutes * 60_000;
  return Math.floor((at + offset) / DAY) * DAY - offset;
}

/** regions travel without polygons; geometry is served once, cached, as GeoJSON */
export function withoutGeometry({ code, name, level, parentCode, center, bbox, generated }: Region): Region {
  return { code, name, level, parentCode, center, bbox, generated };
}

export class HubViews {
  private readonly weekCache = new Map<string, { at: number; counter: number; stats: Statistics }>();

  constructor(
    private readonly hub: Hub,
    private readonly catalog: Catalog,
    private readonly tzOffsetMinutes: number,
  ) {}

  requireRegion(code: string): Region {
    const region = this.hub.geo.get(code);
    if (!region) throw new HubError('UNKNOWN_REGION', `No region has the code ${code}.`);
    return region;
  }

  /** the region, its ancestors and all its descendants */
  regionsFor(code: string): Region[] {
    const geo = this.hub.geo;
    const ancestors = geo.path(code).map((c) => geo.get(c)!);
    return [...ancestors, ...geo.descendants(code)].map(withoutGeometry);
  }

  camerasIn(code: string): Camera[] {
    const geo = this.hub.geo;
    return [...this.hub.cameras.values()].filter((c) => geo.isWithin(c.gridCode, code));
  }

  patrolsIn(code: string): Patrol[] {
    const geo = this.hub.geo;
    return [...this.hub.patrols.values()].filter((p) => geo.isWithin(p.gridCode, code)).map((p) => this.hub.withPosition(p));
  }

  /** today's figures (local day of the centre) for a region */
  todayStatistics(code: string, asOf = this.hub.now()): Statistics {
    return this.statistics(code, { from: startOfLocalDay(asOf, this.tzOffsetMinutes), to: asOf + 1 }, asOf);
  }

  /**
   * The last seven days in whole hours up to now: 168 hourly buckets whose last one is the
   * current hour. Rankings and the rolling 24-hour trend need a window that does not restart at
   * midnight. Cached briefly per region: it is the costliest figure and moves slowly.
   */
  weekStatistics(code: string, asOf = this.hub.now()): Statistics {
    const cached = this.weekCache.get(code);
    if (cached && cached.counter === this.hub.changeCounter && asOf - cached.at < WEEK_CACHE_MS) return cached.stats;
    const from = Math.floor(asOf / HOUR) * HOUR - 167 * HOUR;
    const stats = this.statistics(code, { from, to: from + 168 * HOUR }, asOf);
    this.weekCache.set(code, { at: asOf, counter: this.hub.changeCounter, stats });
    if (this.weekCache.size > 256) this.weekCache.delete(this.weekCache.keys().next().value!);
    return stats;
  }

  statistics(code: string, window: { from: number; to: number }, asOf = this.hub.now()): Statistics {
    this.requireRegion(code);
    const geo = this.hub.geo;
    const depth = geo.path(code).length;
    const children = geo.children(code).map((r) => ({ code: r.code, name: r.name }));
    // Rank streets: a city's children are districts, so go one level further down for it.
    const rankChildren =
      this.hub.geo.get(code)?.level === 'city' ? children.flatMap((d) => geo.children(d.code).map((r) => ({ code: r.code, name: r.name }))) : children;
    const rankDepth = this.hub.geo.get(code)?.level === 'city' ? depth + 1 : depth;
    return computeStatistics({
      regionCode: code,
      window,
      asOf,
      incidents: this.hub.incidents.inRegion(code),
      patrols: this.patrolsIn(code),
      cameras: this.camerasIn(code),
      children: rankChildren,
      childOf: (incident: Incident) => incident.regionPath[rankDepth],
    });
  }

  risk(code: string, asOf = this.hub.now()): GridRisk {
    const open = this.hub.incidents.inRegion(code).map((r) => r.incident).filter(isOpen);
    return computeGridRisk(open, asOf);
  }

  snapshot(code: string, layers: readonly Layer[]): Snapshot {
    const region = this.requireRegion(code);
    const now = this.hub.now();
    const want = new Set(layers);
    const records = want.has('incidents') || want.has('stats') ? this.hub.incidents.inRegion(code) : [];
    const recentCut = now - DAY;
    const heatCut = now - HEAT_DAYS * DAY;
    const incidents: Incident[] = [];
    const heat: number[] = [];
    if (want.has('incidents')) {
      for (const { incident } of records) {
        if (isOpen(incident) || incident.updatedAt >= recentCut) incidents.push(incident);
        if (incident.reportedAt >= heatCut && incident.stage !== 'rejected') {
          heat.push(incident.location.lng, incident.location.lat, incident.severity, incident.reportedAt);
        }
      }
      incidents.sort((a, b) => a.reportedAt - b.reportedAt);
    }
    return {
      protocolVersion: PROTOCOL_VERSION,
      seq: this.hub.seq,
      serverTime: now,
      region: withoutGeometry(region),
      layers: [...want],
      regions: this.regionsFor(code),
      catalog: this.catalog,
      incidents,
      heat,
      patrols: want.has('patrols') ? this.patrolsIn(code) : [],
      cameras: want.has('cameras') ? this.camerasIn(code) : [],
      stats: want.has('stats') ? this.todayStatistics(code, now) : null,
      week: want.has('stats') ? this.weekStatistics(code, now) : null,
      risk: want.has('stats') || want.has('incidents') ? this.risk(code, now) : {},
    };
  }

  /** what a reconnecting client missed in its region and layers, or null if a snapshot is needed */
  resume(code: string, layers: readonly Layer[], lastSeq: number): Delta[] | null {
    this.requireRegion(code);
    const want = new Set(layers);
    return this.hub.resumeSince(lastSeq, (item) => want.has(item.layer) && item.path.includes(code));
  }
}
