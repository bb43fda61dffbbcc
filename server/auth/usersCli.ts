/**
 * `npm run users -- …`: user management from a terminal, on the store the hub is configured with.
 *
 *   add NAME --role operator --region 330203 [--name 显示名] [--password-stdin]
 *   list
 *   disable NAME | enable NAME
 *   reset NAME                 a new generated password, printed once; the user's sessions end
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
  reset NAME`;

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
    options: { role: { type: 'string' }, region: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false } },
  });
  const [command, username] = positionals;
  const accounts = new Accounts({ store: env.store, clock: Date.now, log: env.log, sessionHours: 12, regionPath: env.regionPath });
  const by = cliPrincipal(env.rootRegion);
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
