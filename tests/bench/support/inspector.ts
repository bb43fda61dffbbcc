/**
 * A minimal client of Node's inspector protocol (the DevTools protocol over a WebSocket), for a
 * hub started with --inspect=127.0.0.1:0: a full garbage collection and the heap in use after it
 * — what is still reachable, the figure that would accumulate over months — and heap snapshots and
 * CPU profiles to open in Chrome's DevTools when something grows or lags. Only what the benchmarks need.
 */
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import WebSocket from 'ws';

/** the inspector's address from what `node --inspect` printed on stderr */
export function inspectorUrlIn(output: string): string | null {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1] ?? null;
}

interface Reply {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: unknown;
  error?: { message: string };
}

export class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, (params: Record<string, unknown>) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString()) as Reply;
      if (msg.id !== undefined) {
        const waiter = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) waiter?.reject(new Error(msg.error.message));
        else waiter?.resolve(msg.result);
      } else if (msg.method) {
        this.listeners.get(msg.method)?.(msg.params ?? {});
      }
    });
    ws.on('close', () => {
      for (const w of this.pending.values()) w.reject(new Error('the inspector connection closed'));
      this.pending.clear();
    });
  }

  static connect(url: string): Promise<Inspector> {
    return new Promise((resolve, reject) => {
      // snapshots of a province hub come in many large chunks
      const ws = new WebSocket(url, { maxPayload: 1 << 30 });
      ws.once('open', () => resolve(new Inspector(ws)));
      ws.once('error', reject);
    });
  }

  send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** a full GC, then the heap in use (bytes) and how long the GC held the process (ms) */
  async heapAfterGc(): Promise<{ usedBytes: number; gcMs: number }> {
    const t0 = performance.now();
    await this.send('HeapProfiler.collectGarbage');
    const gcMs = performance.now() - t0;
    const usage = await this.send<{ usedSize: number }>('Runtime.getHeapUsage');
    return { usedBytes: usage.usedSize, gcMs };
  }

  /** writes a heap snapshot of the inspected process to `path` (a GC comes first, as DevTools does) */
  async writeHeapSnapshot(path: string): Promise<void> {
    const out = createWriteStream(path);
    this.listeners.set('HeapProfiler.addHeapSnapshotChunk', (p) => void out.write(String(p.chunk)));
    try {
      await this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    } finally {
      this.listeners.delete('HeapProfiler.addHeapSnapshotChunk');
      await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
    }
  }

  /** starts V8's CPU profiler in the inspected process */
  async startProfile(): Promise<void> {
    await this.send('Profiler.enable');
    await this.send('Profiler.start');
  }

  /** stops it and writes the profile to `path` (.cpuprofile: Chrome's DevTools, Performance tab) */
  async stopProfile(path: string): Promise<void> {
    const { profile } = await this.send<{ profile: unknown }>('Profiler.stop');
    await writeFile(path, JSON.stringify(profile));
  }

  close(): void {
    this.ws.close();
  }
}
