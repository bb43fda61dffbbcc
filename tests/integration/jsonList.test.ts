/**
 * Long lists written a piece at a time (server/transport/http/jsonList.ts): the same document as
 * one JSON.stringify, whatever its size, and a client that leaves early stops the writing.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendJsonList } from '../../server/transport/http/jsonList';

let url = '';
let close: () => Promise<void>;
let stoppedEarly: Promise<boolean>;

beforeAll(async () => {
  const app = express();
  // about 6 MB: many pieces, several slices of time
  const rows = Array.from({ length: 40_000 }, (_, i) => ({ id: `p-${i}`, name: `巡查员${i}`, lng: 121.5 + i / 1e6, lat: 29.8, note: 'x'.repeat(100) }));
  app.get('/rows', async (req, res) => {
    const n = Number(req.query.n ?? rows.length);
    await sendJsonList(res, 'rows', rows.slice(0, n));
  });
  let leave: (v: boolean) => void;
  stoppedEarly = new Promise((r) => (leave = r));
  app.get('/endless', async (_req, res) => {
    let written = 0;
    function* forever() {
      for (;;) yield { n: written++, pad: 'y'.repeat(1000) };
    }
    await sendJsonList(res, 'rows', forever());
    leave(res.destroyed);
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((r) => server.close(() => r()));
});
afterAll(() => close());

describe('sendJsonList', () => {
  it('answers the document one JSON.stringify would, large or empty', async () => {
    for (const n of [0, 1, 3, 40_000]) {
      const res = await fetch(`${url}/rows?n=${n}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      const body = (await res.json()) as { rows: { id: string }[] };
      expect(body.rows).toHaveLength(n);
      if (n) expect(body.rows[n - 1]!.id).toBe(`p-${n - 1}`);
    }
  });

  it('stops writing when the client goes away', async () => {
    const aborted = new AbortController();
    const res = await fetch(`${url}/endless`, { signal: aborted.signal });
    const reader = res.body!.getReader();
    await reader.read(); // the first piece arrived: the list is being written
    aborted.abort();
    expect(await stoppedEarly).toBe(true);
  });
});
