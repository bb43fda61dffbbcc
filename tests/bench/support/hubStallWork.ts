/**
 * What hubStalls.bench.ts does to the hub in each phase, as plain clients would: Open311 pages,
 * the JSON API's long lists, and a stream of GPS fixes. Each answers a few words of what it did
 * (requests, bytes, time) for the phase's row. Any answer but 2xx fails the phase: a refused
 * request measures nothing.
 */
import { BATCH_CONTENT_TYPE, encodePositionsBatch } from '@shared/binary/positionsBatch';
import type { Patrol } from '@shared/schemas/patrol';
import { BENCH_INGEST_HEADERS } from './benchKey';

export interface Got {
  bytes: number;
  ms: number;
  body: string;
}

export async function get(url: string, path: string, headers: Record<string, string> = {}): Promise<Got> {
  const t0 = performance.now();
  const res = await fetch(`${url}${path}`, { headers });
  const body = await res.text();
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${body.slice(0, 200)}`);
  return { bytes: Buffer.byteLength(body), ms: performance.now() - t0, body };
}

export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
export const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** a signed-in admin's bearer token (the hub was started with ADMIN_PASSWORD) */
export async function signIn(url: string, password: string): Promise<Record<string, string>> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
  if (!res.ok) throw new Error(`sign-in refused: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  return { authorization: `Bearer ${token}` };
}

/**
 * `clients` Open311 clients at once, each paging GET requests.<format> with the largest page the
 * API allows (page_size 1000, docs/open311.md) from page 1 until a short page or `maxPages`.
 */
export async function open311Pages(url: string, format: 'json' | 'xml', clients: number, maxPages: number): Promise<string> {
  const t0 = performance.now();
  const each = await Promise.all(
    Array.from({ length: clients }, async () => {
      let requests = 0;
      let bytes = 0;
      let pages = 0;
      for (let page = 1; page <= maxPages; page++) {
        const got = await get(url, `/open311/v2/requests.${format}?page_size=1000&page=${page}`);
        const n = format === 'json' ? (JSON.parse(got.body) as unknown[]).length : got.body.split('<request>').length - 1;
        requests += n;
        bytes += got.bytes;
        pages++;
        if (n < 1000) break;
      }
      return { requests, bytes, pages };
    }),
  );
  const requests = each.reduce((s, e) => s + e.requests, 0);
  const bytes = each.reduce((s, e) => s + e.bytes, 0);
  return `${clients} clients × ${each[0]?.pages ?? 0} pages of ≤1,000 (default 90-day range): ${requests.toLocaleString('en-US')} requests, ${mb(bytes)} in ${secs(performance.now() - t0)}`;
}

/** the same GET from `clients` clients at once */
export async function getMany(url: string, path: string, clients: number, headers: Record<string, string> = {}): Promise<string> {
  const t0 = performance.now();
  const got = await Promise.all(Array.from({ length: clients }, () => get(url, path, headers)));
  const bytes = got[0]?.bytes ?? 0;
  return `${clients === 1 ? '' : `${clients} at once, `}${mb(bytes)} each, ${secs(performance.now() - t0)}`;
}

/** pages of GET /api/audit (newest first, `before` the last id of the page before) */
export async function auditPages(url: string, headers: Record<string, string>, pages: number): Promise<string> {
  const t0 = performance.now();
  let before: number | null = null;
  let rows = 0;
  let bytes = 0;
  let read = 0;
  for (; read < pages; read++) {
    const got = await get(url, `/api/audit?limit=1000${before === null ? '' : `&before=${before}`}`, headers);
    const page = JSON.parse(got.body) as { entries: unknown[]; next: number | null };
    rows += page.entries.length;
    bytes += got.bytes;
    before = page.next;
    if (before === null) {
      read++;
      break;
    }
  }
  return `${read} pages of ≤1,000: ${rows.toLocaleString('en-US')} rows, ${mb(bytes)} in ${secs(performance.now() - t0)}`;
}

export interface FixStream {
  /** resolves once the hub has taken the first four batches (a second of the stream) */
  flowing: Promise<void>;
  stop(): Promise<string>;
}

/**
 * Binary batches of fixes at POST /api/positions (docs/protocol.md, "Position ingest") for the
 * given patrols, `perTick` fixes every 250 ms, each patrol nudged a few metres from its last fix.
 * One batch in flight at a time: an overloaded hub slows the stream rather than queueing it.
 */
export function streamFixes(url: string, patrols: readonly Patrol[], perTick: number): FixStream {
  const moving = patrols.filter((p) => p.lng !== null && p.lat !== null);
  let running = true;
  let sent = 0;
  let next = 0;
  let batches = 0;
  let flowed!: () => void;
  const flowing = new Promise<void>((r) => (flowed = r));
  const t0 = performance.now();
  const loop = (async () => {
    while (running && moving.length > 0) {
      const started = performance.now();
      const at = Date.now();
      const fixes = Array.from({ length: Math.min(perTick, 50_000) }, () => {
        const p = moving[next++ % moving.length]!;
        return { idx: p.idx, lng: p.lng! + (Math.random() - 0.5) * 1e-4, lat: p.lat! + (Math.random() - 0.5) * 1e-4, at };
      });
      const res = await fetch(`${url}/api/positions`, { method: 'POST', headers: { ...BENCH_INGEST_HEADERS, 'content-type': BATCH_CONTENT_TYPE }, body: encodePositionsBatch(fixes) });
      await res.text();
      if (!res.ok) throw new Error(`POST /api/positions: ${res.status}`);
      sent += fixes.length;
      if (++batches === 4) flowed();
      await new Promise((r) => setTimeout(r, Math.max(0, 250 - (performance.now() - started))));
    }
  })();
  return {
    // a stream that failed or never had patrols to move is not waited for
    flowing: Promise.race([flowing, loop.then(() => undefined)]),
    async stop() {
      running = false;
      await loop;
      const s = (performance.now() - t0) / 1000;
      return `${sent.toLocaleString('en-US')} fixes in ${s.toFixed(1)} s (${Math.round(sent / s).toLocaleString('en-US')}/s) from ${moving.length.toLocaleString('en-US')} patrols`;
    },
  };
}
