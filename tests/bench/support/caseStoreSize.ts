/**
 * What the hub's case store weighs per case, measured apart from the hub so that its growth (by
 * design: every case changed within MEMORY_DAYS stays in memory with its log) can be told from
 * anything else growing. Up to `perStage` cases of each stage are read back from the hub's own API
 * (the case and its log) and rebuilt in this process as the hub holds them — a projection record,
 * and for an open case its place in the fusion index — and the heap they take after a full GC is
 * divided by their number. An estimate: strings the hub shares between cases (codes, names) are
 * copies here, so it errs on the heavy side.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { STAGES, TERMINAL_STAGES, type Incident, type IncidentLogEntry, type Stage } from '@shared/schemas/incident';
import { createFusionPolicy } from '../../../server/domain/fusion';
import { FusionIndex } from '../../../server/hub/fusionIndex';
import { IncidentProjection } from '../../../server/hub/incidentProjection';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

export type StageCounts = Partial<Record<Stage, number>>;

/** cases in memory by stage, from the list endpoint's totals */
export async function stageCounts(url: string): Promise<StageCounts> {
  const out: StageCounts = {};
  for (const stage of STAGES) {
    const body = (await (await fetch(`${url}/api/incidents?stage=${stage}&limit=1`)).json()) as { total: number };
    if (body.total > 0) out[stage] = body.total;
  }
  return out;
}

async function sampleOf(url: string, stage: Stage, perStage: number): Promise<{ incident: Incident; entries: IncidentLogEntry[] }[]> {
  const { incidents } = (await (await fetch(`${url}/api/incidents?stage=${stage}&limit=${perStage}`)).json()) as { incidents: Incident[] };
  const out: { incident: Incident; entries: IncidentLogEntry[] }[] = [];
  for (const incident of incidents) {
    const { entries } = (await (await fetch(`${url}/api/incidents/${incident.id}/log`)).json()) as { entries: IncidentLogEntry[] };
    out.push({ incident, entries });
  }
  return out;
}

function heapOf(build: () => unknown): number {
  gc();
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept = build();
  gc();
  gc();
  const bytes = process.memoryUsage().heapUsed - before;
  // kept alive until the second reading
  return kept ? bytes : 0;
}

/** a stage with fewer cases than this in memory takes the mean of all stages: a few cases weigh less than the heap's noise */
const MIN_SAMPLE = 20;

/** bytes per case of each stage, as the hub's projection and fusion index hold it */
export async function bytesPerCaseByStage(url: string, perStage = 100): Promise<Partial<Record<Stage, number>>> {
  const maxRadiusM = createFusionPolicy().maxRadiusM;
  const measure = (json: string) => {
    const rebuild = () => {
      const projection = new IncidentProjection();
      const fusion = new FusionIndex(maxRadiusM);
      for (const { incident, entries } of JSON.parse(json) as { incident: Incident; entries: IncidentLogEntry[] }[]) {
        projection.load(incident, entries);
        if (!TERMINAL_STAGES.includes(incident.stage)) fusion.update(incident);
      }
      return { projection, fusion, size: projection.size };
    };
    const n = rebuild().size; // also warms the code, so that compiling it is not counted
    return n === 0 ? { n, bytes: 0 } : { n, bytes: Math.round(heapOf(rebuild) / n) };
  };
  const samples = new Map<Stage, string>();
  for (const stage of STAGES) samples.set(stage, JSON.stringify(await sampleOf(url, stage, perStage)));
  const all = measure(`[${[...samples.values()].map((j) => j.slice(1, -1)).filter(Boolean).join(',')}]`);
  const out: Partial<Record<Stage, number>> = {};
  for (const [stage, json] of samples) {
    const m = measure(json);
    if (m.n > 0) out[stage] = m.n >= MIN_SAMPLE ? m.bytes : all.bytes;
  }
  return out;
}

/** the case store's estimated bytes for `counts` cases by stage */
export function caseStoreBytes(counts: StageCounts, perCase: Partial<Record<Stage, number>>): number {
  let total = 0;
  for (const [stage, n] of Object.entries(counts) as [Stage, number][]) total += n * (perCase[stage] ?? 0);
  return total;
}
