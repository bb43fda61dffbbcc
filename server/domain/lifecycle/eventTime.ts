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

/**
 * How far back a live report (a person, a feed, Open311) may be stamped: a hotline forwarding
 * yesterday's calls is normal, a week is the edge. Older cases are history: the import takes them
 * (docs/import.md), with their steps. `reportedAt: 0` made a case of 1970.
 */
export const LIVE_REPORT_MAX_AGE_MS = 7 * 86_400_000;

const iso = (t: number) => new Date(t).toISOString();

export function refuseStaleReport(at: number | undefined, now: number): void {
  if (at === undefined || at >= now - LIVE_REPORT_MAX_AGE_MS) return;
  throw new HubError(
    'VALIDATION_FAILED',
    `The report time ${iso(at)} lies more than ${LIVE_REPORT_MAX_AGE_MS / 86_400_000} days before the hub's clock (${iso(now)}); older cases are history, taken by the import (docs/import.md).`,
    [{ path: 'reportedAt', message: 'more than 7 days in the past' }],
  );
}

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
