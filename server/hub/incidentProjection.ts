/**
 * Incidents in memory: every open one and every one changed within the memory window, each with
 * its log entries in order. Statistics and snapshots read from here; the store stays the truth.
 */
import type { Incident, IncidentLogEntry } from '@shared/schemas/incident';
import { TERMINAL_STAGES } from '@shared/schemas/incident';

export interface LiveIncidentRecord {
  incident: Incident;
  entries: IncidentLogEntry[];
}

export function isOpen(incident: Incident): boolean {
  return !TERMINAL_STAGES.includes(incident.stage);
}

export class IncidentProjection {
  private readonly byId = new Map<string, LiveIncidentRecord>();
  /**
   * The records of every region on a case's path (province … grid), so that a region's cases are
   * read without a scan: a province holds 54,000+ cases in memory, and every snapshot, figure and
   * area count of any region used to test all of them. Each map keeps the order of byId.
   */
  private readonly byRegion = new Map<string, Map<string, LiveIncidentRecord>>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): LiveIncidentRecord | undefined {
    return this.byId.get(id);
  }

  /** installs the new state of an incident and appends its log entry */
  apply(incident: Incident, entry: IncidentLogEntry): void {
    const record = this.byId.get(incident.id);
    if (record) {
      const moved = record.incident.regionPath !== incident.regionPath && !samePath(record.incident.regionPath, incident.regionPath);
      if (moved) this.unindex(record);
      record.incident = incident;
      record.entries.push(entry);
      if (moved) this.index(record);
    } else {
      this.add({ incident, entries: [entry] });
    }
  }

  /** loads a record from the store at start-up */
  load(incident: Incident, entries: IncidentLogEntry[]): void {
    const existing = this.byId.get(incident.id);
    if (existing) this.unindex(existing);
    this.add({ incident, entries });
  }

  private add(record: LiveIncidentRecord): void {
    this.byId.set(record.incident.id, record);
    this.index(record);
  }

  private index(record: LiveIncidentRecord): void {
    for (const code of record.incident.regionPath) {
      let members = this.byRegion.get(code);
      if (!members) this.byRegion.set(code, (members = new Map()));
      members.set(record.incident.id, record);
    }
  }

  private unindex(record: LiveIncidentRecord): void {
    for (const code of record.incident.regionPath) {
      const members = this.byRegion.get(code);
      members?.delete(record.incident.id);
      if (members?.size === 0) this.byRegion.delete(code);
    }
  }

  values(): IterableIterator<LiveIncidentRecord> {
    return this.byId.values();
  }

  /** records whose incident lies in the region (its path contains the code) */
  inRegion(code: string): LiveIncidentRecord[] {
    const members = this.byRegion.get(code);
    return members ? [...members.values()] : [];
  }

  /** how many records lie in the region, without copying them */
  countInRegion(code: string): number {
    return this.byRegion.get(code)?.size ?? 0;
  }

  /** forgets closed incidents not touched since `before`; returns how many */
  prune(before: number): number {
    let removed = 0;
    for (const [id, record] of this.byId) {
      if (!isOpen(record.incident) && record.incident.updatedAt < before) {
        this.byId.delete(id);
        this.unindex(record);
        removed++;
      }
    }
    return removed;
  }
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((code, i) => code === b[i]);
}
