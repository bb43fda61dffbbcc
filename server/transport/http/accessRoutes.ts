/**
 * Ingest keys and kiosk links for admins (issue 17 part 3), and the door a kiosk link opens.
 *
 * - `GET /api/access-keys`, `POST /api/access-keys/ingest`, `POST /api/access-keys/kiosk`,
 *   `POST /api/access-keys/:id/revoke`: an admin's, within their region; every change audited.
 *   The secret of a key and the token of a link are in the answer that makes them, and never again.
 * - `GET /kiosk/:token`: a wall's screen opens its link once; the hub checks the signature, keeps
 *   the token in an HTTP-only cookie (no script reads it, no other site sends it) and sends the
 *   screen to the wall of the link's region. From then on the wall reads as a viewer of that region
 *   until the link expires or is revoked — then its connection is closed and the wall says so.
 */
import { Router } from 'express';
import { HubError } from '@shared/errors';
import type { AccessKeys } from '../../auth/accessKeys';
import { httpClient, KIOSK_COOKIE, principalOf } from './auth';
import { requireJson } from './errors';

export function accessKeyRoutes(keys: AccessKeys): Router {
  const router = Router();

  router.get('/access-keys', async (_req, res) => {
    const by = principalOf(res, 'keys:manage');
    res.set('Cache-Control', 'no-store').json({ keys: await keys.list(by) });
  });

  router.post('/access-keys/ingest', requireJson, async (req, res) => {
    const by = principalOf(res, 'keys:manage');
    res.status(201).set('Cache-Control', 'no-store').json(await keys.createIngestKey(req.body, by));
  });

  router.post('/access-keys/kiosk', requireJson, async (req, res) => {
    const by = principalOf(res, 'keys:manage');
    res.status(201).set('Cache-Control', 'no-store').json(await keys.createKioskLink(req.body, by));
  });

  router.post('/access-keys/:id/revoke', async (req, res) => {
    const by = principalOf(res, 'keys:manage');
    res.json({ key: await keys.revoke(String(req.params.id), by) });
  });

  return router;
}

/** `GET /kiosk/:token`: the link a wall's screen opens */
export function kioskEntryRoutes(keys: AccessKeys): Router {
  const router = Router();
  router.get('/kiosk/:token', async (req, res) => {
    const token = String(req.params.token);
    try {
      const viewer = await keys.resolveKiosk(token, httpClient(req));
      res.cookie(KIOSK_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: req.secure,
        path: '/',
        maxAge: Math.max(0, viewer.expiresAt - Date.now()),
      });
      res.set('Cache-Control', 'no-store').redirect(302, `/?region=${encodeURIComponent(viewer.user.regionCode)}`);
    } catch (error) {
      if (!(error instanceof HubError)) throw error;
      if (error.code !== 'LINK_INVALID') {
        // the hub cannot check the link now (its database does not answer): keep the cookie, try again
        res.status(503).set('Cache-Control', 'no-store').set('Refresh', '10').type('html').send(kioskWaitPage());
        return;
      }
      // a person reads this on the wall's screen: say what happened and whom to ask, in both languages
      res
        .status(401)
        .set('Cache-Control', 'no-store')
        .clearCookie(KIOSK_COOKIE, { path: '/' })
        .type('html')
        .send(kioskRefusalPage(error.message));
    }
  });
  return router;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function kioskWaitPage(): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>正在连接指挥中心</title>
<style>body{margin:0;height:100vh;display:flex;align-items:center;justify-content:center;background:#06121f;color:#e8f1ff;font:2.2vw/1.5 system-ui,sans-serif}main{text-align:center}h1{font-size:3.4vw;margin:0 0 2vw}p{color:#b8c7dc}</style></head>
<body><main><h1>正在连接指挥中心…</h1><p>指挥中心暂时无法核对此大屏链接，10 秒后自动重试。</p><p>The hub cannot check this wall link just now; retrying in 10 s.</p></main></body></html>`;
}

function kioskRefusalPage(reason: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>大屏链接无效</title>
<style>body{margin:0;height:100vh;display:flex;align-items:center;justify-content:center;background:#06121f;color:#e8f1ff;font:2.2vw/1.5 system-ui,sans-serif}main{max-width:70vw;text-align:center}h1{font-size:4vw;margin:0 0 2vw;color:#ffb020}p{margin:.6vw 0;color:#b8c7dc}</style></head>
<body><main><h1>大屏链接无效</h1><p>此链接已过期、被撤销或被改动。请联系指挥中心管理员获取新的大屏链接。</p><p>This wall link is not valid: ${escapeHtml(reason)}</p></main></body></html>`;
}
