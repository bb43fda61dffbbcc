/** /healthz: is the store reachable, what is the simulator doing, how many clients are connected. */
import type { Request, Response } from 'express';
import type { Hub } from '../../hub/hub';
import type { BasemapInfo } from '../../basemap/pmtilesFile';

export interface HealthSources {
  hub: Hub;
  clients: () => number;
  simulator: () => unknown;
  startedAt: number;
  nodeId: string;
  /** the basemap archive being served (BASEMAP_FILE), or null: the wall draws the generated one */
  basemap?: BasemapInfo | null;
}

/** how long /healthz waits for the store's round trip */
export const HEALTH_PING_MS = 1_000;

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

export function healthHandler(src: HealthSources) {
  return async (_req: Request, res: Response) => {
    let store: { ok: boolean; kind: string; error?: string };
    try {
      // a stalled database answers nothing: health says so within a second instead of hanging
      await withTimeout(src.hub.store.ping(), HEALTH_PING_MS, `the store did not answer within ${HEALTH_PING_MS} ms`);
      store = { ok: true, kind: src.hub.store.kind };
    } catch (error) {
      store = { ok: false, kind: src.hub.store.kind, error: error instanceof Error ? error.message : String(error) };
    }
    const body = {
      ok: store.ok,
      node: src.nodeId,
      uptimeSec: Math.round((Date.now() - src.startedAt) / 1000),
      store,
      seq: src.hub.seq,
      clients: src.clients(),
      incidentsInMemory: src.hub.incidents.size,
      backfilling: src.hub.backfilling,
      cameras: src.hub.cameras.size,
      patrols: src.hub.patrols.size,
      commandQueue: src.hub.queue.size,
      simulator: src.simulator(),
      basemap: src.basemap ? { kind: 'file', file: src.basemap.file, version: src.basemap.version, minzoom: src.basemap.minzoom, maxzoom: src.basemap.maxzoom } : { kind: 'demo' },
    };
    res.status(store.ok ? 200 : 503).json(body);
  };
}
