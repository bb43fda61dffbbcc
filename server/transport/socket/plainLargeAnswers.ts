/**
 * How many large regions' snapshots the hub holds unsent as plain JSON at once, across all
 * connections (issue 17 part 1).
 *
 * A snapshot asked for with `snapshotEncoding: 'gzip'` is compressed once and shared
 * (snapshotAnswer.ts): a thousand walls opening a province root hold one copy. Asked for as an
 * object, it is encoded for that answer alone and waits in the connection's buffers until the
 * client reads it. Each connection holds at most one (answerSlot.ts) and is dropped beyond
 * `maxPendingBytes`, and connections are capped per address — but a city root is megabytes and a
 * province root tens of megabytes, so two hundred connections that do not read would still hold
 * gigabytes. Here a connection counts while its plain answer of a large region is not yet written
 * out; beyond `max` such connections a new one is refused HUB_BUSY before anything is built.
 */
import { HubError } from '@shared/errors';
import type { Socket } from 'socket.io';
import { pendingBytes } from './limits';

export class PlainLargeAnswers {
  /** each counted connection, and whether its answer has been handed to Engine.IO yet */
  private readonly holding = new Map<Socket, { handed: boolean }>();

  constructor(private readonly max: number) {}

  /** room for `socket`'s plain answer of a large region, or HUB_BUSY; the socket counts until it has written it out */
  admit(socket: Socket): void {
    for (const [s, state] of this.holding) if (s.disconnected || (state.handed && pendingBytes(s) === 0)) this.holding.delete(s);
    if (!this.holding.has(socket) && this.holding.size >= this.max) {
      throw new HubError(
        'HUB_BUSY',
        `${this.holding.size} connections are still receiving a large region's snapshot as plain JSON; ask with snapshotEncoding "gzip" (one shared copy) or try again in a moment.`,
      );
    }
    this.holding.set(socket, { handed: false });
  }

  /** the subscription of `socket` was answered (its bytes now count in its buffers until written out) */
  answered(socket: Socket): void {
    const state = this.holding.get(socket);
    if (state) state.handed = true;
  }

  /** connections counted now (for tests and metrics) */
  get size(): number {
    return this.holding.size;
  }
}
