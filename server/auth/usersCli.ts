/**
 * `npm run users -- …`: user management from a terminal, on the store the hub is configured with.
 *
 *   add NAME --role operator --region 330203 [--name 显示名] [--password-stdin]
 *   list
 *   disable NAME | enable NAME
 *   reset NAME                 a new generated password, printed once; the user's sessions end
 *   keys                       ingest keys and kiosk links (never their secrets)
 *   key-add LABEL --region CODE --scopes positions,units,reports,alarms [--days N]
 *                              an ingest key for a source, printed once
 *   kiosk-add LABEL --region CODE --hours N
 *                              a kiosk link for a wall (open its path on the wall's screen)
 *   revoke ID                  a key or link; a running hub stops taking it within 10 s
 *
 * Every change is audited with the channel `cli` and the operating-system user who ran it.
 */
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { HubError } from '@shared/errors';
import { ROLES, type User } from '@shared/schemas/auth';
import type { Principal } from '../hub/audit';
import type { Logger } from '../lib/log';
import type { Store } from '../store/types';
import { Accounts } from './accounts';
import { AccessKeys } from './accessKeys';

export interface CliEnv {
  store: Store;
  regionPath: (code: string) => readonly string[] | null;
  rootRegion: string;
  log: Logger;
  out: (line: string) => void;
  /** the password for --password-stdin */
  readStdin: () => Promise<string>;
}

export const USAGE = `usage: npm run users -- <command>
  add NAME --role ${ROLES.join('|')} --region CODE [--name DISPLAY_NAME] [--password-stdin]
  list
  disable NAME
  enable NAME
  reset NAME
  keys
  key-add LABEL --region CODE --scopes positions,units,reports,alarms [--days N]
  kiosk-add LABEL --region CODE --hours N
  revoke ID`;

function cliPrincipal(rootRegion: string): Principal {
  const who = `cli:${safeOsUser()}`;
  return {
    user: { username: who, displayName: who, role: 'admin', regionCode: rootRegion, disabled: false, createdAt: 0, passwordChangedAt: 0 },
    sessionId: 'cli',
    expiresAt: Number.MAX_SAFE_INTEGER,
    client: { channel: 'cli', address: null, userAgent: 'npm run users' },
  };
}

function safeOsUser(): string {
  try {
    return userInfo().username.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 30) || 'unknown';
  } catch {
    return 'unknown';
  }
}

const row = (u: User) => `${u.username.padEnd(16)} ${u.role.padEnd(10)} ${u.regionCode.padEnd(14)} ${u.disabled ? 'disabled' : 'active  '} ${u.displayName}`;

/** runs one command; returns the process exit code */
export async function runUsersCli(argv: readonly string[], env: CliEnv): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      region: { type: 'string' },
      name: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
      scopes: { type: 'string' },
      days: { type: 'string' },
      hours: { type: 'string' },
    },
  });
  const [command, username] = positionals;
  const accounts = new Accounts({ store: env.store, clock: Date.now, log: env.log, sessionHours: 12, regionPath: env.regionPath });
  const by = cliPrincipal(env.rootRegion);
  const keys = new AccessKeys({ store: env.store, clock: Date.now, log: env.log, regionPath: env.regionPath });
  const label = username;
  try {
    switch (command) {
      case 'add': {
        if (!username || !values.role || !values.region) throw new HubError('VALIDATION_FAILED', `add needs NAME, --role and --region.\n${USAGE}`);
        const password = values['password-stdin'] ? (await env.readStdin()).replace(/\r?\n$/, '') : undefined;
        const { user, password: generated } = await accounts.addUser(
          { username, role: values.role, regionCode: values.region, ...(values.name ? { displayName: values.name } : {}), ...(password ? { password } : {}) },
          by,
        );
        env.out(`added ${row(user)}`);
        if (generated) env.out(`password (shown once): ${generated}`);
        return 0;
      }
      case 'list': {
        const users = await accounts.listUsers();
        env.out(`${'user'.padEnd(16)} ${'role'.padEnd(10)} ${'region'.padEnd(14)} status   name`);
        for (const u of users) env.out(row(u));
        return 0;
      }
      case 'disable':
      case 'enable': {
        if (!username) throw new HubError('VALIDATION_FAILED', `${command} needs NAME.\n${USAGE}`);
        env.out(`${command}d ${row(await accounts.setDisabled(username, command === 'disable', by))}`);
        return 0;
      }
      case 'reset': {
        if (!username) throw new HubError('VALIDATION_FAILED', `reset needs NAME.\n${USAGE}`);
        const { user, password } = await accounts.resetPassword(username, by);
        env.out(`reset ${row(user)}`);
        env.out(`new password (shown once): ${password}`);
        return 0;
      }
      case 'keys': {
        for (const k of await keys.list(by)) {
          const state = k.revokedAt !== null ? 'revoked' : k.expiresAt !== null && k.expiresAt <= Date.now() ? 'expired' : 'active';
          const until = k.expiresAt === null ? 'no expiry' : `until ${new Date(k.expiresAt).toISOString()}`;
          env.out(`${k.id.padEnd(20)} ${k.kind.padEnd(7)} ${k.regionCode.padEnd(14)} ${state.padEnd(8)} ${(k.scopes.join(',') || '-').padEnd(30)} ${until}  ${k.label}`);
        }
        return 0;
      }
      case 'key-add': {
        if (!label || !values.region || !values.scopes) throw new HubError('VALIDATION_FAILED', `key-add needs LABEL, --region and --scopes.\n${USAGE}`);
        const days = values.days === undefined ? undefined : Number(values.days);
        const { key, secret } = await keys.createIngestKey({ label, regionCode: values.region, scopes: values.scopes.split(',').map((s) => s.trim()), ...(days !== undefined ? { expiresInDays: days } : {}) }, by);
        env.out(`added ${key.id} (${key.scopes.join(', ')} for ${key.regionCode})`);
        env.out(`key (shown once; the source sends it as X-Api-Key): ${secret}`);
        return 0;
      }
      case 'kiosk-add': {
        if (!label || !values.region || !values.hours) throw new HubError('VALIDATION_FAILED', `kiosk-add needs LABEL, --region and --hours.\n${USAGE}`);
        const { key, path } = await keys.createKioskLink({ label, regionCode: values.region, expiresInHours: Number(values.hours) }, by);
        env.out(`added ${key.id} (wall of ${key.regionCode} until ${new Date(key.expiresAt!).toISOString()})`);
        env.out(`open on the wall's screen: http://<hub>${path}`);
        return 0;
      }
      case 'revoke': {
        if (!label) throw new HubError('VALIDATION_FAILED', `revoke needs ID.\n${USAGE}`);
        const key = await keys.revoke(label, by);
        env.out(`revoked ${key.id} ${key.label}`);
        return 0;
      }
      default:
        env.out(USAGE);
        return command ? 2 : 0;
    }
  } catch (error) {
    if (!(error instanceof HubError)) throw error;
    const details = Array.isArray(error.details) ? ` (${(error.details as { path: string; message: string }[]).map((d) => `${d.path}: ${d.message}`).join('; ')})` : '';
    env.out(`refused: ${error.code}: ${error.message}${details}`);
    return 1;
  }
}
