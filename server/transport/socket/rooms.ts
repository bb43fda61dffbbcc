/**
 * Rooms follow the region tree: one room per region and layer. A change in a grid is sent to the
 * rooms of the grid and of each of its ancestors, so a street's wall and the city's wall both get
 * it and a neighbouring street's wall does not. Socket.IO delivers once per socket even when a
 * socket sits in several of the target rooms.
 */
import type { Layer } from '@shared/schemas/live';

export function roomOf(regionCode: string, layer: Layer): string {
  return `${regionCode}|${layer}`;
}

/** the room of clients that want alarms for everything inside a region */
export function alarmRoomOf(regionCode: string): string {
  return `${regionCode}|alarms`;
}

export function roomsForPath(path: readonly string[], layer: Layer): string[] {
  return path.map((code) => roomOf(code, layer));
}

export function parseRoom(room: string): { regionCode: string; layer: Layer } | null {
  const bar = room.lastIndexOf('|');
  if (bar < 0) return null;
  return { regionCode: room.slice(0, bar), layer: room.slice(bar + 1) as Layer };
}
