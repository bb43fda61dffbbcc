/**
 * The built wall and console: static files, and index.html for every page path (the apps route on
 * the client). Nothing leaves the hub (the page's Content-Security-Policy) except, when the
 * deployment names them (VIDEO_FRAME_ORIGINS), the video platform's web players that focus mode
 * opens in a frame: those origins are added to `frame-src` of the page the hub serves.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Router } from 'express';

/** the page's policy with the video platforms' origins allowed in frames */
export function withFrameOrigins(html: string, origins: readonly string[]): string {
  if (origins.length === 0) return html;
  return html.replace(/(http-equiv="Content-Security-Policy"\s+content="[^"]*?)"/, (_m, policy: string) => `${policy}; frame-src 'self' ${origins.join(' ')}"`);
}

export function webAppRoutes(root: string, frameOrigins: readonly string[]): Router {
  const router = express.Router();
  const index = withFrameOrigins(readFileSync(join(root, 'index.html'), 'utf8'), frameOrigins);
  const sendIndex = (_req: express.Request, res: express.Response) => res.type('html').set('Cache-Control', 'no-cache').send(index);
  router.get('/', sendIndex);
  router.get('/index.html', sendIndex);
  router.use(express.static(root, { index: false, maxAge: '1h' }));
  router.get(/^\/(?!api\/|open311\/|socket\.io\/).*/, sendIndex);
  return router;
}
