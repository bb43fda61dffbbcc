/**
 * Which open case a new report joins, if any: pure, from the report and the candidate cases an
 * index found near it. The nearest match wins; ties go to the case reported first (the original).
 */
import type { Incident, ParsedNewIncident } from '@shared/schemas/incident';
import type { FusionPolicy, FusionRule } from './rules';

/** metres between two points (equirectangular: exact enough within a few kilometres) */
export function distanceM(lng1: number, lat1: number, lng2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const x = (lng2 - lng1) * rad * Math.cos(((lat1 + lat2) / 2) * rad);
  const y = (lat2 - lat1) * rad;
  return Math.sqrt(x * x + y * y) * 6_371_008.8;
}

/**
 * An address as fusion compares it (spaces and case ignored), or null when too short to name a
 * place: "3号" alone must not merge cases across a city.
 */
export function addressKey(address: string | undefined): string | null {
  const key = (address ?? '').replace(/\s+/g, '').toLowerCase();
  return key.length >= 4 ? key : null;
}

/** the last time the case was reported (its own report or the latest joined one) */
export function lastReportedAt(incident: Incident): number {
  return incident.reports?.lastAt ?? incident.reportedAt;
}

function matches(report: ParsedNewIncident, at: number, candidate: Incident, rule: FusionRule): number | null {
  if (candidate.category !== report.category) return null;
  // same class but another kind of problem (road markings vs illegal parking): not a duplicate
  if (report.subcategory && candidate.subcategory && report.subcategory !== candidate.subcategory) return null;
  const since = at - lastReportedAt(candidate);
  if (since < 0 || since > rule.windowMs) return null;
  const d = distanceM(report.location.lng, report.location.lat, candidate.location.lng, candidate.location.lat);
  if (rule.sameCamera) {
    const sameCamera = report.reporter.id !== undefined && report.reporter.id === candidate.reporter.id;
    const sameType = (report.subcategory ?? report.title) === (candidate.subcategory ?? candidate.title);
    return sameCamera && sameType ? d : null;
  }
  const address = addressKey(report.location.address);
  if (rule.sameAddress && address !== null && address === addressKey(candidate.location.address)) return d;
  return d <= rule.radiusM ? d : null;
}

export interface FusionMatch {
  incident: Incident;
  distanceM: number;
}

/** the case the report joins, or null when it opens a case of its own */
export function findFusionMatch(report: ParsedNewIncident, at: number, candidates: Iterable<Incident>, policy: FusionPolicy): FusionMatch | null {
  const rule = policy.ruleFor(report.category, report.source);
  if (!rule) return null;
  let best: FusionMatch | null = null;
  for (const candidate of candidates) {
    const d = matches(report, at, candidate, rule);
    if (d === null) continue;
    if (!best || d < best.distanceM || (d === best.distanceM && candidate.reportedAt < best.incident.reportedAt)) best = { incident: candidate, distanceM: d };
  }
  return best;
}
