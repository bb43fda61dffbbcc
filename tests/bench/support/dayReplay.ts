/**
 * Replays a planned day (dayPlan.ts) over the hub's public paths with its clock compressed: a
 * moment `at` of the day is due at `t0 + (at − from) / speed`. Each case is a chain — its report
 * (or its video alarm, then the operator's decision), then its steps in order, each sent when it is
 * due and only after the hub acknowledged the one before (a step needs the case's id and stage).
 * At most `maxInFlight` changes wait for the hub at once; a due change beyond that waits its turn
 * and the delay shows as lag. The hub stamps every change with its own clock, so in the hub's
 * time the day lasts as long as the replay.
 *
 * A refused step ends its case's chain (counted by error code): the hub is the judge. A report the
 * hub joins to an open case (duplicate fusion) has no chain of its own, as in the simulator.
 */
import type { Incident } from '@shared/schemas/incident';
import type { VideoAlarm } from '@shared/schemas/videoAlarm';
import type { IncidentAction } from '@shared/schemas/incident';
import { toCommand } from '../../../server/feeds/simulator/cases';
import { MinHeap } from '../../../server/feeds/simulator/heap';
import type { DayCase, DayFalseAlarm, DayPlan } from './dayPlan';
import type { Answer, Desk, Sessions } from './daySessions';
import { BENCH_INGEST_HEADERS } from './benchKey';

export interface ReplayCounts {
  /** reports the hub made cases of */
  reported: number;
  /** reports the hub joined to an open case */
  joined: number;
  alarmsRaised: number;
  alarmsConfirmed: number;
  alarmsDismissed: number;
  /** steps of the loop acknowledged */
  steps: number;
  closed: number;
  refused: Record<string, number>;
  /** changes sent and not yet acknowledged */
  inFlight: number;
  /** how late the last change went out, and the worst so far (ms) */
  lagMs: number;
  maxLagMs: number;
  /** the moment of the day the replay has reached (epoch ms of the replayed day) */
  dayAt: number;
  /** changes still planned when the deadline came */
  notSent: number;
}

interface Task {
  dayAt: number;
  run: () => Promise<void>;
}

/** who takes a step: the hub refuses a verification by whoever handled the case */
function deskOf(action: IncidentAction): Desk {
  if (action === 'verify_pass' || action === 'verify_fail') return 'verifier';
  if (action === 'accept' || action === 'feedback' || action === 'hand_back') return 'department';
  return 'centre';
}

export class DayReplayer {
  readonly counts: ReplayCounts = {
    reported: 0,
    joined: 0,
    alarmsRaised: 0,
    alarmsConfirmed: 0,
    alarmsDismissed: 0,
    steps: 0,
    closed: 0,
    refused: {},
    inFlight: 0,
    lagMs: 0,
    maxLagMs: 0,
    dayAt: 0,
    notSent: 0,
  };
  private readonly agenda = new MinHeap<Task>();
  /** arrival key → case id, for duplicates (reject … duplicateOf) */
  private readonly ids = new Map<string, string>();
  private readonly ours = new Set<string>();
  private t0 = 0;

  constructor(
    private readonly plan: DayPlan,
    private readonly sessions: Sessions,
    private readonly url: string,
    private readonly opts: { speed: number; maxInFlight: number },
  ) {}

  /** runs the day; resolves when every chain ended, or at `deadline` (epoch ms) with the rest counted as not sent */
  async run(deadline: number): Promise<ReplayCounts> {
    this.t0 = Date.now();
    for (const c of this.plan.cases) this.at(c.opening.at, () => this.open(c));
    for (const f of this.plan.falseAlarms) this.at(f.at, () => this.falseAlarm(f));
    while (this.agenda.size > 0 || this.counts.inFlight > 0) {
      if (Date.now() >= deadline) break;
      this.pump();
      // the next due change, or a short nap while acknowledgements free slots
      const next = this.agenda.peekKey();
      const wait = next === undefined || this.counts.inFlight >= this.opts.maxInFlight ? 20 : Math.min(20, Math.max(1, next - Date.now()));
      await new Promise((r) => setTimeout(r, wait));
    }
    this.counts.notSent = this.agenda.size;
    return this.counts;
  }

  private dueOf(dayAt: number): number {
    return this.t0 + (dayAt - this.plan.from) / this.opts.speed;
  }

  private at(dayAt: number, run: () => Promise<void>): void {
    this.agenda.push(this.dueOf(dayAt), { dayAt, run });
  }

  private pump(): void {
    const now = Date.now();
    while (this.counts.inFlight < this.opts.maxInFlight && (this.agenda.peekKey() ?? Infinity) <= now) {
      const due = this.agenda.peekKey()!;
      const task = this.agenda.pop()!;
      this.counts.lagMs = now - due;
      this.counts.maxLagMs = Math.max(this.counts.maxLagMs, this.counts.lagMs);
      this.counts.dayAt = Math.max(this.counts.dayAt, task.dayAt);
      this.counts.inFlight++;
      void task
        .run()
        .catch((error: unknown) => this.refuse({ error: error instanceof Error ? error.message.slice(0, 60) : 'FAILED' }))
        .finally(() => {
          this.counts.inFlight--;
        });
    }
  }

  private refuse(ack: { error: string }): void {
    this.counts.refused[ack.error] = (this.counts.refused[ack.error] ?? 0) + 1;
  }

  private async open(c: DayCase): Promise<void> {
    if (c.opening.kind === 'alarm') {
      const opening = c.opening;
      const alarm = await this.raise(opening.report);
      if (alarm) this.at(opening.decideAt, () => this.confirm(c, alarm.id, opening.decision));
      return;
    }
    // the hub stamps the report with its own time: the day's clock is the replay's, not the hub's
    const { reportedAt: _dayTime, ...incident } = c.arrival.input;
    const ack = await this.sessions.desks.centre.emit<Incident>('incident:report', { incident, idempotencyKey: `day-${c.key}` });
    if (!ack.ok) return this.refuse(ack);
    if (this.ours.has(ack.data.id)) {
      this.counts.joined++;
      return;
    }
    this.counts.reported++;
    this.started(c, ack.data.id);
  }

  private async confirm(c: DayCase, alarmId: string, decision: unknown): Promise<void> {
    const ack = await this.sessions.desks.centre.emit<{ alarm: VideoAlarm; incident: Incident | null }>('videoAlarm:decide', { alarmId, decision });
    if (!ack.ok) return this.refuse(ack);
    this.counts.alarmsConfirmed++;
    const id = ack.data.incident?.id;
    if (!id || this.ours.has(id)) {
      this.counts.joined++;
      return;
    }
    this.started(c, id);
  }

  private async falseAlarm(f: DayFalseAlarm): Promise<void> {
    const alarm = await this.raise(f.report);
    if (!alarm) return;
    this.at(f.decideAt, async () => {
      const ack = await this.sessions.desks.centre.emit('videoAlarm:decide', { alarmId: alarm.id, decision: f.decision });
      if (!ack.ok) return this.refuse(ack);
      this.counts.alarmsDismissed++;
    });
  }

  /** POST /api/video-alarms, as a video platform does; stamped now (the hub refuses times ahead of its clock) */
  private async raise(report: DayFalseAlarm['report']): Promise<VideoAlarm | null> {
    const res = await fetch(`${this.url}/api/video-alarms`, { method: 'POST', headers: { ...BENCH_INGEST_HEADERS, 'content-type': 'application/json' }, body: JSON.stringify({ ...report, at: Date.now() }) });
    const body = (await res.json()) as { alarm?: VideoAlarm; error?: string };
    if (!res.ok || !body.alarm) {
      this.refuse({ error: body.error ?? `HTTP ${res.status}` });
      return null;
    }
    this.counts.alarmsRaised++;
    return body.alarm;
  }

  private started(c: DayCase, id: string): void {
    this.ids.set(c.key, id);
    this.ours.add(id);
    this.next(c, id, 0);
  }

  private next(c: DayCase, id: string, k: number): void {
    const step = c.steps[k];
    if (!step) return;
    this.at(step.at, async () => {
      const dup = step.duplicateOfKey ? this.ids.get(step.duplicateOfKey) : undefined;
      const { input } = toCommand(step, dup);
      const ack: Answer<Incident> = await this.sessions.desks[deskOf(step.action)].emit<Incident>('incident:command', { incidentId: id, command: input });
      if (!ack.ok) return this.refuse(ack);
      this.counts.steps++;
      if (ack.data.stage === 'closed' && step.action === 'close') this.counts.closed++;
      this.next(c, id, k + 1);
    });
  }
}
