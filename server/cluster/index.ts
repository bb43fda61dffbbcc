/**
 * Hub nodes on one Redis (REDIS_URL): patrol fixes relayed between them and Redis' health
 * (server/cluster/README.md). Without REDIS_URL nothing starts and the health says `off`: a single
 * node runs exactly as before.
 */
import { randomInt } from 'node:crypto';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../lib/log';
import type { PositionIntake } from '../hub/positionIntake';
import { PositionRelay, type RelayHub } from './positionRelay';
import { RedisLink, type RedisHealth } from './redisLink';

export type { RedisHealth } from './redisLink';

export interface ClusterOptions {
  /** REDIS_URL; absent: off */
  redisUrl?: string | undefined;
  /** CLUSTER_NAME: nodes of one cluster share its channel ('default') */
  clusterName?: string | undefined;
  nodeId: string;
  hub: RelayHub & { readonly positionIntake: PositionIntake };
  log: Logger;
  /** how often taken fixes are published (the positions tick) */
  tickMs: number;
  /** /metrics: gcw_redis_up and the relay's counters are registered here */
  registry?: Registry;
  /** Redis' timing (tests make it quick) */
  link?: { pingEveryMs?: number; commandTimeoutMs?: number; retryMs?: number };
}

export interface Cluster {
  /** what /healthz and the walls are told */
  health(): RedisHealth;
  onChange(listener: (health: RedisHealth) => void): () => void;
  /** the relay (null when off): its counters */
  readonly relay: PositionRelay | null;
  close(): Promise<void>;
}

export const channelOf = (clusterName: string) => `gcw:${clusterName}:positions`;

export function startCluster(opts: ClusterOptions): Cluster {
  if (!opts.redisUrl) {
    const off: RedisHealth = { state: 'off', since: opts.hub.now(), reason: null };
    return { health: () => off, onChange: () => () => undefined, relay: null, close: async () => undefined };
  }
  const channel = channelOf(opts.clusterName ?? 'default');
  const link = new RedisLink({ url: opts.redisUrl, channel, nodeId: opts.nodeId, clock: () => opts.hub.now(), log: opts.log, ...opts.link });
  // the batch names its sender in at most 255 bytes of UTF-8 (NODE_ID is at most 64 characters)
  const sender = Buffer.byteLength(opts.nodeId) <= 255 ? opts.nodeId : opts.nodeId.slice(0, 60);
  const relay = new PositionRelay(opts.hub, { get ok() { return link.ok; }, publish: (message) => link.pub.publish(channel, message) }, { nodeId: sender, run: randomInt(2 ** 32), log: opts.log });
  link.receive((message) => relay.receive(message));
  opts.hub.positionIntake.relayTakenTo((idx) => relay.mark(idx));
  const ticker = setInterval(() => {
    // a timer's exception would end the process: a fault of the relay must cost positions, not the node
    try {
      relay.tick();
    } catch (error) {
      opts.log.error('the position relay failed a tick', { error: error instanceof Error ? error.message : String(error) });
    }
  }, opts.tickMs);
  ticker.unref?.();
  if (opts.registry) registerMetrics(opts.registry, link, relay);
  return {
    health: () => link.current,
    onChange: (listener) => link.onChange(listener),
    relay,
    async close() {
      clearInterval(ticker);
      opts.hub.positionIntake.relayTakenTo(null);
      await link.close();
    },
  };
}

/** counters read from the relay's own totals at each scrape (it knows nothing of metrics) */
function registerMetrics(registry: Registry, link: RedisLink, relay: PositionRelay): void {
  new Gauge({ name: 'gcw_redis_up', help: 'Whether this node reaches Redis (REDIS_URL): 1 ok, 0 unavailable', registers: [registry], collect() { this.set(link.ok ? 1 : 0); } });
  const seen = { sent: 0, received: 0, malformed: 0, unknown_patrol: 0, publish_failed: 0, deferred: 0 };
  const read = () => ({ sent: relay.counts.fixesSent, received: relay.counts.fixesReceived, malformed: relay.counts.malformed, unknown_patrol: relay.counts.unknownPatrol, publish_failed: relay.counts.publishFailed, deferred: relay.counts.deferredTicks });
  new Counter({
    name: 'gcw_relay_fixes_total',
    help: 'Patrol fixes relayed through Redis: sent to the other nodes, received from them',
    labelNames: ['direction'],
    registers: [registry],
    collect() {
      const now = read();
      for (const direction of ['sent', 'received'] as const) {
        this.inc({ direction }, now[direction] - seen[direction]);
        seen[direction] = now[direction];
      }
    },
  });
  new Counter({
    name: 'gcw_relay_dropped_total',
    help: 'Position relay trouble: malformed messages dropped, fixes of patrols unknown here, publishes that failed, ticks held back by the in-flight bound',
    labelNames: ['reason'],
    registers: [registry],
    collect() {
      const now = read();
      for (const reason of ['malformed', 'unknown_patrol', 'publish_failed', 'deferred'] as const) {
        this.inc({ reason }, now[reason] - seen[reason]);
        seen[reason] = now[reason];
      }
    },
  });
}
