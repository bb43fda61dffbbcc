/**
 * People: sign-in and sign-out, sessions (HTTP-only cookie for browsers, bearer token for
 * scripts), and user management. Every sign-in, failed sign-in, sign-out and user change is
 * audited. Tokens are 256-bit random strings; the store keeps only their SHA-256, so a copy of
 * the database signs nobody in.
 */
import { createHash, randomBytes } from 'node:crypto';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { HubError } from '@shared/errors';
import type { AuditEntry } from '@shared/schemas/audit';
import { NewUser, Password, SignInRequest, type User } from '@shared/schemas/auth';
import { parseOrThrow } from '@shared/validate';
import type { Principal } from '../hub/audit';
import type { Logger } from '../lib/log';
import { UserExistsError, type NewAuditRecord, type StoredSession, type StoredUser, type Store } from '../store/types';
import { isStoreUnavailable } from '../store/unavailable';
import { generatePassword, hashPassword, verifyPassword } from './password';
import { looksLikeKiosk, type AccessKeys } from './accessKeys';

export type Client = AuditEntry['client'];

export interface AccountsOptions {
  store: Store;
  clock: () => number;
  log: Logger;
  /** how long a session lasts (a shift and a half by default) */
  sessionHours: number;
  /** the region path of a code, to check user regions and scope audit rows */
  regionPath: (code: string) => readonly string[] | null;
}

/** a principal is looked up again after this long, so a disabled user or changed role takes effect soon on every node */
const CACHE_MS = 10_000;
/** a hash to compare against when the user does not exist, so timing does not tell which names exist (made on first need) */
let dummyHash: Promise<string> | undefined;
const dummyHashOnce = () => (dummyHash ??= hashPassword('not a password of anyone'));

const publicUser = ({ passwordHash: _omit, ...user }: StoredUser): User => user;
export const tokenHashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export class Accounts {
  private readonly cache = new Map<string, { principal: Principal; until: number }>();
  private readonly endedListeners: ((tokenHashes: readonly string[], reason: string) => void)[] = [];
  // Brute force: 5 wrong passwords a minute per name and address, 30 a minute per address.
  private readonly perName = new RateLimiterMemory({ points: 5, duration: 60 });
  private readonly perAddress = new RateLimiterMemory({ points: 30, duration: 60 });

  constructor(private readonly opts: AccountsOptions) {}

  async signIn(input: unknown, client: Client, kind: 'cookie' | 'bearer'): Promise<{ user: User; token: string; expiresAt: number }> {
    const { username, password } = parseOrThrow(SignInRequest, input, 'sign-in');
    const address = client.address ?? 'unknown';
    const nameKey = `${username}|${address}`;
    const [byName, byAddress] = await Promise.all([this.perName.get(nameKey), this.perAddress.get(address)]);
    if ((byName && byName.remainingPoints <= 0) || (byAddress && byAddress.remainingPoints <= 0)) {
      const wait = Math.ceil(Math.max(byName?.msBeforeNext ?? 0, byAddress?.msBeforeNext ?? 0) / 1000);
      throw new HubError('TOO_MANY_ATTEMPTS', `Too many failed sign-ins; try again in ${wait} s.`, { retryAfterSeconds: wait });
    }
    const stored = await this.opts.store.getUser(username);
    const ok = await verifyPassword(password, stored?.passwordHash ?? (await dummyHashOnce()));
    if (!stored || !ok) {
      await Promise.all([this.perName.penalty(nameKey, 1), this.perAddress.penalty(address, 1)]);
      await this.audit({ actor: username, role: null, client, action: 'sign_in_failed', outcome: 'refused', error: 'BAD_CREDENTIALS', regionPath: [] });
      throw new HubError('BAD_CREDENTIALS');
    }
    if (stored.disabled) {
      await this.audit({ actor: username, role: stored.role, client, action: 'sign_in_failed', outcome: 'refused', error: 'ACCOUNT_DISABLED', regionPath: this.pathOf(stored.regionCode) });
      throw new HubError('ACCOUNT_DISABLED');
    }
    await this.perName.delete(nameKey);
    const token = randomBytes(32).toString('base64url');
    const now = this.opts.clock();
    const expiresAt = now + this.opts.sessionHours * 3_600_000;
    await this.opts.store.createSession({ tokenHash: tokenHashOf(token), username, kind, createdAt: now, expiresAt, endedAt: null, client });
    await this.audit({ actor: username, role: stored.role, client, action: 'sign_in', outcome: 'ok', regionPath: this.pathOf(stored.regionCode), reason: kind });
    return { user: publicUser(stored), token, expiresAt };
  }

  async signOut(token: string, client: Client): Promise<void> {
    const hash = tokenHashOf(token);
    const session = await this.opts.store.getSession(hash);
    if (!session || session.endedAt !== null) return;
    await this.opts.store.endSession(hash, this.opts.clock());
    const user = await this.opts.store.getUser(session.username);
    await this.audit({ actor: session.username, role: user?.role ?? null, client, action: 'sign_out', outcome: 'ok', regionPath: user ? this.pathOf(user.regionCode) : [] });
    this.forget([hash], 'signed out');
  }

  /** kiosk links resolve through their own book (accessKeys.ts); set once at start */
  private kiosk: Pick<AccessKeys, 'resolveKiosk'> | null = null;
  useKioskLinks(keys: AccessKeys): void {
    this.kiosk = keys;
    keys.onKioskRevoked((ids, reason) => this.forget(ids, reason));
  }

  /**
   * The person a token acts as; refuses ended, expired and disabled sessions with their own codes.
   * A kiosk link's token is a read-only viewer of its region (accessKeys.ts).
   */
  async resolve(token: string, client: Client): Promise<Principal> {
    if (looksLikeKiosk(token)) {
      if (!this.kiosk) throw new HubError('LINK_INVALID', 'This hub does not take wall links.');
      return this.kiosk.resolveKiosk(token, client);
    }
    const hash = tokenHashOf(token);
    const now = this.opts.clock();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now && cached.principal.expiresAt > now) return { ...cached.principal, client };
    let session: StoredSession | null;
    try {
      session = await this.opts.store.getSession(hash);
    } catch (error) {
      // the store does not answer (server/hub/storeHealth.ts): who signed in a moment ago still is, so
      // they go on reading; their changes are refused with STORE_UNAVAILABLE by the hub anyway
      if (cached && cached.principal.expiresAt > now && isStoreUnavailable(error)) return { ...cached.principal, client };
      throw error;
    }
    this.cache.delete(hash);
    if (!session) throw new HubError('AUTH_REQUIRED', 'That session is unknown to this hub; sign in.');
    if (session.endedAt !== null) throw new HubError('SESSION_EXPIRED', 'You were signed out; sign in again.');
    if (session.expiresAt <= now) throw new HubError('SESSION_EXPIRED');
    const user = await this.opts.store.getUser(session.username);
    if (!user || user.disabled) throw new HubError('ACCOUNT_DISABLED');
    const principal: Principal = { user: publicUser(user), sessionId: hash, expiresAt: session.expiresAt, client };
    if (this.cache.size > 10_000) this.cache.clear(); // bounded; a miss costs one lookup
    this.cache.set(hash, { principal, until: now + CACHE_MS });
    return principal;
  }

  /** called with the token hashes of sessions that ended here (sign-out, disable, reset) */
  onSessionsEnded(listener: (tokenHashes: readonly string[], reason: string) => void): void {
    this.endedListeners.push(listener);
  }

  // ── user management (admins; the CLI passes a principal of its own) ─────────────────────

  async addUser(input: unknown, by: Principal): Promise<{ user: User; password: string | null }> {
    const parsed = parseOrThrow(NewUser, input, 'new user');
    const path = this.pathOf(parsed.regionCode);
    if (path.length === 0) throw new HubError('UNKNOWN_REGION', `No region has the code ${parsed.regionCode}.`);
    const generated = parsed.password ? null : generatePassword();
    const now = this.opts.clock();
    const stored: StoredUser = {
      username: parsed.username,
      displayName: parsed.displayName ?? parsed.username,
      role: parsed.role,
      regionCode: parsed.regionCode,
      disabled: false,
      createdAt: now,
      passwordChangedAt: now,
      passwordHash: await hashPassword(parsed.password ?? generated!),
    };
    try {
      await this.opts.store.createUser(stored);
    } catch (error) {
      if (error instanceof UserExistsError) throw new HubError('USER_EXISTS', `A user named ${parsed.username} exists already.`);
      throw error;
    }
    await this.auditUserChange(by, 'user_add', stored, `${stored.role} of ${stored.regionCode}`);
    return { user: publicUser(stored), password: generated };
  }

  async listUsers(): Promise<User[]> {
    return (await this.opts.store.listUsers()).map(publicUser);
  }

  async setDisabled(username: string, disabled: boolean, by: Principal): Promise<User> {
    const user = await this.opts.store.updateUser(username.toLowerCase(), { disabled });
    if (!user) throw new HubError('NOT_FOUND', `No user is named ${username}.`);
    if (disabled) await this.endSessionsOf(user.username, 'account disabled');
    await this.auditUserChange(by, disabled ? 'user_disable' : 'user_enable', user, null);
    return publicUser(user);
  }

  /** a new generated password; every session of the user ends */
  async resetPassword(username: string, by: Principal): Promise<{ user: User; password: string }> {
    const password = generatePassword();
    const user = await this.opts.store.updateUser(username.toLowerCase(), { passwordHash: await hashPassword(password), passwordChangedAt: this.opts.clock() });
    if (!user) throw new HubError('NOT_FOUND', `No user is named ${username}.`);
    await this.endSessionsOf(user.username, 'password reset');
    await this.auditUserChange(by, 'user_reset', user, null);
    return { user: publicUser(user), password };
  }

  async changePassword(by: Principal, current: string, next: unknown): Promise<void> {
    const newPassword = parseOrThrow(Password, next, 'new password');
    const stored = await this.opts.store.getUser(by.user.username);
    if (!stored || !(await verifyPassword(current, stored.passwordHash))) throw new HubError('BAD_CREDENTIALS', 'The current password is wrong.');
    await this.opts.store.updateUser(stored.username, { passwordHash: await hashPassword(newPassword), passwordChangedAt: this.opts.clock() });
    await this.auditUserChange(by, 'password_change', stored, null);
  }

  /**
   * First start: with no user at all, create `admin` (root region) with the given password or a
   * generated one, which the caller prints once. Never a default password.
   */
  async bootstrapAdmin(rootRegion: string, password?: string): Promise<{ username: string; password: string; generated: boolean } | null> {
    if ((await this.opts.store.countUsers()) > 0) return null;
    const chosen = password ? parseOrThrow(Password, password, 'ADMIN_PASSWORD') : generatePassword();
    const now = this.opts.clock();
    try {
      await this.opts.store.createUser({
        username: 'admin',
        displayName: '系统管理员',
        role: 'admin',
        regionCode: rootRegion,
        disabled: false,
        createdAt: now,
        passwordChangedAt: now,
        passwordHash: await hashPassword(chosen),
      });
    } catch (error) {
      if (error instanceof UserExistsError) return null; // another node was first
      throw error;
    }
    await this.audit({ actor: 'admin', role: 'admin', client: { channel: 'cli', address: null, userAgent: 'first start' }, action: 'user_add', outcome: 'ok', regionPath: this.pathOf(rootRegion), subject: 'admin' });
    return { username: 'admin', password: chosen, generated: !password };
  }

  private async endSessionsOf(username: string, reason: string): Promise<void> {
    const hashes = await this.opts.store.endSessionsOf(username, this.opts.clock());
    this.forget(hashes, reason);
  }

  private forget(hashes: readonly string[], reason: string): void {
    for (const h of hashes) this.cache.delete(h);
    if (hashes.length > 0) for (const listener of this.endedListeners) listener(hashes, reason);
  }

  private pathOf(code: string): string[] {
    return [...(this.opts.regionPath(code) ?? [])];
  }

  private auditUserChange(by: Principal, action: string, subject: StoredUser | User, reason: string | null): Promise<void> {
    return this.audit({ actor: by.user.username, role: by.user.role, client: by.client, action, outcome: 'ok', regionPath: this.pathOf(subject.regionCode), subject: subject.username, reason });
  }

  private async audit(row: Pick<NewAuditRecord, 'actor' | 'role' | 'client' | 'action' | 'outcome' | 'regionPath'> & Partial<NewAuditRecord>): Promise<void> {
    await this.opts.store.appendAudit([
      { error: null, message: null, incidentId: null, subject: null, stageBefore: null, stageAfter: null, reason: null, stepMs: null, at: this.opts.clock(), ...row },
    ]);
  }
}
