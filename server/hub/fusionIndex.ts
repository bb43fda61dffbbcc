/**
 * Open cases by where they are, by address and by reporting camera, per category: the candidates
 * a new report may join (duplicate fusion). A spatial hash rather than kdbush/flatbush: those are
 * static (built once, no updates), while open cases come and go every second; a hash of ~450 m
 * cells (wider where a category's radius is) answers "within 200 m" from the 3×3 cells around the point and updates in O(1).
 */
import type { Incident, ParsedNewIncident } from '@shared/schemas/incident';
import { TERMINAL_STAGES } from '@shared/schemas/incident';
import { addressKey } from '../domain/fusion';

/** at least ≈ 445 m of latitude; a degree of longitude is over 50 km below 63° N, so a cell spans the radius */
const cellDegFor = (maxRadiusM: number) => Math.max(0.004, maxRadiusM / 50_000);

interface Keys {
  cell: string;
  address: string | null;
  reporter: string | null;
}

function keysOf(incident: Incident, cellOf: (lng: number, lat: number) => readonly [number, number]): Keys {
  const [x, y] = cellOf(incident.location.lng, incident.location.lat);
  const address = addressKey(incident.location.address);
  return {
    cell: `${incident.category}|${x}|${y}`,
    address: address === null ? null : `${incident.category}|${address}`,
    reporter: incident.reporter.id ? `${incident.category}|${incident.reporter.id}` : null,
  };
}

function add(map: Map<string, Set<string>>, key: string | null, id: string): void {
  if (key === null) return;
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(id);
}

function remove(map: Map<string, Set<string>>, key: string | null, id: string): void {
  if (key === null) return;
  const set = map.get(key);
  if (!set) return;
  set.delete(id);
  if (set.size === 0) map.delete(key);
}

export class FusionIndex {
  private readonly byCell = new Map<string, Set<string>>();
  private readonly byAddress = new Map<string, Set<string>>();
  private readonly byReporter = new Map<string, Set<string>>();
  private readonly indexed = new Map<string, Keys>();
  private readonly cellDeg: number;

  constructor(maxRadiusM: number) {
    this.cellDeg = cellDegFor(maxRadiusM);
  }

  private readonly cellOf = (lng: number, lat: number) => [Math.floor(lng / this.cellDeg), Math.floor(lat / this.cellDeg)] as const;

  get size(): number {
    return this.indexed.size;
  }

  /** keeps an incident indexed while it is open, and forgets it when it ends */
  update(incident: Incident): void {
    const old = this.indexed.get(incident.id);
    if (old) {
      remove(this.byCell, old.cell, incident.id);
      remove(this.byAddress, old.address, incident.id);
      remove(this.byReporter, old.reporter, incident.id);
      this.indexed.delete(incident.id);
    }
    if (TERMINAL_STAGES.includes(incident.stage)) return;
    const keys = keysOf(incident, this.cellOf);
    add(this.byCell, keys.cell, incident.id);
    add(this.byAddress, keys.address, incident.id);
    add(this.byReporter, keys.reporter, incident.id);
    this.indexed.set(incident.id, keys);
  }

  /** ids of open cases of the report's category near it, at its address or from its camera */
  candidates(report: ParsedNewIncident): Set<string> {
    const out = new Set<string>();
    const [x, y] = this.cellOf(report.location.lng, report.location.lat);
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) for (const id of this.byCell.get(`${report.category}|${x + dx}|${y + dy}`) ?? []) out.add(id);
    const address = addressKey(report.location.address);
    if (address !== null) for (const id of this.byAddress.get(`${report.category}|${address}`) ?? []) out.add(id);
    if (report.reporter.id) for (const id of this.byReporter.get(`${report.category}|${report.reporter.id}`) ?? []) out.add(id);
    return out;
  }
}
