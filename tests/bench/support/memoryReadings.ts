/**
 * Memory readings of the province-day benchmark: the hub's from /metrics (prom-client's process
 * and heap gauges, and the hub's own count of cases in memory), the hub's heap after a full GC
 * through its inspector, and a wall page's JS heap after a full GC through Chromium's DevTools
 * protocol. Readings after a GC are what is still reachable; readings without one also count
 * garbage not yet collected, which comes and goes by hundreds of MB on a large heap.
 */
import type { CDPSession } from 'playwright-core';

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

/** a wall page's JS heap after Chromium's own full GC, and its DOM size */
export async function wallHeapAfterGc(cdp: CDPSession, domNodes: () => Promise<number>): Promise<{ heapBytes: number; domNodes: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  return { heapBytes: usage.usedSize, domNodes: await domNodes() };
}

/** growth from `after` to `end` in per cent of `after` */
export function growthPercent(after: number, end: number): number {
  return ((end - after) / after) * 100;
}

export const mb = (bytes: number): number => Math.round(bytes / 1e5) / 10;
