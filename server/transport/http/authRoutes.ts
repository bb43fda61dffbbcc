/**
 * Sign-in, sign-out, who am I, password change, and user management for admins. A browser gets
 * the session as an HTTP-only, SameSite=Strict cookie (no script can read it, no other site can
 * send it); a script uses the returned token as `Authorization: Bearer …`.
 */
import { Router } from 'express';
import { HubError } from '@shared/errors';
import type { Me } from '@shared/schemas/auth';
import type { Accounts } from '../../auth/accounts';
import { anonymousMay, httpClient, identity, principalOf, SESSION_COOKIE, tokenFrom, type AnonymousPolicy } from './auth';
import { requireJson } from './errors';

export function authRoutes(accounts: Accounts, anonymous: AnonymousPolicy): Router {
  const router = Router();

  router.post('/auth/login', requireJson, async (req, res) => {
    const result = await accounts.signIn(req.body, httpClient(req), 'cookie');
    res.cookie(SESSION_COOKIE, result.token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      maxAge: Math.max(0, result.expiresAt - Date.now()),
    });
    res.set('Cache-Control', 'no-store').json(result);
  });

  router.post('/auth/logout', async (req, res) => {
    const token = tokenFrom(req.get('Authorization'), req.get('Cookie'));
    if (token) await accounts.signOut(token, httpClient(req));
    res.clearCookie(SESSION_COOKIE, { path: '/' }).status(204).end();
  });

  router.get('/auth/me', (req, res) => {
    const { principal } = identity(res);
    const me: Me = {
      signedIn: principal !== null,
      user: principal?.user ?? null,
      expiresAt: principal?.expiresAt ?? null,
      anonymous: anonymousMay(anonymous, req.socket.remoteAddress) ? 'read' : 'none',
    };
    res.set('Cache-Control', 'no-store').json(me);
  });

  router.post('/auth/password', requireJson, async (req, res) => {
    const by = principalOf(res, 'read');
    const body = (req.body ?? {}) as { currentPassword?: unknown; newPassword?: unknown };
    if (typeof body.currentPassword !== 'string') throw new HubError('VALIDATION_FAILED', 'currentPassword is required.');
    await accounts.changePassword(by, body.currentPassword, body.newPassword);
    res.status(204).end();
  });

  router.get('/users', async (_req, res) => {
    principalOf(res, 'users:manage');
    res.json({ users: await accounts.listUsers() });
  });

  router.post('/users', requireJson, async (req, res) => {
    const by = principalOf(res, 'users:manage');
    const { user, password } = await accounts.addUser(req.body, by);
    res.status(201).set('Cache-Control', 'no-store').json({ user, password });
  });

  router.post('/users/:username/:change', async (req, res) => {
    const by = principalOf(res, 'users:manage');
    const { username, change } = req.params;
    if (change === 'disable' || change === 'enable') {
      res.json({ user: await accounts.setDisabled(username, change === 'disable', by) });
    } else if (change === 'reset') {
      res.set('Cache-Control', 'no-store').json(await accounts.resetPassword(username, by));
    } else {
      throw new HubError('NOT_FOUND', `No user change called ${change}; use disable, enable or reset.`);
    }
  });

  return router;
}
