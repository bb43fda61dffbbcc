/**
 * Memory readings of the province-day benchmark: the hub's from /metrics (prom-client's process
 * and heap gauges, and the hub's own count of cases in memory), the hub's heap after a full GC
 * through its inspector, and a wall page's JS heap after a full GC through Chromium's DevTools
 * protocol. Readings after a GC are what is still reachable; readings without one also count
 * garbage not yet collected, which comes and goes by hundreds of MB on a large heap.
 */
import type { CDPSession, Page } from 'playwright-core';

export interface HubMetrics {
  rssBytes: number;
  heapUsedBytes: number;
  incidentsInMemory: number;
  clients: number;
  seq: number;
}

/** the value of a gauge without labels in Prometheus' text format */
function gauge(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.slice(name.length + 1).split(' ')[0]) : NaN;
}

export async function readHubMetrics(url: string): Promise<HubMetrics> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return {
    rssBytes: gauge(text, 'gcw_process_resident_memory_bytes'),
    heapUsedBytes: gauge(text, 'gcw_nodejs_heap_size_used_bytes'),
    incidentsInMemory: gauge(text, 'gcw_incidents_in_memory'),
    clients: gauge(text, 'gcw_connected_clients'),
    seq: gauge(text, 'gcw_seq'),
  };
}

/** what a wall holds that grows with the day by design: its cases (open, and closed within 24 h) and heat points (7 days) */
export interface WallHoldings {
  domNodes: number;
  cases: number | null;
  heatPoints: number | null;
  /** the wall's connection status (live, stale, …) and whether its subscription has been answered */
  status: string | null;
  subscribed: boolean | null;
}

/**
 * Read in the page: the DOM's size, and through the Vue app's Pinia (`__vue_app__` on the mount
 * element, Pinia's store registry `_s`: internals, so null when they move) the incidents store.
 */
export function readWallHoldings(page: Page): Promise<WallHoldings> {
  return page.evaluate(() => {
    type Store = { byId?: Map<string, unknown>; heat?: number[]; status?: string; subscribed?: boolean };
    const app = (document.querySelector('#app') as (Element & { __vue_app__?: { config: { globalProperties: { $pinia?: { _s?: Map<string, Store> } } } } }) | null)?.__vue_app__;
    const stores = app?.config.globalProperties.$pinia?._s;
    const incidents = stores?.get('incidents');
    const live = stores?.get('live');
    return {
      domNodes: document.getElementsByTagName('*').length,
      cases: incidents?.byId?.size ?? null,
      heatPoints: Array.isArray(incidents?.heat) ? incidents.heat.length / 5 : null,
      status: live?.status ?? null,
      subscribed: live?.subscribed ?? null,
    };
  });
}

/** a wall page's JS heap after Chromium's own full GC, and what it holds */
export async function wallHeapAfterGc(cdp: CDPSession, page: Page): Promise<{ heapBytes: number } & WallHoldings> {
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  return { heapBytes: usage.usedSize, ...(await readWallHoldings(page)) };
}

/** growth from `after` to `end` in per cent of `after` */
export function growthPercent(after: number, end: number): number {
  return ((end - after) / after) * 100;
}

export const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;
