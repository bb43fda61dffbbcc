/**
 * `npm run users`: add, list, disable, enable, reset against a real store, every change audited
 * with the `cli` channel; and the first start's admin, created once with a password never a default.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Accounts } from '../../server/auth/accounts';
import { verifyPassword } from '../../server/auth/password';
import { runUsersCli } from '../../server/auth/usersCli';
import { createGeoContext } from '../../server/hub/createGeoContext';
import { silentLogger } from '../../server/lib/log';
import { createPgliteStore } from '../../server/store/pgliteStore';
import type { Store } from '../../server/store/types';
import { testCity } from './harness';

let store: Store;
const geo = createGeoContext(testCity());
const street = testCity().find((r) => r.level === 'street')!.code;

beforeAll(async () => {
  store = await createPgliteStore({});
  await store.migrate();
});
afterAll(() => store.close());

async function cli(args: string[], stdin = ''): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await runUsersCli(args, {
    store,
    regionPath: (c) => (geo.get(c) ? geo.path(c) : null),
    rootRegion: geo.rootCode,
    log: silentLogger,
    out: (line) => out.push(line),
    readStdin: async () => stdin,
  });
  return { code, out };
}

describe('npm run users', () => {
  it('adds a user with a generated password printed once, stored only as a scrypt hash', async () => {
    const { code, out } = await cli(['add', 'Zhang.Wei', '--role', 'operator', '--region', street, '--name', '张伟']);
    expect(code).toBe(0);
    const password = out.find((l) => l.startsWith('password'))!.split(': ')[1]!;
    expect(password).toHaveLength(20);
    const stored = await store.getUser('zhang.wei');
    expect(stored).toMatchObject({ role: 'operator', regionCode: street, displayName: '张伟', disabled: false });
    expect(stored!.passwordHash).toMatch(/^scrypt\$17\$8\$1\$/);
    expect(stored!.passwordHash).not.toContain(password);
    expect(await verifyPassword(password, stored!.passwordHash)).toBe(true);
    const [row] = await store.readAudit({ actor: `cli:${(await import('node:os')).userInfo().username}`, limit: 1 });
    expect(row).toMatchObject({ action: 'user_add', subject: 'zhang.wei', client: { channel: 'cli' } });
  });

  it('takes a chosen password from stdin, and refuses a short one, an unknown role or region', async () => {
    expect((await cli(['add', 'li-na', '--role', 'supervisor', '--region', street, '--password-stdin'], 'a-long-enough-password\n')).code).toBe(0);
    expect(await verifyPassword('a-long-enough-password', (await store.getUser('li-na'))!.passwordHash)).toBe(true);
    const short = await cli(['add', 'short-pw', '--role', 'operator', '--region', street, '--password-stdin'], 'short\n');
    expect(short.code).toBe(1);
    expect(short.out.join('\n')).toMatch(/VALIDATION_FAILED.*10 characters/s);
    expect((await cli(['add', 'x-role', '--role', 'boss', '--region', street])).out.join('\n')).toMatch(/VALIDATION_FAILED/);
    expect((await cli(['add', 'x-region', '--role', 'operator', '--region', '999999'])).out.join('\n')).toMatch(/UNKNOWN_REGION/);
    expect(await store.getUser('short-pw')).toBeNull();
  });

  it('lists, disables, enables and resets', async () => {
    await cli(['add', 'wang-fang', '--role', 'viewer', '--region', geo.rootCode]);
    const list = await cli(['list']);
    expect(list.out.some((l) => l.startsWith('wang-fang') && l.includes('viewer'))).toBe(true);
    expect((await cli(['disable', 'wang-fang'])).code).toBe(0);
    expect((await store.getUser('wang-fang'))?.disabled).toBe(true);
    expect((await cli(['enable', 'wang-fang'])).code).toBe(0);
    const before = (await store.getUser('wang-fang'))!.passwordHash;
    const reset = await cli(['reset', 'wang-fang']);
    const password = reset.out.find((l) => l.startsWith('new password'))!.split(': ')[1]!;
    expect((await store.getUser('wang-fang'))!.passwordHash).not.toBe(before);
    expect(await verifyPassword(password, (await store.getUser('wang-fang'))!.passwordHash)).toBe(true);
    expect((await cli(['reset', 'nobody'])).out.join('\n')).toMatch(/NOT_FOUND/);
    expect((await cli(['fly'])).code).toBe(2);
  });

  it('makes, lists and revokes ingest keys and kiosk links; the key printed once resolves, the stored hash is not it', async () => {
    const added = await cli(['key-add', '海曙巡防终端', '--region', street, '--scopes', 'positions,units']);
    expect(added.code).toBe(0);
    const secret = added.out.find((l) => l.startsWith('key (shown once'))!.split(': ')[1]!;
    const id = /^added (\S+)/.exec(added.out[0]!)![1]!;
    const stored = (await store.getAccessKey(id))!;
    expect(stored).toMatchObject({ kind: 'ingest', regionCode: street, scopes: ['positions', 'units'] });
    expect(stored.secretHash).not.toContain(secret.slice(3));
    const kiosk = await cli(['kiosk-add', '三楼大屏', '--region', street, '--hours', '8']);
    expect(kiosk.out.join('\n')).toMatch(/\/kiosk\/k1\./);
    const list = await cli(['keys']);
    expect(list.out.filter((l) => l.includes(street) && l.includes('active'))).toHaveLength(2);
    expect(list.out.join('\n')).not.toContain(secret);
    expect((await cli(['revoke', id])).code).toBe(0);
    expect((await cli(['keys'])).out.find((l) => l.startsWith(id))).toContain('revoked');
    expect((await cli(['key-add', 'x', '--region', street, '--scopes', 'everything'])).out.join('\n')).toMatch(/VALIDATION_FAILED/);
    const actions = (await store.readAudit({ limit: 50 })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['key_add', 'kiosk_add', 'key_revoke']));
  });
});

describe('the first start', () => {
  it('creates one admin with a generated password, and never again', async () => {
    const fresh = await createPgliteStore({});
    await fresh.migrate();
    try {
      const accounts = new Accounts({ store: fresh, clock: Date.now, log: silentLogger, sessionHours: 12, regionPath: (c) => (geo.get(c) ? geo.path(c) : null) });
      const first = await accounts.bootstrapAdmin(geo.rootCode);
      expect(first).toMatchObject({ username: 'admin', generated: true });
      expect(first!.password).toHaveLength(20);
      expect(await fresh.getUser('admin')).toMatchObject({ role: 'admin', regionCode: geo.rootCode });
      expect(await accounts.bootstrapAdmin(geo.rootCode)).toBeNull();
      const again = new Accounts({ store: fresh, clock: Date.now, log: silentLogger, sessionHours: 12, regionPath: () => null });
      expect(await again.bootstrapAdmin(geo.rootCode, 'chosen-by-the-deployment')).toBeNull();
    } finally {
      await fresh.close();
    }
  });

  it('runs as `npm run users` against a data directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'users-cli-'));
    try {
      const env = { ...process.env, DATA_DIR: dir, SIM_SCALE: 'district', SIM_SEED: 'test', DATABASE_URL: '' };
      const add = spawnSync('npm', ['run', '--silent', 'users', '--', 'add', 'chen-op', '--role', 'operator', '--region', '330203'], { env, encoding: 'utf8' });
      expect(add.status, add.stderr).toBe(0);
      expect(add.stdout).toMatch(/added chen-op\s+operator\s+330203/);
      expect(add.stdout).toMatch(/password \(shown once\): [A-Za-z0-9]{20}/);
      const list = spawnSync('npm', ['run', '--silent', 'users', '--', 'list'], { env, encoding: 'utf8' });
      expect(list.stdout).toMatch(/chen-op/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
