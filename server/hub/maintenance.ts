/**
 * Background duties of the hub: the overdue sweep (automatic supervision), track sampling for
 * playback with its retention, and forgetting old closed incidents from memory.
 *
 * The sweep and the pruning of old tracks run once for the cluster, on the node holding the
 * cluster lease (clusterLease.ts): on every node, each would write the same change once per node.
 * Sampling stays on every node — each samples the fixes it took in, which only it holds until
 * nodes share their positions (issue 18, item 1); then it joins them behind the same check.
 * Forgetting old cases is each node's own memory.
 */
import { forEachInSlices, yieldToLoop } from '../lib/slices';
import type { Logger } from '../lib/log';
import type { TrackSample } from '../store/types';
import type { Hub } from './hub';

export interface MaintenanceOptions {
  overdueSweepMs: number;
  trackSampleMs: number;
  trackRetentionHours: number;
  /** whether this node holds the cluster lease now; always, when absent (a hub alone, tools) */
  holdsLease?: () => boolean;
}

export function startMaintenance(hub: Hub, opts: MaintenanceOptions, log: Logger): () => void {
  const timers: NodeJS.Timeout[] = [];
  const holdsLease = opts.holdsLease ?? (() => true);
  const guard = (what: string, fn: () => Promise<unknown>) => () => {
    fn().catch((error) => log.error(`${what} failed`, { error: error instanceof Error ? error.message : String(error) }));
  };

  timers.push(
    setInterval(
      guard('overdue sweep', async () => {
        // while the store does not answer every change is refused: the next sweep after it comes back catches up
        if (!hub.storeHealth.available) return;
        // another node sweeps; on taking over, this node's next sweep catches up
        if (!holdsLease()) return;
        const n = await hub.sweepOverdue();
        if (n > 0) log.info('incidents became overdue', { count: n });
      }),
      opts.overdueSweepMs,
    ),
  );

  if (opts.trackSampleMs > 0) {
    // one sampling at a time: on a slow store the next waits for the previous rather than piling up
    let sampling: Promise<unknown> | null = null;
    // not while the store is unavailable: the patrols that moved stay marked and go in the next sample
    const sampleOnce = () => (hub.storeHealth.available ? (sampling ??= sampleTracks(hub).finally(() => (sampling = null))) : Promise.resolve(0));
    timers.push(setInterval(guard('track sampling', sampleOnce), opts.trackSampleMs));
    timers.push(
      setInterval(
        guard('track pruning', async () => (holdsLease() ? hub.store.pruneTrackSamples(hub.now() - opts.trackRetentionHours * 3_600_000) : 0)),
        Math.min(3_600_000, opts.trackRetentionHours * 3_600_000),
      ),
    );
  }

  timers.push(setInterval(() => hub.pruneMemory(), 3_600_000));

  return () => timers.forEach(clearInterval);
}

/**
 * samples written per transaction: PGlite writes on the hub's own thread, and one transaction for
 * every moved patrol held the event loop 0.3 s at 10,000 patrols and 2.6 s at 100,000 (issue 14)
 */
export const TRACK_SAMPLES_PER_WRITE = 1_000;

/** writes the latest fix of every patrol that moved since the previous sample, in chunks with a turn of the event loop between */
export async function sampleTracks(hub: Hub, perWrite = TRACK_SAMPLES_PER_WRITE): Promise<number> {
  const moved = hub.positions.drainForSampling();
  const samples: TrackSample[] = [];
  // a slice of time at a time: a province's 80,000 moved patrols took ~150 ms in one turn
  await forEachInSlices(moved, (idx) => {
    const patrol = hub.patrolsByIdx[idx];
    const fix = hub.positions.get(idx);
    if (patrol && fix) samples.push({ patrolId: patrol.id, lng: fix.lng, lat: fix.lat, at: fix.at });
  });
  for (let i = 0; i < samples.length; i += perWrite) {
    if (i > 0) await yieldToLoop();
    await hub.store.saveTrackSamples(samples.slice(i, i + perWrite));
  }
  return samples.length;
}
