/**
 * Video points of the subscribed region. Non-reactive Map + `version` counter. The online-rate
 * figure comes from the hub's Statistics; this store feeds the list of current faults and the map.
 */
import { defineStore } from 'pinia';
import { markRaw, ref } from 'vue';
import type { Camera } from '@shared/schemas/camera';
import type { Delta, Snapshot } from '@shared/schemas/live';

type CameraDelta = Extract<Delta, { type: 'camera:updated' }>;

/** cameras that are not online, newest status change first */
export function cameraFaults(cameras: Iterable<Camera>, limit = Infinity): Camera[] {
  const out: Camera[] = [];
  for (const c of cameras) if (c.status !== 'online') out.push(c);
  out.sort((a, b) => b.statusSince - a.statusSince || a.id.localeCompare(b.id));
  return out.length > limit ? out.slice(0, limit) : out;
}

export const useCamerasStore = defineStore('cameras', () => {
  const byId = markRaw(new Map<string, Camera>());
  const version = ref(0);
  const seq = ref(0);

  function applySnapshot(s: Snapshot): void {
    byId.clear();
    for (const c of s.cameras) byId.set(c.id, c);
    seq.value = s.seq;
    version.value++;
  }

  function applyDelta(delta: CameraDelta): boolean {
    if (delta.seq <= seq.value) return false;
    seq.value = delta.seq;
    byId.set(delta.camera.id, delta.camera);
    version.value++;
    return true;
  }

  function faults(limit = Infinity): Camera[] {
    return cameraFaults(byId.values(), limit);
  }

  return { byId, version, seq, applySnapshot, applyDelta, faults };
});
