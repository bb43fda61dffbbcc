/**
 * Glue between arrivals, plans and the hub's command shape, shared by history and live: what a
 * new arrival will go through, how an open case found after a restart continues, and the
 * IncidentCommand a planned step becomes.
 */
import type { Camera } from '@shared/schemas/camera';
import type { Incident, IncidentCommand } from '@shared/schemas/incident';
import type { CommandOrigin } from '../../domain/lifecycle';
import type { Patrol } from '@shared/schemas/patrol';
import { isFastTrack, type SlaPolicy } from '../../domain/sla';
import { createRng } from '../../lib/rng';
import { ITEMS_PER_STEP, runInSlices, runToEnd, type Steps } from '../../lib/slices';
import { operatorPool, VerifierIndex, type OperatorPool } from './actors';
import { RecentArrivals, type Arrival, type ArrivalContext } from './arrivals';
import { planCase, type PlanStep } from './planner';
import { cameraTraits } from './traits';
import type { World } from './world';

export interface CaseEnv {
  seed: string;
  world: World;
  policy: SlaPolicy;
  operators: OperatorPool;
  verifiers: VerifierIndex;
  arrivals: ArrivalContext;
}

export interface CaseEnvOptions {
  world: World;
  patrols: readonly Patrol[];
  cameras: readonly Camera[];
  policy: SlaPolicy;
  dailyVolume: number;
  tzOffsetMinutes: number;
}

export function buildCaseEnv(opts: CaseEnvOptions): CaseEnv {
  return runToEnd(caseEnvSteps(opts));
}

/** the same, a slice of time at a time: the traits of a province's 140,300 cameras took 0.6 s in one turn */
export function buildCaseEnvInSlices(opts: CaseEnvOptions): Promise<CaseEnv> {
  return runInSlices(caseEnvSteps(opts));
}

function* caseEnvSteps(opts: CaseEnvOptions): Steps<CaseEnv> {
  const { world } = opts;
  const workersByGrid = new Map<string, Patrol[]>();
  let n = 0;
  for (const p of opts.patrols) {
    if (++n % ITEMS_PER_STEP === 0) yield;
    if (p.kind !== 'worker' || (p.role !== 'grid_manager' && p.role !== 'assistant')) continue;
    const list = workersByGrid.get(p.gridCode);
    if (list) list.push(p);
    else workersByGrid.set(p.gridCode, [p]);
  }
  const aiCameras: Camera[] = [];
  for (const c of opts.cameras) {
    if (++n % ITEMS_PER_STEP === 0) yield;
    if (world.byCode.has(c.gridCode) && cameraTraits(world.seed, c).ai) aiCameras.push(c);
  }
  return {
    seed: world.seed,
    world,
    policy: opts.policy,
    operators: operatorPool(world.seed, opts.tzOffsetMinutes),
    verifiers: new VerifierIndex(opts.patrols, (code) => world.byCode.get(code)?.streetCode),
    arrivals: {
      world,
      dailyVolume: opts.dailyVolume,
      tzOffsetMinutes: opts.tzOffsetMinutes,
      workersByGrid,
      aiCameras,
      recent: new RecentArrivals(),
    },
  };
}

/** the whole planned life of a new arrival */
export function planArrival(a: Arrival, env: CaseEnv): PlanStep[] {
  const subject = {
    category: a.input.category,
    subcategory: a.input.subcategory ?? null,
    severity: a.input.severity,
    fastTrack: isFastTrack(a.input.severity, env.policy),
    source: a.input.source,
    grid: a.grid,
    fate: a.fate,
    duplicateOfKey: a.duplicateOfKey,
  };
  const state = { stage: 'reported' as const, enteredAt: a.at, reworkCount: 0, assignee: null, supervised: false, pausedAt: null };
  return planCase(subject, state, env, createRng(`${env.seed}/plan/${a.key}`));
}

/** the rest of the life of an open case, from where it stands (after a restart, or after a refusal) */
export function planAdopted(incident: Incident, env: CaseEnv, salt = ''): PlanStep[] {
  const grid = env.world.byCode.get(incident.gridCode);
  if (!grid || incident.stage === 'closed' || incident.stage === 'rejected') return [];
  const subject = {
    category: incident.category,
    subcategory: incident.subcategory,
    severity: incident.severity,
    fastTrack: incident.fastTrack,
    source: incident.source,
    grid,
    fate: 'normal' as const,
    duplicateOfKey: null,
  };
  const state = {
    stage: incident.stage,
    enteredAt: Math.max(incident.stageEnteredAt[incident.stage] ?? incident.updatedAt, 0),
    reworkCount: incident.reworkCount,
    assignee: incident.assignee,
    supervised: incident.supervised,
    pausedAt: incident.sla.pausedAt,
  };
  return planCase(subject, state, env, createRng(`${env.seed}/adopt/${incident.id}/${incident.version}${salt}`));
}

/**
 * The command a planned step becomes. `minAt` keeps the log in order when the case changed
 * after the step was planned; a duplicate whose original is unknown is rejected as invalid.
 */
export function toCommand(step: PlanStep, duplicateOf: string | undefined, minAt = 0): { input: IncidentCommand; origin: CommandOrigin } {
  const origin = { actor: step.actor, at: Math.max(step.at, minAt) };
  const base = step.note ? { note: step.note } : {};
  switch (step.action) {
    case 'dispatch':
      return { origin, input: { action: 'dispatch', assignee: step.assignee!, ...base } };
    case 'reject':
      if (step.reason === 'duplicate' && duplicateOf) return { origin, input: { action: 'reject', reason: 'duplicate', duplicateOf, note: step.note ?? '重复上报' } };
      return { origin, input: { action: 'reject', reason: 'invalid', note: '经核实不属于受理范围' } };
    case 'evaluate':
      return { origin, input: { action: 'evaluate', evaluation: step.evaluation!, ...base } };
    default:
      return { origin, input: { action: step.action, ...base } as IncidentCommand };
  }
}
