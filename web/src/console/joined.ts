/**
 * Reports joined to a case (并单, duplicate fusion) that can still be split off (拆单): every
 * `report_joined` entry of the case's log whose report no `split` entry has taken out yet. The
 * joined report travels inside its entry, so the operator sees what they are splitting off.
 */
import { NewIncident, type IncidentLogEntry, type IncidentSource } from '@shared/schemas/incident';

export interface JoinedReport {
  /** the report_joined entry's sequence number: what `split` names as `reportSeq` */
  seq: number;
  at: number;
  source: IncidentSource;
  title: string;
  reporter: string | null;
  distanceM: number | null;
}

export function joinedReports(log: readonly IncidentLogEntry[]): JoinedReport[] {
  const taken = new Set<unknown>();
  for (const e of log) if (e.type === 'split') taken.add(e.data?.['reportSeq']);
  const out: JoinedReport[] = [];
  for (const e of log) {
    if (e.type !== 'report_joined' || taken.has(e.seq)) continue;
    const report = NewIncident.safeParse(e.data?.['report']);
    if (!report.success) continue;
    const distance = e.data?.['distanceM'];
    out.push({
      seq: e.seq,
      at: e.at,
      source: report.data.source,
      title: report.data.title,
      reporter: report.data.reporter.name ?? null,
      distanceM: typeof distance === 'number' ? distance : null,
    });
  }
  return out;
}
