/**
 * The simulated duty operator's part in alerts: each alert the rules raise is acknowledged 45 s to
 * 3 min after it sounded — after it has repeated once, sometimes — so that a demo city's walls show
 * focus and alerts come and go, as a staffed room's would, instead of piling up forever. A person
 * at the console who acknowledges first wins; the simulator then finds nothing to do.
 */
import type { Alert } from '@shared/schemas/alert';
import type { Actor } from '@shared/schemas/common';
import type { Logger } from '../../lib/log';
import { createRng, type Rng } from '../../lib/rng';

export interface AlertDesk {
  waiting(): Alert[];
  acknowledgeAs(actor: Actor, alertId: string, note?: string | null): Promise<Alert>;
}

export function acknowledgeDelayMs(alertId: string): number {
  return createRng(`${alertId}/ack`).int(45, 180) * 1000;
}

export async function acknowledgeDueAlerts(desk: AlertDesk, operators: { onDuty(at: number, rng: Rng): Actor }, now: number, log: Logger): Promise<number> {
  let n = 0;
  for (const alert of desk.waiting()) {
    if (alert.raisedAt + acknowledgeDelayMs(alert.id) > now) continue;
    try {
      await desk.acknowledgeAs(operators.onDuty(now, createRng(`${alert.id}/who`)), alert.id, '已知悉，正在处置');
      n++;
    } catch (error) {
      log.debug('simulated acknowledgement refused', { alert: alert.id, error: String(error) });
    }
  }
  return n;
}
