/**
 * Clients hold the detail of their last snapshot (items or a summary per layer) while their region
 * changes under them. A wall that subscribed to a quiet district at dawn would, by evening, hold
 * every case one by one — far past the budget a fresh snapshot would keep it to. Each round, the
 * clients whose region has drifted well past its limit (snapshotLayers.DETAIL_DRIFT) are asked to
 * take a fresh snapshot with a `resync`; they are asked once, and their next subscription records
 * the detail they then hold.
 */
import type { ReadModel } from '../../hub/readModel';
import type { HubServer } from './liveGateway';
import { parseRoom } from './rooms';

/** asks the clients whose incidents layer has drifted to resubscribe; returns how many were asked */
export function resyncDriftedClients(io: HubServer, views: ReadModel, now: number): number {
  const nsp = io.of('/');
  let asked = 0;
  for (const [room, members] of nsp.adapter.rooms) {
    const parsed = parseRoom(room);
    if (!parsed || parsed.layer !== 'incidents') continue;
    // one check per (region, full layers) in a round: the count is the region's, the limit the client's
    const verdicts = new Map<string, boolean>();
    for (const id of members) {
      const socket = nsp.sockets.get(id);
      const held = socket?.data.detail?.incidents;
      if (!socket || !held) continue;
      const full = socket.data.fullLayers ?? [];
      const key = `${held}|${full.includes('incidents')}`;
      let drifted = verdicts.get(key);
      if (drifted === undefined) verdicts.set(key, (drifted = views.incidentDetailDrifted(parsed.regionCode, held, full, now)));
      if (!drifted) continue;
      delete socket.data.detail; // asked once: the next subscription says what it holds
      socket.emit('resync', { reason: `region ${parsed.regionCode} now holds ${held === 'items' ? 'more cases than a wall is sent one by one' : 'few enough cases to send one by one'}` });
      asked++;
    }
  }
  return asked;
}
