/**
 * The five-colour risk map (五色图) from open incidents. Each open case adds points to its grid:
 *
 *   points = SEVERITY_POINTS[severity] × (1 + min(age, 3 days) ÷ 3 days) + (overdue ? 2 : 0)
 *
 * so a case weighs up to twice as much after three days unanswered, and a missed limit adds a
 * fixed amount. A grid's total maps to a level by RISK_THRESHOLDS; any open severity-4 case
 * (especially serious) makes its grid red outright. Green grids are left out of the result.
 */
import { TERMINAL_STAGES, type Incident } from '@shared/schemas/incident';
import type { GridRisk, RiskLevel } from '@shared/schemas/stats';
import { isOverdue } from '../sla/clock';

export const SEVERITY_POINTS: Readonly<Record<number, number>> = { 1: 1, 2: 2, 3: 4, 4: 8 };
export const OVERDUE_POINTS = 2;
export const AGE_FULL_WEIGHT_MS = 3 * 86_400_000;
/** lowest total for blue, yellow, orange, red (anything above 0 is at least blue) */
export const RISK_THRESHOLDS = { blue: 0, yellow: 3, orange: 6, red: 10 } as const;

export function incidentRiskPoints(incident: Incident, asOf: number): number {
  return riskPoints(incident, isOverdue(incident, asOf), asOf);
}

/** the points of an open case whose overdue state at `asOf` is known (a past window's end, replayed) */
export function riskPoints(incident: Pick<Incident, 'severity' | 'reportedAt'>, overdue: boolean, asOf: number): number {
  const age = Math.min(Math.max(0, asOf - incident.reportedAt), AGE_FULL_WEIGHT_MS);
  const base = (SEVERITY_POINTS[incident.severity] ?? 1) * (1 + age / AGE_FULL_WEIGHT_MS);
  return base + (overdue ? OVERDUE_POINTS : 0);
}

export function riskLevelOf(points: number): RiskLevel {
  if (points >= RISK_THRESHOLDS.red) return 4;
  if (points >= RISK_THRESHOLDS.orange) return 3;
  if (points >= RISK_THRESHOLDS.yellow) return 2;
  if (points > RISK_THRESHOLDS.blue) return 1;
  return 0;
}

export function computeGridRisk(open: readonly Incident[], asOf: number): GridRisk {
  const tally = new RiskTally(asOf);
  for (const incident of open) addOpenCase(tally, incident, asOf);
  return tally.levels();
}

/** adds a case that is open now to a tally as of now (the live map; computeGridRisk one case at a time) */
export function addOpenCase(tally: RiskTally, incident: Incident, asOf: number): void {
  // Defensive: callers pass open incidents, but a closed one or one from the future adds nothing.
  if (TERMINAL_STAGES.includes(incident.stage) || incident.reportedAt > asOf) return;
  tally.add(incident, isOverdue(incident, asOf));
}

/** Grid totals built one open case at a time (the live map, or a past window's end replayed). */
export class RiskTally {
  private readonly points = new Map<string, number>();
  private readonly red = new Set<string>();

  constructor(private readonly asOf: number) {}

  add(incident: Pick<Incident, 'severity' | 'reportedAt' | 'gridCode'>, overdue: boolean): void {
    if (incident.severity >= 4) this.red.add(incident.gridCode);
    this.points.set(incident.gridCode, (this.points.get(incident.gridCode) ?? 0) + riskPoints(incident, overdue, this.asOf));
  }

  levels(): GridRisk {
    const risk: GridRisk = {};
    for (const [grid, level] of this.levelEntries()) risk[grid] = level;
    return risk;
  }

  /** the grids with a risk, one at a time (a caller may spread a province's 61,000 over turns of the event loop) */
  *levelEntries(): Generator<[string, RiskLevel]> {
    for (const [grid, total] of this.points) {
      const level = this.red.has(grid) ? 4 : riskLevelOf(total);
      if (level > 0) yield [grid, level];
    }
  }
}
