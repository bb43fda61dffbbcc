/**
 * Live incidents: reports the arrivals of each minute when their time comes (video-AI detections
 * through the confirm queue, alarmDesk.ts), keeps an agenda of
 * every open case's next steps and sends them as hub commands when due. A refused step (a person
 * at the console moved the case first, or a race) is logged at debug and the case re-planned from
 * where it now stands; nothing here ever throws out of a tick.
 */
import type { CameraStatusChange } from '@shared/schemas/camera';
import { TERMINAL_STAGES, type Incident } from '@shared/schemas/incident';
import type { BatchStep, Hub, ReportOutcome } from '../../hub/hub';
import type { Logger } from '../../lib/log';
import { createRng } from '../../lib/rng';
import { forEachInSlices, yieldToLoop } from '../../lib/slices';
import { AlarmDesk } from './alarmDesk';
import { arrivalsForMinute, isSimulatedRef, type Arrival, type FalseAlarm } from './arrivals';
import { alarmReportOf } from './videoAlarms';
import { planAdopted, planArrival, toCommand, type CaseEnv } from './cases';
import type { CameraNetwork } from './cameraNetwork';
import { MinHeap } from './heap';
import { errorText, type PendingStep } from './history';
import type { PatrolFleet } from './patrolFleet';
import type { PlanStep } from './planner';

const MINUTE = 60_000;
/** a clock that jumped further than this (suspended laptop, fake clock) skips the backlog */
const MAX_BACKLOG_MINUTES = 60;
const MAX_REPLANS = 3;
const KEY_MEMORY = 5_000;

interface AgendaItem {
  incidentId: string;
  step: PlanStep;
  gen: number;
}

/** steps per call to the hub: one group commit is one turn of its event loop */
const STEPS_PER_CALL = 500;

export class CaseDriver {
  private readonly agenda = new MinHeap<AgendaItem>();
  private readonly generation = new Map<string, number>();
  private readonly replans = new Map<string, number>();
  private readonly ids = new Map<string, string>();
  private queue: Arrival[] = [];
  private alarms: FalseAlarm[] = [];
  private readonly desk: AlarmDesk;
  private nextMinute: number;
  generated = 0;
  stepsSent = 0;
  stepsRefused = 0;

  constructor(
    private readonly hub: Hub,
    private readonly env: CaseEnv,
    private readonly cameras: CameraNetwork,
    private readonly fleet: PatrolFleet,
    private readonly log: Logger,
    private readonly liveFrom: number,
  ) {
    this.nextMinute = Math.floor(liveFrom / MINUTE);
    this.desk = new AlarmDesk(hub, env, log);
  }

  /** pending simulated alarms after a restart go back on the duty operator's desk */
  adoptPendingAlarms(now: number): number {
    return this.desk.adopt(now);
  }

  /** open cases (with steps still planned) */
  get openCount(): number {
    return this.generation.size;
  }

  /** takes over the steps history planned for after its end */
  // Both in slices of time: a province's history leaves ~50,000 open cases, 0.35 s to schedule
  // in one turn and more to re-plan after a restart, while the hub is answering.
  async continueHistory(pending: readonly PendingStep[], ids: ReadonlyMap<string, string>): Promise<void> {
    await forEachInSlices(pending, ({ key, step }) => {
      const id = ids.get(key);
      if (id) this.schedule(id, [step]);
    });
    await forEachInSlices(ids, ([key, id]) => this.remember(key, id));
  }

  /** re-plans every open simulated case found in the hub (after a restart) */
  async adoptOpenCases(): Promise<number> {
    let n = 0;
    await forEachInSlices([...this.hub.incidents.values()], ({ incident }) => {
      if (!isSimulatedRef(incident.externalRef) || TERMINAL_STAGES.includes(incident.stage)) return;
      if (this.replan(incident, '')) n++;
    });
    return n;
  }

  /** everything due at `now`; returns the camera alarms it raised */
  async tick(now: number): Promise<CameraStatusChange[]> {
    const cameraChanges: CameraStatusChange[] = [];
    this.generate(now);

    const due: Arrival[] = [];
    while (this.queue.length > 0 && this.queue[0]!.at <= now) due.push(this.queue.shift()!);
    if (due.length > 0) {
      for (const a of due) this.atReporter(a);
      // video-AI detections wait in the confirm queue; a person makes them cases (alarmDesk.ts)
      for (const a of due) {
        if (!alarmReportOf(a)) continue;
        await this.desk.raiseArrival(a);
        const change = a.camera ? this.cameras.raise(a.camera.id, a.camera.alarm, a.at) : null;
        if (change) cameraChanges.push(change);
      }
      const reports = due.filter((a) => !alarmReportOf(a));
      const outcomes = await this.applyOrEach(reports.map((a): BatchStep => ({ kind: 'report', input: a.input })));
      outcomes.forEach((o, k) => {
        const a = reports[k]!;
        if (!o) return;
        this.generated++;
        this.remember(a.key, o.incident.id);
        // joined to an open case (duplicate fusion): the case's own plan goes on; this report has none
        if (!o.joined) this.schedule(o.incident.id, planArrival(a, this.env));
        if (a.camera) {
          const change = this.cameras.raise(a.camera.id, a.camera.alarm, a.at);
          if (change) cameraChanges.push(change);
        }
      });
    }
    while (this.alarms.length > 0 && this.alarms[0]!.at <= now) {
      const alarm = this.alarms.shift()!;
      await this.desk.raiseFalse(alarm);
      const change = this.cameras.raise(alarm.cameraId, alarm.type, alarm.at);
      if (change) cameraChanges.push(change);
    }
    for (const c of await this.desk.decideDue(now)) {
      this.generated++;
      if (c.arrival) this.remember(c.arrival.key, c.incident.id);
      if (c.joined) continue;
      if (c.arrival) this.schedule(c.incident.id, planArrival(c.arrival, this.env));
      else this.replan(c.incident, '/confirmed', now);
    }

    await this.sendDueSteps(now);
    return cameraChanges;
  }

  private generate(now: number): void {
    const current = Math.floor(now / MINUTE);
    if (current - this.nextMinute > MAX_BACKLOG_MINUTES) {
      this.log.debug('simulator clock jumped; skipping arrivals', { minutes: current - this.nextMinute });
      this.nextMinute = current - MAX_BACKLOG_MINUTES;
    }
    for (; this.nextMinute <= current; this.nextMinute++) {
      const { arrivals, falseAlarms } = arrivalsForMinute(this.nextMinute, this.env.arrivals);
      for (const a of arrivals) if (a.at >= this.liveFrom) this.queue.push(a);
      for (const f of falseAlarms) if (f.at >= this.liveFrom) this.alarms.push(f);
    }
    this.alarms.sort((a, b) => a.at - b.at);
  }

  /**
   * Due steps go in calls of STEPS_PER_CALL: a live minute has a few, but after a restart the
   * steps that fell due while the hub was down come at once (a province's held the hub 0.5 s in
   * one group commit). A refusal re-plans its case, so each call re-checks what is still current.
   */
  private async sendDueSteps(now: number): Promise<void> {
    const due = this.agenda.popUntil(now);
    for (let i = 0; i < due.length; i += STEPS_PER_CALL) {
      if (i > 0) await yieldToLoop();
      await this.sendSteps(
        due.slice(i, i + STEPS_PER_CALL).filter((it) => this.generation.get(it.incidentId) === it.gen),
        now,
      );
    }
  }

  private async sendSteps(items: readonly AgendaItem[], now: number): Promise<void> {
    if (items.length === 0) return;
    const batch: BatchStep[] = [];
    const sent: AgendaItem[] = [];
    const lastAt = new Map<string, number>();
    for (const it of items) {
      const incident = this.hub.incidents.get(it.incidentId)?.incident;
      if (!incident || TERMINAL_STAGES.includes(incident.stage)) {
        this.forget(it.incidentId);
        continue;
      }
      const minAt = Math.max(incident.updatedAt, lastAt.get(it.incidentId) ?? 0);
      const dup = it.step.duplicateOfKey ? this.ids.get(it.step.duplicateOfKey) : undefined;
      lastAt.set(it.incidentId, Math.max(minAt, it.step.at));
      batch.push({ kind: 'command', incidentId: it.incidentId, ...toCommand(it.step, dup, minAt) });
      sent.push(it);
    }
    const outcomes = await this.applyOrEach(batch);
    const refused = new Set<string>();
    outcomes.forEach((o, k) => {
      const it = sent[k]!;
      if (!o) {
        refused.add(it.incidentId);
        return;
      }
      this.stepsSent++;
      if (TERMINAL_STAGES.includes(o.incident.stage)) this.forget(it.incidentId);
      else if (it.step.action === 'dispatch' && now - it.step.at < 10 * MINUTE) this.sendPatrol(o.incident, now);
    });
    for (const id of refused) {
      this.stepsRefused++;
      const incident = this.hub.incidents.get(id)?.incident;
      const n = (this.replans.get(id) ?? 0) + 1;
      this.replans.set(id, n);
      if (!incident || n > MAX_REPLANS || !this.replan(incident, `/retry${n}`, now)) this.forget(id);
    }
  }

  /** a patrol on duty reports from where it stands (its fix lies in its grid) */
  private atReporter(a: Arrival): void {
    if (a.input.source !== 'patrol' || a.fate === 'duplicate' || !a.input.reporter.id) return;
    const at = this.fleet.whereIs(a.input.reporter.id);
    if (at) a.input.location = { ...a.input.location, lng: at[0], lat: at[1] };
  }

  /** a patrol of the grid goes to the scene for a while (status `responding`) */
  private sendPatrol(incident: Incident, now: number): void {
    const rng = createRng(`${this.env.seed}/respond/${incident.id}`);
    this.fleet.respond(incident.gridCode, incident.location.lng, incident.location.lat, now, now + rng.int(15, 60) * MINUTE);
  }

  private replan(incident: Incident, salt: string, notBefore = 0): boolean {
    const steps = planAdopted(incident, this.env, salt);
    if (steps.length === 0) return false;
    // a retried case waits at least a minute so a refusal cannot spin
    if (notBefore > 0) for (const s of steps) s.at = Math.max(s.at, notBefore + MINUTE);
    this.generation.set(incident.id, (this.generation.get(incident.id) ?? 0) + 1);
    this.schedule(incident.id, steps);
    return true;
  }

  private schedule(incidentId: string, steps: readonly PlanStep[]): void {
    if (steps.length === 0) return;
    if (!this.generation.has(incidentId)) this.generation.set(incidentId, 1);
    const gen = this.generation.get(incidentId)!;
    for (const step of steps) this.agenda.push(step.at, { incidentId, step, gen });
  }

  private forget(incidentId: string): void {
    this.generation.delete(incidentId);
    this.replans.delete(incidentId);
  }

  private remember(key: string, id: string): void {
    this.ids.set(key, id);
    if (this.ids.size > KEY_MEMORY) this.ids.delete(this.ids.keys().next().value!);
  }

  /** one transaction; when refused, each step alone (a refused step gives null) */
  private async applyOrEach(steps: BatchStep[]): Promise<(ReportOutcome | null)[]> {
    if (steps.length === 0) return [];
    try {
      return await this.hub.applyBatch(steps);
    } catch (error) {
      if (steps.length === 1) {
        this.log.debug('simulator step refused', { error: errorText(error) });
        return [null];
      }
    }
    const out: (ReportOutcome | null)[] = [];
    const failed = new Set<string>();
    for (const step of steps) {
      if (step.kind === 'command' && failed.has(step.incidentId)) {
        out.push(null);
        continue;
      }
      try {
        out.push((await this.hub.applyBatch([step]))[0] ?? null);
      } catch (error) {
        if (step.kind === 'command') failed.add(step.incidentId);
        this.log.debug('simulator step refused', { error: errorText(error) });
        out.push(null);
      }
    }
    return out;
  }
}
