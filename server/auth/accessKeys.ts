/**
 * Ingest keys and kiosk links (issue 17 part 3): who may send data to the hub, and which walls may
 * watch it without a person signing in.
 *
 * - An ingest key is 256 random bits (`gk_…`); the store keeps its SHA-256 only. Each is scoped to
 *   a region and to what it may send (shared/schemas/accessKeys.ts), revocable at once, and its use
 *   is limited per key (ingestGate.ts).
 * - A kiosk link's token is `k1.<id>.<region>.<expiresAt>.<HMAC-SHA-256>`, signed with a key the
 *   store keeps (meta `kiosk_signing_key`, so every node of a cluster checks the same signature). A
 *   forged, altered or expired token is refused without a lookup; a revoked one by its row. The wall
 *   it opens acts as a viewer of that region only and is closed when the link is revoked or expires.
 *
 * Both resolve to a Principal so the hub's region rules and the socket's session handling apply to
 * them unchanged: a kiosk is a `viewer` (reads only), an ingest key is never a principal of the API.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { HubError } from '@shared/errors';
import { NewIngestKey, NewKioskLink, INGEST_SCOPES, type AccessKey, type IngestScope, type MadeIngestKey, type MadeKioskLink } from '@shared/schemas/accessKeys';
import { parseOrThrow } from '@shared/validate';
import { auditOfChange, type Principal } from '../hub/audit';
import { isStoreUnavailable } from '../store/unavailable';
import type { Logger } from '../lib/log';
import type { StoredAccessKey, Store } from '../store/types';

/** a source that sent a valid ingest key */
export interface IngestClient {
  keyId: string;
  label: string;
  regionCode: string;
  scopes: readonly IngestScope[];
}

export interface AccessKeysOptions {
  store: Store;
  clock: () => number;
  log: Logger;
  regionPath: (code: string) => readonly string[] | null;
}

/** a key is looked up again after this long: a revocation on another node takes effect within it */
const CACHE_MS = 10_000;
const KIOSK_VERSION = 'k1';
const SIGNING_META = 'kiosk_signing_key';
const INGEST_PREFIX = 'gk_';

/** as sessions' tokens: the store keeps the SHA-256 of an ingest key, never the key */
const tokenHashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

const publicKey = ({ secretHash: _omit, ...key }: StoredAccessKey): AccessKey => key;

export class AccessKeys {
  private readonly cache = new Map<string, { key: StoredAccessKey | null; until: number }>();
  private signingKey: Promise<Buffer> | undefined;
  private readonly revokedListeners: ((sessionIds: readonly string[], reason: string) => void)[] = [];

  constructor(private readonly opts: AccessKeysOptions) {}

  // ── making and revoking (admins) ────────────────────────────────────────────────────────

  async createIngestKey(input: unknown, by: Principal): Promise<MadeIngestKey> {
    const parsed = parseOrThrow(NewIngestKey, input, 'new ingest key');
    this.requireWithin(by, parsed.regionCode);
    const secret = `${INGEST_PREFIX}${randomBytes(32).toString('base64url')}`;
    const now = this.opts.clock();
    const stored = await this.make({
      id: `key-${randomBytes(6).toString('hex')}`,
      kind: 'ingest',
      label: parsed.label,
      regionCode: parsed.regionCode,
      scopes: [...new Set(parsed.scopes)].sort((a, b) => INGEST_SCOPES.indexOf(a) - INGEST_SCOPES.indexOf(b)),
      secretHash: tokenHashOf(secret),
      createdBy: by.user.username,
      expiresAt: parsed.expiresInDays ? now + parsed.expiresInDays * 86_400_000 : null,
    });
    await this.audit(by, 'key_add', stored, `${stored.scopes.join(',')} for ${stored.regionCode}`);
    return { key: publicKey(stored), secret };
  }

  async createKioskLink(input: unknown, by: Principal): Promise<MadeKioskLink> {
    const parsed = parseOrThrow(NewKioskLink, input, 'new kiosk link');
    this.requireWithin(by, parsed.regionCode);
    const stored = await this.make({
      id: `kiosk-${randomBytes(6).toString('hex')}`,
      kind: 'kiosk',
      label: parsed.label,
      regionCode: parsed.regionCode,
      scopes: [],
      secretHash: null,
      createdBy: by.user.username,
      expiresAt: this.opts.clock() + parsed.expiresInHours * 3_600_000,
    });
    await this.audit(by, 'kiosk_add', stored, `until ${new Date(stored.expiresAt!).toISOString()}`);
    const token = await this.sign(stored.id, stored.regionCode, stored.expiresAt!);
    return { key: publicKey(stored), token, path: `/kiosk/${token}` };
  }

  /** every key and link of the admin's region and below, newest first */
  async list(by: Principal): Promise<AccessKey[]> {
    const keys = await this.opts.store.listAccessKeys();
    return keys.filter((k) => (this.opts.regionPath(k.regionCode) ?? []).includes(by.user.regionCode)).map(publicKey);
  }

  async revoke(id: string, by: Principal): Promise<AccessKey> {
    const existing = await this.opts.store.getAccessKey(id);
    if (!existing) throw new HubError('NOT_FOUND', `No key or link has the id ${id.slice(0, 64)}.`);
    this.requireWithin(by, existing.regionCode);
    const revoked = (await this.opts.store.revokeAccessKey(id, this.opts.clock(), by.user.username)) ?? existing;
    this.cache.delete(id);
    if (existing.secretHash) this.cache.delete(existing.secretHash);
    if (revoked.revokedAt !== null && existing.revokedAt === null) {
      await this.audit(by, revoked.kind === 'kiosk' ? 'kiosk_revoke' : 'key_revoke', revoked, null);
      if (revoked.kind === 'kiosk') for (const listener of this.revokedListeners) listener([kioskSessionId(id)], 'the wall link was revoked');
    }
    return publicKey(revoked);
  }

  /** stores a new key or link, made now and not revoked */
  private async make(fields: Omit<StoredAccessKey, 'createdAt' | 'revokedAt' | 'revokedBy'>): Promise<StoredAccessKey> {
    const stored: StoredAccessKey = { ...fields, createdAt: this.opts.clock(), revokedAt: null, revokedBy: null };
    await this.opts.store.createAccessKey(stored);
    return stored;
  }

  /** called with the session ids of kiosk walls whose link was revoked on this node */
  onKioskRevoked(listener: (sessionIds: readonly string[], reason: string) => void): void {
    this.revokedListeners.push(listener);
  }

  /**
   * A deployment's first key, from its configuration (INGEST_KEY): every scope, the whole
   * geography. Made once; a later start with the same secret finds it. Revoking it stops it even
   * while the configuration still names it.
   */
  async ensureBootstrapKey(secret: string, rootRegion: string): Promise<void> {
    const hash = tokenHashOf(secret);
    if (await this.opts.store.findAccessKeyBySecret(hash)) return;
    await this.make({
      id: `key-bootstrap-${hash.slice(0, 8)}`,
      kind: 'ingest',
      label: 'INGEST_KEY (configuration)',
      regionCode: rootRegion,
      scopes: [...INGEST_SCOPES],
      secretHash: hash,
      createdBy: 'configuration',
      expiresAt: null,
    });
  }

  // ── checking (every ingest request, every kiosk wall) ───────────────────────────────────

  /** the source an ingest key belongs to; refuses unknown, revoked and expired keys */
  async resolveIngest(secret: string): Promise<IngestClient> {
    if (!secret.startsWith(INGEST_PREFIX) || secret.length > 200) throw new HubError('API_KEY_INVALID', 'That is not a key this hub issued (ingest keys begin with gk_).');
    const hash = tokenHashOf(secret);
    const key = await this.cached(hash, () => this.opts.store.findAccessKeyBySecret(hash));
    if (!key || key.kind !== 'ingest') throw new HubError('API_KEY_INVALID', 'That key is unknown to this hub.');
    this.requireLive(key, 'API_KEY_INVALID', 'key');
    return { keyId: key.id, label: key.label, regionCode: key.regionCode, scopes: key.scopes };
  }

  /** whether this key resolved lately to a live ingest key (no lookup): such a source is never taken for a guesser */
  knownIngest(secret: string): boolean {
    const hit = this.cache.get(tokenHashOf(secret));
    return !!hit && hit.until > this.opts.clock() && hit.key?.kind === 'ingest' && hit.key.revokedAt === null;
  }

  /** the read-only viewer a kiosk link stands for; refuses forged, altered, expired and revoked links */
  async resolveKiosk(token: string, client: Principal['client']): Promise<Principal> {
    const claims = await this.verify(token);
    const key = await this.cached(claims.id, () => this.opts.store.getAccessKey(claims.id));
    if (!key || key.kind !== 'kiosk' || key.regionCode !== claims.regionCode) throw new HubError('LINK_INVALID', 'This wall link is unknown to this hub.');
    this.requireLive(key, 'LINK_INVALID', 'wall link');
    return {
      user: { username: `kiosk:${key.id}`, displayName: key.label, role: 'viewer', regionCode: key.regionCode, disabled: false, createdAt: key.createdAt, passwordChangedAt: key.createdAt },
      sessionId: kioskSessionId(key.id),
      expiresAt: key.expiresAt ?? claims.expiresAt,
      client,
    };
  }

  private requireLive(key: StoredAccessKey, code: 'API_KEY_INVALID' | 'LINK_INVALID', what: string): void {
    if (key.revokedAt !== null) throw new HubError(code, `This ${what} (${key.label}) was revoked; ask the centre for a new one.`);
    if (key.expiresAt !== null && key.expiresAt <= this.opts.clock()) throw new HubError(code, `This ${what} (${key.label}) expired; ask the centre for a new one.`);
  }

  private async cached(cacheKey: string, load: () => Promise<StoredAccessKey | null>): Promise<StoredAccessKey | null> {
    const now = this.opts.clock();
    const hit = this.cache.get(cacheKey);
    if (hit && hit.until > now) return hit.key;
    let key: StoredAccessKey | null;
    try {
      key = await load();
    } catch (error) {
      // a database that does not answer must not stop a known source's GPS (memory only) or blank
      // a known wall: the last row read stands until the store answers again
      if (hit && isStoreUnavailable(error)) return hit.key;
      throw error;
    }
    if (this.cache.size > 10_000) this.cache.clear(); // bounded: a flood of made-up keys costs lookups, not memory
    this.cache.set(cacheKey, { key, until: now + CACHE_MS });
    return key;
  }

  private requireWithin(by: Principal, regionCode: string): void {
    const path = this.opts.regionPath(regionCode);
    if (!path) throw new HubError('UNKNOWN_REGION', `No region has the code ${regionCode}.`);
    if (!path.includes(by.user.regionCode)) throw new HubError('FORBIDDEN_REGION', `Region ${regionCode} lies outside your region (${by.user.regionCode}).`);
  }

  private key(): Promise<Buffer> {
    this.signingKey ??= (async () => {
      const stored = await this.opts.store.getMeta<string>(SIGNING_META);
      if (stored) return Buffer.from(stored, 'base64url');
      // two nodes making theirs at once: the first written stays, and both use it
      return Buffer.from(await this.opts.store.setMetaIfAbsent(SIGNING_META, randomBytes(32).toString('base64url')), 'base64url');
    })().catch((error: unknown) => {
      this.signingKey = undefined;
      throw error;
    });
    return this.signingKey;
  }

  private async sign(id: string, regionCode: string, expiresAt: number): Promise<string> {
    const body = `${KIOSK_VERSION}.${id}.${regionCode}.${expiresAt.toString(36)}`;
    return `${body}.${createHmac('sha256', await this.key()).update(body).digest('base64url')}`;
  }

  private async verify(token: string): Promise<{ id: string; regionCode: string; expiresAt: number }> {
    const parts = token.split('.');
    if (parts.length !== 5 || parts[0] !== KIOSK_VERSION || token.length > 300) throw new HubError('LINK_INVALID');
    const [, id, regionCode, expires, signature] = parts as [string, string, string, string, string];
    const body = `${KIOSK_VERSION}.${id}.${regionCode}.${expires}`;
    const expected = createHmac('sha256', await this.key()).update(body).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new HubError('LINK_INVALID', 'This wall link was altered or not made by this hub.');
    const expiresAt = parseInt(expires, 36);
    if (!Number.isSafeInteger(expiresAt) || expiresAt <= this.opts.clock()) throw new HubError('LINK_INVALID', 'This wall link expired; ask the centre for a new one.');
    return { id, regionCode, expiresAt };
  }

  private async audit(by: Principal, action: string, key: StoredAccessKey, reason: string | null): Promise<void> {
    const about = { subject: `${key.id} ${key.label}`.slice(0, 120), reason, regionPath: this.opts.regionPath(key.regionCode) ?? [] };
    await this.opts.store.appendAudit([auditOfChange(by, action, this.opts.clock(), about)]);
  }
}

export const kioskSessionId = (id: string) => `kiosk:${id}`;

/** whether a token has a kiosk link's shape (a session token never holds a dot) */
export const looksLikeKiosk = (token: string): boolean => token.startsWith(`${KIOSK_VERSION}.`);
