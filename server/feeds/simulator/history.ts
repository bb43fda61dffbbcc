/**
 * History on first start: the arrivals of the last `days` days, each carried through the loop as
 * far as it would have got by now, with their original times. Everything goes through the hub's
 * batch API (one transaction per batch). Steps are taken in time order in chunks; in each chunk
 * the reports go first (the hub hands out their ids), then the commands, so every case's own log
 * stays in order and a command never names an id the hub has not given yet. Within a chunk the
 * log's sequence therefore puts reports a little ahead of commands of the same minutes; every
 * entry keeps its own original time.
 */
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import type { BatchStep, Hub, ReportOutcome } from '../../hub/hub';
import type { Logger } from '../../lib/log';
import { SliceClock } from '../../lib/slices';
import { arrivalsForMinute, type Arrival, type FalseAlarm } from './arrivals';
import { applyVideoAlarms, dismissFalseAlarms } from './historyAlarms';
import { alarmReportOf } from './videoAlarms';
import { planArrival, toCommand, type CaseEnv } from './cases';
import { MinHeap } from './heap';
import type { PlanStep } from './planner';

const MINUTE = 60_000;
/** steps per chunk; a chunk costs two transactions (its reports, then its commands) */
export const HISTORY_CHUNK = 1_000;
/** arrivals are generated and planned this much at a time */
const HISTORY_WINDOW_MS = 6 * 3_600_000;

type Item = { arrival: Arrival; step: PlanStep | null };

export interface PendingStep {
  key: string;
  step: PlanStep;
}

export interface HistoryResult {
  /** cases opened */
  incidents: number;
  /** reports taken: a report joined to an open case (duplicate fusion) is a report, not a case */
  reports: number;
  steps: number;
  batches: number;
  failedSteps: number;
  ms: number;
  /** steps planned for after `to`, which live takes over */
  pending: PendingStep[];
  /** arrival key → incident id of every case written */
  ids: Map<string, string>;
}

export async function seedHistory(hub: Hub, env: CaseEnv, from: number, to: number, log: Logger, onProgress?: (share: number) => void): Promise<HistoryResult> {
  const started = performance.now();
  // Arrivals are planned a window at a time and their steps wait in an agenda, so memory holds
  // only the open cases' future steps, not the whole period (a province-scale week is millions).
  const agenda = new MinHeap<Item>();
  const pending: PendingStep[] = [];
  const ids = new Map<string, string>();
  const failed = new Set<string>();
  const falseDetections: FalseAlarm[] = [];
  let steps = 0;
  let batches = 0;
  let failedSteps = 0;
  let minute = Math.floor(from / MINUTE);
  let loggedTenths = 0;
  for (let windowEnd = Math.min(to, from + HISTORY_WINDOW_MS); ; windowEnd = Math.min(to, windowEnd + HISTORY_WINDOW_MS)) {
    // planned a slice of time at a time: a province's six hours are 17,500 arrivals, 1.1 s in one turn
    const slice = new SliceClock();
    for (; minute * MINUTE < windowEnd; minute++) {
      if (slice.spent()) await slice.next();
      const { arrivals, falseAlarms } = arrivalsForMinute(minute, env.arrivals);
      falseDetections.push(...falseAlarms.filter((f) => f.at >= from && f.at + 10 * MINUTE < to));
      for (const arrival of arrivals) {
        if (arrival.at < from || arrival.at >= to) continue;
        agenda.push(arrival.at, { arrival, step: null });
        for (const step of planArrival(arrival, env)) {
          if (step.at < to) agenda.push(step.at, { arrival, step });
          else pending.push({ key: arrival.key, step });
        }
      }
    }
    // Steps before the window's end are final: later arrivals only add steps after their own time.
    for (;;) {
      const chunk: Item[] = [];
      while (chunk.length < HISTORY_CHUNK && (agenda.peekKey() ?? Infinity) < windowEnd) chunk.push(agenda.pop()!);
      if (chunk.length === 0) break;
      steps += chunk.length;
      const r = await applyChunk(hub, env, chunk, ids, failed, log);
      batches += r.batches;
      failedSteps += r.failedSteps;
      // PGlite answers on the microtask queue: without a turn of the event loop here the whole
      // history runs as one chain, and the hub, listening already, answers nothing until it ends
      await setImmediatePromise();
    }
    batches += await dismissFalseAlarms(hub, env, falseDetections.splice(0), log);
    const share = (windowEnd - from) / (to - from);
    onProgress?.(share);
    // a line every tenth of the way: a province's week takes minutes, and silence reads as a hang
    if (Math.floor(share * 10) > loggedTenths) {
      loggedTenths = Math.floor(share * 10);
      log.info('simulator history progress', { percent: Math.round(share * 100), reports: ids.size, steps });
    }
    if (windowEnd >= to) break;
  }
  const live = pending.filter((p) => ids.has(p.key) && !failed.has(p.key));
  const result = { incidents: new Set(ids.values()).size, reports: ids.size, steps, batches, failedSteps, ms: Math.round(performance.now() - started), pending: live, ids };
  log.info('simulator history written', { days: Math.round((to - from) / 86_400_000), incidents: result.incidents, reports: result.reports, steps, batches, failedSteps, ms: result.ms });
  return result;
}

/** a chunk in time order: its reports in one batch (the hub gives their ids), then its commands */
async function applyChunk(hub: Hub, env: CaseEnv, chunk: readonly Item[], ids: Map<string, string>, failed: Set<string>, log: Logger): Promise<{ batches: number; failedSteps: number }> {
  let batches = 0;
  let failedSteps = 0;
  const videoBatches = await applyVideoAlarms(hub, env, chunk.filter((it) => it.step === null && alarmReportOf(it.arrival)), ids, failed, log);
  batches += videoBatches;
  const reports = chunk.filter((it) => it.step === null && !alarmReportOf(it.arrival));
  const outcomes = await applyOrEach(hub, reports.map((it): BatchStep => ({ kind: 'report', input: it.arrival.input })), log);
  if (reports.length > 0) batches++;
  outcomes.forEach((o, k) => {
    const key = reports[k]!.arrival.key;
    if (o) ids.set(key, o.incident.id);
    // refused, or joined to an open case (duplicate fusion): this report's planned steps are not taken
    if (!o || o.joined) failed.add(key);
  });
  const commands: { key: string; step: BatchStep }[] = [];
  // A report of this chunk may have joined a case (duplicate fusion) at a later minute than some of
  // the case's own steps here; those steps are recorded at the join's time so the log stays in order.
  const lastAt = new Map<string, number>();
  for (const it of chunk) {
    if (!it.step) continue;
    const id = ids.get(it.arrival.key);
    if (!id || failed.has(it.arrival.key)) continue;
    const dup = it.step.duplicateOfKey ? ids.get(it.step.duplicateOfKey) : undefined;
    const minAt = Math.max(hub.incidents.get(id)?.incident.updatedAt ?? 0, lastAt.get(id) ?? 0);
    const command = toCommand(it.step, dup, minAt);
    lastAt.set(id, command.origin.at ?? minAt);
    commands.push({ key: it.arrival.key, step: { kind: 'command', incidentId: id, ...command } });
  }
  if (commands.length > 0) {
    const results = await applyOrEach(hub, commands.map((c) => c.step), log, (k) => failed.has(commands[k]!.key));
    batches++;
    results.forEach((r, k) => {
      if (!r) {
        failed.add(commands[k]!.key);
        failedSteps++;
      }
    });
  }
  return { batches, failedSteps };
}

/**
 * One transaction for the batch; if the hub refuses it, the steps one at a time so that one bad
 * step costs only its own case. `skip(k)` drops steps of cases that failed earlier in the batch.
 */
/** history is written without a delta per step; the simulator asks walls to resync once it is done */
const QUIET = { quiet: true } as const;

async function applyOrEach(hub: Hub, steps: BatchStep[], log: Logger, skip: (k: number) => boolean = () => false): Promise<(ReportOutcome | null)[]> {
  if (steps.length === 0) return [];
  try {
    return await hub.applyBatch(steps, QUIET);
  } catch (error) {
    log.debug('simulator history batch refused; retrying step by step', { steps: steps.length, error: errorText(error) });
  }
  const out: (ReportOutcome | null)[] = [];
  const failedIds = new Set<string>();
  for (let k = 0; k < steps.length; k++) {
    const step = steps[k]!;
    if (skip(k) || (step.kind === 'command' && failedIds.has(step.incidentId))) {
      out.push(null);
      continue;
    }
    try {
      const [o] = await hub.applyBatch([step], QUIET);
      out.push(o ?? null);
    } catch (error) {
      if (step.kind === 'command') failedIds.add(step.incidentId);
      log.debug('simulator history step refused', { error: errorText(error) });
      out.push(null);
    }
  }
  return out;
}

export function errorText(error: unknown): string {
  if (error instanceof Error && 'code' in error) return `${String((error as Error & { code: unknown }).code)}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

