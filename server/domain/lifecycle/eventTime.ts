/**
 * When a step happened. Imports of history pass their original times; everything else happens
 * "now" (the hub's clock, passed in). The log of an incident only grows forward in time.
 */
import { HubError } from '@shared/errors';

/**
 * How far a client-supplied time may lie ahead of the hub's clock (terminal clocks drift). Further
 * ahead would push the incident's updatedAt into the future and then refuse every later command.
 */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

const iso = (t: number) => new Date(t).toISOString();

export function refuseFuture(at: number, now: number, what: string): void {
  if (at > now + FUTURE_TOLERANCE_MS) {
    throw new HubError('VALIDATION_FAILED', `The ${what} time ${iso(at)} lies in the future (the hub's clock says ${iso(now)}).`, [
      { path: what === 'report' ? 'reportedAt' : 'at', message: 'lies in the future' },
    ]);
  }
}

/**
 * The time of a command: its own `at`, or now. An explicit time before the incident's last change
 * is refused (history is appended in order); the hub's own clock is clamped to the last change,
 * because another node's clock may run a little ahead and the operator did nothing wrong.
 */
export function commandTime(explicitAt: number | undefined, now: number, lastChange: number, incidentId: string): number {
  if (explicitAt === undefined) return Math.max(now, lastChange);
  refuseFuture(explicitAt, now, 'command');
  if (explicitAt < lastChange) {
    throw new HubError(
      'VALIDATION_FAILED',
      `The command time ${iso(explicitAt)} is earlier than the last change of incident ${incidentId} (${iso(lastChange)}); steps must be recorded in order.`,
      [{ path: 'at', message: 'earlier than the incident’s last change' }],
    );
  }
  return explicitAt;
}
