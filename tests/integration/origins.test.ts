/**
 * Who may talk to the hub from a browser (issue 17 part 3) against a real hub: a WebSocket from
 * another site's page is refused at the handshake and reads nothing; a cross-site form POST to a
 * feed or to Open311 is refused before it is read and stores nothing; the hub's own pages and the
 * listed origins are served (the latter with CORS); every answer carries the security headers.
 */
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, grids, smallRoster, startTestHub, type TestHub } from './harness';

const PORTAL = 'https://portal.example.gov.cn';
let t: TestHub;

beforeAll(async () => {
  t = await startTestHub({ fusion: 'off', allowedOrigins: [PORTAL], coordination: { rules: [] } });
  const { cameras, patrols } = smallRoster(2, Date.now());
  await t.hub.loadRoster(cameras, patrols);
});
afterAll(async () => {
  await t?.close();
});

function connectFrom(origin: string): Promise<'connected' | string> {
  const socket = io(t.url, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { Origin: origin } });
  return new Promise((resolve) => {
    socket.once('hello', () => {
      socket.close();
      resolve('connected');
    });
    socket.once('connect_error', (error) => {
      socket.close();
      resolve(error.message);
    });
  });
}

describe('origins', () => {
  it("refuses a WebSocket from another site's page; takes the hub's own pages, listed origins and programs", async () => {
    expect(await connectFrom('http://evil.example')).not.toBe('connected');
    expect(await connectFrom('null')).not.toBe('connected');
    expect(await connectFrom(t.url)).toBe('connected');
    expect(await connectFrom(PORTAL)).toBe('connected');
    const { socket } = await connectClient(t.url); // a program: no Origin header
    socket.close();
  });

  it('refuses a cross-site POST before reading it, storing nothing; a listed origin gets CORS and its preflight', async () => {
    const seq = t.hub.seq;
    const [lng, lat] = grids()[0]!.center;
    const feed = await fetch(`${t.url}/api/positions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', Origin: 'http://evil.example' },
      body: JSON.stringify({ positions: [{ patrolId: 'p-0', lng, lat, at: Date.now() }] }),
    });
    expect(feed.status).toBe(403);
    expect(((await feed.json()) as { error: string }).error).toBe('FORBIDDEN_ORIGIN');
    expect(t.hub.positions.get(0) ?? null).toBeNull();
    const form = await fetch(`${t.url}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', Origin: 'http://evil.example' },
      body: new URLSearchParams({ service_code: 'sanitation', lat: String(lat), long: String(lng), description: '伪造的上报' }).toString(),
    });
    expect(form.status).toBe(403);
    expect(t.hub.seq).toBe(seq);

    const preflight = await fetch(`${t.url}/api/incidents`, { method: 'OPTIONS', headers: { Origin: PORTAL, 'Access-Control-Request-Method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(PORTAL);
    const read = await fetch(`${t.url}/api/catalog`, { headers: { Origin: PORTAL } });
    expect(read.headers.get('access-control-allow-origin')).toBe(PORTAL);
    // no CORS for anyone else: a foreign page cannot read the answers either
    const foreign = await fetch(`${t.url}/api/catalog`, { headers: { Origin: 'http://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('every answer carries nosniff, no referrer and no framing by other sites', async () => {
    for (const path of ['/healthz', '/api/catalog', '/api/nowhere']) {
      const res = await fetch(`${t.url}${path}`);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
    }
  });
});
