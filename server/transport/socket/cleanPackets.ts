/**
 * Clean input on the socket (issue 17, parts 1 and 6), for every event a client may send:
 * - `cleanPacketParser`: Socket.IO's own parser, refusing a packet nested deeper than
 *   PACKET_MAX_DEPTH on its text before JSON.parse (a 2 MB packet nested a million levels deep held the event loop
 *   for about 0.2 s). Such a packet is a protocol violation: the connection is closed, as
 *   Socket.IO closes it for any packet it cannot decode.
 * - `attachCleanPackets`: a middleware on every connection that refuses bad text, deep nesting
 *   and oversized shapes in an event's arguments (cleanInput.ts) before any handler runs; the
 *   acknowledgement says VALIDATION_FAILED with the path of each field, and nothing is done.
 */
import { Decoder, Encoder } from 'socket.io-parser';
import type { Server } from 'socket.io';
import { HubError } from '@shared/errors';
import type { Logger } from '../../lib/log';
import { findInputProblems, jsonDepthExceeds } from '../cleanInput';

/**
 * Nesting past this closes the connection before the packet is parsed. Between MAX_DEPTH and this
 * a packet is cheap to parse and its event is refused with an acknowledgement (VALIDATION_FAILED);
 * what stalls the loop is nesting in the hundreds of thousands of levels.
 */
export const PACKET_MAX_DEPTH = 1000;

class DepthCheckingDecoder extends Decoder {
  override add(packet: unknown): void {
    if (typeof packet === 'string' && jsonDepthExceeds(packet, PACKET_MAX_DEPTH)) {
      throw new Error(`packet nests deeper than ${PACKET_MAX_DEPTH} levels`);
    }
    super.add(packet);
  }
}

/** the `parser` option of the Socket.IO server */
export const cleanPacketParser = { Encoder, Decoder: DepthCheckingDecoder };

/** refuses unclean arguments of every event of every connection; attach before the gateway */
export function attachCleanPackets(io: Server, log: Logger): () => void {
  const onConnection = (socket: import('socket.io').Socket) => {
    socket.use((packet, next) => {
      const [event, ...args] = packet;
      const ack = typeof args[args.length - 1] === 'function' ? (args.pop() as (reply: unknown) => void) : null;
      const problems = findInputProblems(args.length === 1 ? args[0] : args);
      const first = problems[0];
      if (!first) {
        next();
        return;
      }
      const refusal = new HubError('VALIDATION_FAILED', `The ${String(event).slice(0, 40)} request is not valid (${first.path}: ${first.message})`, problems);
      log.debug('socket event refused: unclean input', { event: String(event).slice(0, 40), path: first.path });
      if (ack) ack({ ok: false, error: refusal.code, message: refusal.message, details: refusal.details });
      // next() is not called: no handler sees the event
    });
  };
  io.on('connection', onConnection);
  return () => {
    io.off('connection', onConnection);
  };
}
