/**
 * Background duties of the hub: the overdue sweep (automatic supervision), track sampling for
 * playback with its retention, and forgetting old closed incidents from memory.
 */
import type { Logger } from '../lib/log';
import type { Hub } from './hub';

export interface MaintenanceOptions {
  overdueSweepMs: number;
  trackSampleMs: number;
  trackRetentionHours: number;
}

export function startMaintenance(hub: Hub, opts: MaintenanceOptions, log: Logger): () => void {
  const timers: NodeJS.Timeout[] = [];
  const guard = (what: string, fn: () => Promise<unknown>) => () => {
    fn().catch((error) => log.error(`${what} failed`, { error: error instanceof Error ? error.message : String(error) }));
  };

  timers.push(
    setInterval(
      guard('overdue sweep', async () => {
        const n = await hub.sweepOverdue();
        if (n > 0) log.info('incidents became overdue', { count: n });
      }),
      opts.overdueSweepMs,
    ),
  );

  if (opts.trackSampleMs > 0) {
    timers.push(setInterval(guard('track sampling', () => sampleTracks(hub)), opts.trackSampleMs));
    timers.push(
      setInterval(
        guard('track pruning', () => hub.store.pruneTrackSamples(hub.now() - opts.trackRetentionHours * 3_600_000)),
        Math.min(3_600_000, opts.trackRetentionHours * 3_600_000),
      ),
    );
  }

  timers.push(setInterval(() => hub.pruneMemory(), 3_600_000));

  return () => timers.forEach(clearInterval);
}

/** writes the latest fix of every patrol that moved since the previous sample, in one batch */
export async function sampleTracks(hub: Hub): Promise<number> {
  const moved = hub.positions.drainForSampling();
  const samples = [];
  for (const idx of moved) {
    const patrol = hub.patrolsByIdx[idx];
    const fix = hub.positions.get(idx);
    if (patrol && fix) samples.push({ patrolId: patrol.id, lng: fix.lng, lat: fix.lat, at: fix.at });
  }
  if (samples.length > 0) await hub.store.saveTrackSamples(samples);
  return samples.length;
}
