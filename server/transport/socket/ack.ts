/** Turns a handler's result or failure into the protocol's acknowledgement, never a stack trace. */
import type { Ack } from '@shared/events';
import { HubError } from '@shared/errors';
import type { Logger } from '../../lib/log';
import { isStoreUnavailable } from '../http/errors';

export function toFailure(error: unknown, log: Logger): Extract<Ack<never>, { ok: false }> {
  if (error instanceof HubError) {
    const body = error.toBody();
    return { ok: false, error: body.error, message: body.message, ...(body.details === undefined ? {} : { details: body.details }) };
  }
  if (isStoreUnavailable(error)) {
    const down = new HubError('STORE_UNAVAILABLE');
    return { ok: false, error: down.code, message: down.message };
  }
  log.error('socket handler failed', { error: error instanceof Error ? error.stack : String(error) });
  const internal = new HubError('INTERNAL');
  return { ok: false, error: internal.code, message: internal.message };
}

/** runs a handler and answers through the ack, if the client passed one */
export async function answer<T>(ack: unknown, log: Logger, work: () => T | Promise<T>): Promise<void> {
  let reply: Ack<T>;
  try {
    reply = { ok: true, data: await work() };
  } catch (error) {
    reply = toFailure(error, log);
  }
  if (typeof ack === 'function') ack(reply);
}
