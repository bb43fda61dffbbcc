/**
 * The hub's two connections to Redis (one publishes and answers PING, one is subscribed: a
 * subscribed connection can do nothing else) and whether they work, as a state the rest of the hub
 * reads: `ok`, or `unavailable` with since when and why. ioredis reconnects by itself (every
 * `retryMs` at most); the channel is subscribed again on every `ready`, so a Redis restarted on the
 * same address is taken back without a restart of the hub.
 *
 * Nothing waits for Redis in a queue: the publishing connection has no offline queue (a publish
 * while Redis is away fails at once; positions are lossy) and every command has a timeout, so a
 * Redis that stops answering (stopped, a cut cable) turns `unavailable` at the next PING.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../lib/log';

export interface RedisHealth {
  /** `off`: no REDIS_URL, a single node */
  state: 'ok' | 'unavailable' | 'off';
  /** hub clock: when the state began */
  since: number;
  /** why it is unavailable, for people; null otherwise */
  reason: string | null;
}

export interface RedisLinkOptions {
  url: string;
  /** the channel to subscribe to */
  channel: string;
  /** named in Redis' CLIENT LIST: which node holds the connection */
  nodeId: string;
  clock: () => number;
  log: Logger;
  /** how often the publishing connection is pinged */
  pingEveryMs?: number;
  /** a command (PING, PUBLISH) unanswered this long failed */
  commandTimeoutMs?: number;
  /** the longest wait between two reconnection attempts */
  retryMs?: number;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 200);
/** where a Redis URL points, without its password, for logs */
const whereOf = (url: string) => {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 6379}`;
  } catch {
    return '(unparsable URL)';
  }
};

export class RedisLink {
  readonly pub: Redis;
  readonly sub: Redis;
  private health: RedisHealth;
  private subscribed = false;
  private pingFailure: string | null = null;
  private lastError: string | null = null;
  private everOk = false;
  private warnedAtStart = false;
  private closed = false;
  private listeners: ((health: RedisHealth) => void)[] = [];
  private readonly timer: NodeJS.Timeout;
  private onMessage: ((message: Buffer) => void) | null = null;
  /** times Redis turned unavailable since start (for /metrics) */
  losses = 0;

  constructor(private readonly opts: RedisLinkOptions) {
    this.health = { state: 'unavailable', since: opts.clock(), reason: 'connecting' };
    const common = {
      connectionName: `gcw:${opts.nodeId}`.replace(/[^\x21-\x7e]/g, '_'),
      // a restarted Redis is found again within a second or two, without a restart of the hub
      retryStrategy: (times: number) => Math.min(times * 100, opts.retryMs ?? 1_000),
      connectTimeout: 2_000,
      commandTimeout: opts.commandTimeoutMs ?? 1_000,
      // nothing is kept for a Redis that is away: no offline queue, no retry of a command cut off
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // subscribed again on `ready` below, where it can be seen whether it worked
      autoResubscribe: false,
    };
    this.pub = new Redis(opts.url, common);
    this.sub = new Redis(opts.url, common);
    for (const [name, conn] of [['publisher', this.pub], ['subscriber', this.sub]] as const) {
      // ioredis prints unhandled `error` events itself; they are a state here
      conn.on('error', (error: unknown) => {
        this.lastError = `${name}: ${messageOf(error)}`;
        // a Redis away from the start never makes a change of state to log: said once here
        if (!this.everOk && !this.warnedAtStart) {
          this.warnedAtStart = true;
          opts.log.warn('Redis unreachable: this node runs without the positions other nodes take in until it answers', { redis: whereOf(opts.url), reason: this.lastError });
        }
        this.settle();
      });
      for (const event of ['close', 'end', 'reconnecting'] as const) conn.on(event, () => this.settle());
    }
    this.pub.on('ready', () => this.ping());
    this.sub.on('close', () => (this.subscribed = false));
    this.sub.on('ready', () => {
      this.sub.subscribe(opts.channel).then(
        () => {
          this.subscribed = true;
          this.settle();
        },
        (error: unknown) => {
          this.lastError = `subscribe: ${messageOf(error)}`;
          this.settle();
        },
      );
    });
    this.sub.on('messageBuffer', (_channel: Buffer, message: Buffer) => this.onMessage?.(message));
    this.timer = setInterval(() => this.ping(), opts.pingEveryMs ?? 2_000);
    this.timer.unref?.();
  }

  get current(): RedisHealth {
    return this.health;
  }

  get ok(): boolean {
    return this.health.state === 'ok';
  }

  /** where messages of the channel go (one receiver) */
  receive(handler: (message: Buffer) => void): void {
    this.onMessage = handler;
  }

  onChange(listener: (health: RedisHealth) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.listeners = [];
    this.onMessage = null;
    // quit asks Redis to close cleanly; disconnect stops reconnecting when Redis is away
    await Promise.all([this.pub, this.sub].map((c) => (c.status === 'ready' ? c.quit().catch(() => c.disconnect()) : c.disconnect())));
  }

  private ping(): void {
    if (this.closed || this.pub.status !== 'ready') return;
    this.pub.ping().then(
      () => {
        this.pingFailure = null;
        this.settle();
      },
      (error: unknown) => {
        this.pingFailure = `PING: ${messageOf(error)}`;
        this.settle();
      },
    );
  }

  /** works out the state from the connections' own and logs a change */
  private settle(): void {
    if (this.closed) return;
    const why =
      this.pub.status !== 'ready' ? `publisher ${this.pub.status}${this.lastError ? ` (${this.lastError})` : ''}`
      : this.sub.status !== 'ready' ? `subscriber ${this.sub.status}${this.lastError ? ` (${this.lastError})` : ''}`
      : !this.subscribed ? 'not subscribed yet'
      : this.pingFailure;
    const state = why === null ? 'ok' : 'unavailable';
    if (state === this.health.state) {
      // still unavailable: keep `since`, tell the newest reason
      if (why !== null) this.health = { ...this.health, reason: why };
      return;
    }
    const now = this.opts.clock();
    const before = this.health;
    this.health = { state, since: now, reason: why };
    const where = whereOf(this.opts.url);
    if (state === 'ok') {
      this.lastError = null;
      if (this.everOk) this.opts.log.info('Redis available again: positions of other nodes flow again', { redis: where, downMs: now - before.since });
      else this.opts.log.info('Redis connected: positions are relayed between hub nodes', { redis: where, channel: this.opts.channel });
      this.everOk = true;
    } else {
      this.losses++;
      this.opts.log.warn('Redis unavailable: walls of this node miss the positions other nodes take in until it is back', { redis: where, reason: why });
    }
    for (const listener of this.listeners) listener(this.health);
  }
}
