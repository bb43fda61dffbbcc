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
      record.incident = incident;
      record.entries.push(entry);
    } else {
      this.byId.set(incident.id, { incident, entries: [entry] });
    }
  }

  /** loads a record from the store at start-up */
  load(incident: Incident, entries: IncidentLogEntry[]): void {
    this.byId.set(incident.id, { incident, entries });
  }

  values(): IterableIterator<LiveIncidentRecord> {
    return this.byId.values();
  }

  /** records whose incident lies in the region (its path contains the code) */
  inRegion(code: string): LiveIncidentRecord[] {
    const out: LiveIncidentRecord[] = [];
    for (const record of this.byId.values()) {
      if (record.incident.regionPath.includes(code)) out.push(record);
    }
    return out;
  }

  /** forgets closed incidents not touched since `before`; returns how many */
  prune(before: number): number {
    let removed = 0;
    for (const [id, record] of this.byId) {
      if (!isOpen(record.incident) && record.incident.updatedAt < before) {
        this.byId.delete(id);
        removed++;
      }
    }
    return removed;
  }
}
