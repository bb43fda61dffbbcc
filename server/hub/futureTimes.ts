import { HubError } from '@shared/errors';
import { FUTURE_TOLERANCE_MS } from '../domain/lifecycle';

/**
 * A report stamped in the future would freeze a patrol or camera until that time (later reports
 * look older): refuse the batch, naming the problem, so the sender's clock gets fixed.
 */
export function refuseFutureBatch(times: readonly number[], now: number, what: string): void {
  const limit = now + FUTURE_TOLERANCE_MS;
  const ahead = times.find((t) => t > limit);
  if (ahead !== undefined) {
    throw new HubError(
      'VALIDATION_FAILED',
      `A ${what} is stamped ${new Date(ahead).toISOString()}, more than ${FUTURE_TOLERANCE_MS / 60_000} minutes ahead of the hub's clock; nothing in this batch was taken. Check the sender's clock.`,
    );
  }
}
