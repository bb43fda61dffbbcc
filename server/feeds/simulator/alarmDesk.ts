/**
 * The live confirm queue of the simulated city: video-AI detections are raised as alarms when they
 * happen and the duty operator decides each a few minutes later — real ones confirmed (they become
 * cases, which the case driver then carries through the loop), false ones dismissed with a reason.
 * After a restart, pending simulated alarms are picked up again.
 */
import type { Incident } from '@shared/schemas/incident';
import type { AlarmSteps, Hub } from '../../hub/hub';
import type { Logger } from '../../lib/log';
import { createRng } from '../../lib/rng';
import { isSimulatedRef, type Arrival, type FalseAlarm } from './arrivals';
import type { CaseEnv } from './cases';
import { MinHeap } from './heap';
import { errorText } from './history';
import { simulatedAlarmId } from './historyAlarms';
import { alarmReportOf, confirmOf, decisionDelay, dismissOf, FALSE_ALARM_PREFIX, falseAlarmReportOf } from './videoAlarms';

interface Pending {
  alarmId: string;
  seed: string;
  /** the arrival a confirmed alarm carries on with; null for false detections and adopted alarms */
  arrival: Arrival | null;
  confirm: boolean;
}

export interface Confirmed {
  arrival: Arrival | null;
  incident: Incident;
  /** joined an open case (duplicate fusion): that case's own plan goes on */
  joined: boolean;
}

export class AlarmDesk {
  private readonly pending = new MinHeap<Pending>();

  constructor(
    private readonly hub: Hub,
    private readonly env: CaseEnv,
    private readonly log: Logger,
  ) {}

  get waiting(): number {
    return this.pending.size;
  }

  async raiseArrival(a: Arrival): Promise<void> {
    const report = alarmReportOf(a);
    if (report) await this.raise(simulatedAlarmId(a.at, a.key), report, { alarmId: '', seed: a.key, arrival: a, confirm: a.fate !== 'invalid' }, a.at);
  }

  async raiseFalse(f: FalseAlarm): Promise<void> {
    const seed = `${f.cameraId}/${f.at}`;
    await this.raise(simulatedAlarmId(f.at, seed), falseAlarmReportOf(f), { alarmId: '', seed, arrival: null, confirm: false }, f.at);
  }

  private async raise(id: string, input: unknown, item: Pending, at: number): Promise<void> {
    try {
      await this.hub.applyAlarmBatch([{ kind: 'alarm_raise', id, input }]);
      this.pending.push(at + decisionDelay(item.seed), { ...item, alarmId: id });
    } catch (error) {
      this.log.debug('simulator alarm refused', { error: errorText(error) });
    }
  }

  /** pending simulated alarms found in the hub after a restart */
  adopt(now: number): number {
    let n = 0;
    for (const alarm of this.hub.videoAlarms.values()) {
      if (alarm.status !== 'pending' || !isSimulatedRef(alarm.externalRef)) continue;
      this.pending.push(now + decisionDelay(alarm.id), { alarmId: alarm.id, seed: alarm.id, arrival: null, confirm: !alarm.externalRef!.startsWith(FALSE_ALARM_PREFIX) });
      n++;
    }
    return n;
  }

  /** the decisions due by `now`; returns the cases confirmed alarms became or joined */
  async decideDue(now: number): Promise<Confirmed[]> {
    const out: Confirmed[] = [];
    while ((this.pending.peekKey() ?? Infinity) <= now) {
      const item = this.pending.pop()!;
      const actor = this.env.operators.onDuty(now, createRng(`${item.seed}/decider`));
      const input = item.confirm ? (item.arrival ? confirmOf(item.arrival) : { action: 'confirm' as const }) : dismissOf(item.seed);
      const step: AlarmSteps = { kind: 'alarm_decide', alarmId: item.alarmId, input, origin: { actor } };
      try {
        const [outcome] = await this.hub.applyAlarmBatch([step]);
        if (outcome?.incident) out.push({ arrival: item.arrival, incident: outcome.incident, joined: outcome.joined === true });
      } catch (error) {
        // a person at the console decided it first, or it is gone: nothing to do
        this.log.debug('simulator alarm decision refused', { error: errorText(error) });
      }
    }
    return out;
  }
}
