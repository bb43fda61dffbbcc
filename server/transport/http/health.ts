/**
 * /healthz: is the store reachable and does the hub take changes (its store health, with since
 * when and why not), what is the simulator doing, how many clients are connected, whether this
 * node holds the cluster lease (it runs the duties that run once for the cluster). 503 while the
 * store does not answer its ping here or the hub's store health says it is unavailable. Redis
 * (REDIS_URL) unavailable is 200 with `degraded: ['redis']` (`ok` follows the store alone): the
 * node still serves and writes, only other nodes' positions stop reaching its walls. A node that
 * stands by for the lease is healthy, and so is a single node without Redis (`redis.state: off`).
 */
import type { Request, Response } from 'express';
import type { Hub } from '../../hub/hub';
import type { BasemapInfo } from '../../basemap/pmtilesFile';
import type { LeaseStatus } from '../../hub/clusterLease';
import type { RedisHealth } from '../../cluster';

export interface HealthSources {
  hub: Hub;
  clients: () => number;
  simulator: () => unknown;
  startedAt: number;
  nodeId: string;
  /** the basemap archive being served (BASEMAP_FILE), or null: the wall draws the generated one */
  basemap?: BasemapInfo | null;
  /** the cluster lease as this node sees it (server/hub/clusterLease.ts) */
  lease?: () => LeaseStatus;
  /** Redis as this node sees it (server/cluster): absent, `off` */
  redis?: () => RedisHealth;
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
    let ping: { ok: boolean; error?: string };
    try {
      // a stalled database answers nothing: health says so within a second instead of hanging
      await withTimeout(src.hub.store.ping(), HEALTH_PING_MS, `the store did not answer within ${HEALTH_PING_MS} ms`);
      ping = { ok: true };
    } catch (error) {
      ping = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    // what the hub does about it: while unavailable every change is refused at once (server/hub/storeHealth.ts)
    const health = src.hub.storeHealth.current;
    const store = { ...ping, ok: ping.ok && health.state === 'available', kind: src.hub.store.kind, state: health.state, since: health.since, reason: health.reason, writes: health.state === 'available' ? 'ok' : 'unavailable' };
    const redisNow = src.redis?.() ?? { state: 'off', since: src.startedAt, reason: null };
    // Redis away: this node's own walls and writes go on, the positions other nodes take in do not reach them
    const degraded = [...(store.ok ? [] : ['store']), ...(redisNow.state === 'unavailable' ? ['redis'] : [])];
    const body = {
      // Redis away is degraded, not down: every node loses the same Redis at once, and a load
      // balancer that took 503 nodes out would take out the whole cluster for a lossy stream
      ok: store.ok,
      degraded,
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
      lease: src.lease?.() ?? null,
      // several nodes on one database: how far this node's memory follows the shared log (null: it alone writes it)
      following: src.hub.following,
      redis: redisNow,
      basemap: src.basemap ? { kind: 'file', file: src.basemap.file, version: src.basemap.version, minzoom: src.basemap.minzoom, maxzoom: src.basemap.maxzoom } : { kind: 'demo' },
    };
    res.status(body.ok ? 200 : 503).json(body);
  };
}
