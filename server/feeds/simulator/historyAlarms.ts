/**
 * History of the confirm queue: each video-AI arrival raised as an alarm and confirmed a minute
 * later by the duty operator (or dismissed, when the arrival was a false one), and the false
 * detections of the period raised and dismissed — so the wall shows seven days of AI precision
 * from the first start.
 */
import { createHash } from 'node:crypto';
import type { AlarmSteps, Hub } from '../../hub/hub';
import type { Logger } from '../../lib/log';
import { createRng } from '../../lib/rng';
import type { Arrival, FalseAlarm } from './arrivals';
import type { CaseEnv } from './cases';
import { alarmReportOf, confirmOf, decisionDelay, dismissOf, falseAlarmReportOf } from './videoAlarms';

const MINUTE = 60_000;

/** a stable alarm id for a simulated detection, so a batch can raise and decide it together */
export function simulatedAlarmId(at: number, seed: string): string {
  return `VA-${at.toString(36)}-${createHash('sha1').update(seed).digest('hex').slice(0, 6)}`;
}

async function applyPairs(hub: Hub, pairs: AlarmSteps[][], log: Logger): Promise<(boolean | null)[]> {
  if (pairs.length === 0) return [];
  try {
    await hub.applyAlarmBatch(pairs.flat(), { quiet: true });
    return pairs.map(() => true);
  } catch (error) {
    log.debug('simulator alarm batch refused; retrying one by one', { error: String(error) });
  }
  const out: (boolean | null)[] = [];
  for (const pair of pairs) {
    try {
      await hub.applyAlarmBatch(pair, { quiet: true });
      out.push(true);
    } catch {
      out.push(null);
    }
  }
  return out;
}

/** raises and decides the chunk's video-AI arrivals; confirmed ones get their case id in `ids` */
export async function applyVideoAlarms(hub: Hub, env: CaseEnv, items: readonly { arrival: Arrival }[], ids: Map<string, string>, failed: Set<string>, log: Logger): Promise<number> {
  if (items.length === 0) return 0;
  const pairs = items.map(({ arrival: a }): AlarmSteps[] => {
    const id = simulatedAlarmId(a.at, a.key);
    const confirm = a.fate !== 'invalid';
    const at = a.at + (confirm ? MINUTE : decisionDelay(a.key));
    const actor = env.operators.onDuty(at, createRng(`${a.key}/decider`));
    return [
      { kind: 'alarm_raise', id, input: alarmReportOf(a) },
      { kind: 'alarm_decide', alarmId: id, input: confirm ? confirmOf(a) : dismissOf(a.key), origin: { actor, at } },
    ];
  });
  const results = await applyPairs(hub, pairs, log);
  items.forEach(({ arrival: a }, k) => {
    const alarm = hub.videoAlarms.get(simulatedAlarmId(a.at, a.key));
    if (results[k] && alarm?.incidentId) ids.set(a.key, alarm.incidentId);
    // a case this alarm opened carries its reference; one it joined (duplicate fusion) carries another's
    const opened = alarm?.incidentId ? hub.incidents.get(alarm.incidentId)?.incident.externalRef === alarm.externalRef : false;
    // dismissed, refused, or joined to an open case: this arrival's planned case steps are not taken
    if (!results[k] || !opened) failed.add(a.key);
  });
  return 1;
}

export async function dismissFalseAlarms(hub: Hub, env: CaseEnv, alarms: readonly FalseAlarm[], log: Logger): Promise<number> {
  if (alarms.length === 0) return 0;
  const pairs = alarms.map((f): AlarmSteps[] => {
    const seed = `${f.cameraId}/${f.at}`;
    const id = simulatedAlarmId(f.at, seed);
    const at = f.at + decisionDelay(seed);
    return [
      { kind: 'alarm_raise', id, input: falseAlarmReportOf(f) },
      { kind: 'alarm_decide', alarmId: id, input: dismissOf(seed), origin: { actor: env.operators.onDuty(at, createRng(`${seed}/decider`)), at } },
    ];
  });
  await applyPairs(hub, pairs, log);
  return 1;
}
