/**
 * The live protocol over Socket.IO (docs/protocol.md): hello on connect, subscribe → snapshot or
 * resume, then reliable deltas to region rooms, and acknowledged commands. Thin: parsing and
 * decisions belong to the hub and the domain.
 */
import type { Server, Socket } from 'socket.io';
import { PROTOCOL_VERSION, type ClientToServerEvents, type ServerToClientEvents } from '@shared/events';
import { HubError } from '@shared/errors';
import { ALARM_MIN_SEVERITY, SubscribeRequest, type Layer, type SubscribeResult } from '@shared/schemas/live';
import { parseOrThrow } from '@shared/validate';
import type { Hub } from '../../hub/hub';
import type { HubViews } from '../../hub/views';
import type { Logger } from '../../lib/log';
import { answer } from './ack';
import { alarmRoomOf, roomOf, roomsForPath } from './rooms';
import { fullPositionsFrame } from './broadcastLoops';

export type HubServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
type HubSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface SocketData {
  regionCode?: string;
  layers?: Layer[];
}

export function attachLiveGateway(io: HubServer, hub: Hub, views: HubViews, identity: { nodeId: string; centreName: string }, log: Logger): () => void {
  const detach = hub.onDelta(({ delta, path, layer }) => {
    // One emit to the union of the rooms: each socket receives the delta once.
    io.to(roomsForPath(path, layer)).emit(delta.type, delta as never);
    if (delta.type === 'incident:reported' && delta.incident.severity >= ALARM_MIN_SEVERITY) {
      io.to(path.map(alarmRoomOf)).emit('alarm:raised', { seq: delta.seq, incident: delta.incident });
    }
  });

  const detachRoster = hub.onRosterLoaded(() => io.emit('resync', { reason: 'the roster of patrols and cameras was reloaded' }));

  io.on('connection', (socket: HubSocket) => {
    socket.emit('hello', { protocolVersion: PROTOCOL_VERSION, serverTime: hub.now(), node: identity.nodeId, rootRegion: hub.geo.rootCode, centreName: identity.centreName });

    socket.on('subscribe', (request, ack) =>
      answer(ack, log, () => {
        const result = subscribe(socket, request, hub, views);
        // A resume carries no positions: patrols that moved while the client was away and then
        // stood still would stay where it last saw them. Send every current fix once.
        if (result.mode === 'resume' && socket.data.layers?.includes('patrols')) {
          const frame = fullPositionsFrame(hub, socket.data.regionCode!);
          if (frame) setImmediate(() => socket.emit('positions', frame));
        }
        return result;
      }),
    );

    socket.on('incident:report', (request, ack) =>
      answer(ack, log, async () => {
        const body = (request ?? {}) as { incident?: unknown; idempotencyKey?: unknown };
        const key = typeof body.idempotencyKey === 'string' ? body.idempotencyKey : undefined;
        if (key !== undefined && (key.length === 0 || key.length > 128)) {
          throw new HubError('VALIDATION_FAILED', 'idempotencyKey must be 1 to 128 characters.');
        }
        return (await hub.report(body.incident, key)).incident;
      }),
    );

    socket.on('incident:command', (request, ack) =>
      answer(ack, log, () => {
        const body = (request ?? {}) as { incidentId?: unknown; command?: unknown };
        if (typeof body.incidentId !== 'string') throw new HubError('VALIDATION_FAILED', 'incidentId must be a string.');
        return hub.command(body.incidentId, body.command);
      }),
    );
  });

  return () => {
    detach();
    detachRoster();
  };
}

/**
 * Synchronous on purpose between joining the rooms and reading the state: no delta can slip in
 * between, so the client sees everything after `seq` exactly once.
 */
function subscribe(socket: HubSocket, input: unknown, hub: Hub, views: HubViews): SubscribeResult {
  const request = parseOrThrow(SubscribeRequest, input, 'subscription');
  if (request.protocolVersion !== PROTOCOL_VERSION) {
    throw new HubError('PROTOCOL_MISMATCH', `This hub speaks protocol ${PROTOCOL_VERSION}; the client sent ${request.protocolVersion}.`);
  }
  views.requireRegion(request.region);
  if (request.alarmRegion) views.requireRegion(request.alarmRegion);
  const layers = [...new Set(request.layers)];
  for (const room of socket.rooms) if (room !== socket.id) socket.leave(room);
  for (const layer of layers) socket.join(roomOf(request.region, layer));
  socket.join(alarmRoomOf(request.alarmRegion ?? request.region));
  socket.data.regionCode = request.region;
  socket.data.layers = layers;
  if (request.lastSeq !== undefined) {
    const deltas = views.resume(request.region, layers, request.lastSeq);
    if (deltas) return { mode: 'resume', fromSeq: request.lastSeq, seq: hub.seq, deltas };
  }
  return { mode: 'snapshot', snapshot: views.snapshot(request.region, layers) };
}
