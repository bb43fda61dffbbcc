/**
 * The real hub as a child process, exactly as `npm start` runs it (tsx server/index.ts) but on a
 * free port, a temporary data directory and the district-scale city, so end-to-end tests see
 * the product a newcomer sees. It can be stopped and started again on the same port and data,
 * with other settings if asked (a roster written by the simulator, then the hub without it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface HubProcess {
  url: string;
  port: number;
  dataDir: string;
  /** `more` overrides the environment given at creation, for this start only */
  start(more?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
  /** freezes (SIGSTOP) or thaws (SIGCONT) the running hub: a hub that is connected but silent */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void;
  dispose(): Promise<void>;
  log(): string;
}

export interface HubProcessOptions {
  healthyWithinMs?: number;
  /** node options before the hub's own (`--cpu-prof`, a preload with `--import`): benchmarks that look inside the hub */
  nodeArgs?: string[];
  /** how long stop() waits after SIGTERM before SIGKILL (default 10 s; a CPU profile is written at exit and a long one takes a while) */
  stopGraceMs?: number;
}

export async function createHubProcess(env: Record<string, string> = {}, options: HubProcessOptions = {}): Promise<HubProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'wall-e2e-'));
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';

  async function waitHealthy(deadlineMs: number): Promise<void> {
    const until = Date.now() + deadlineMs;
    while (Date.now() < until) {
      if (child?.exitCode !== null && child?.exitCode !== undefined) throw new Error(`the hub exited (${child.exitCode}):\n${output.slice(-3000)}`);
      try {
        const res = await fetch(`${url}/healthz`);
        if (res.ok) {
          // ready when the simulated city runs, or at once when it is switched off (SIM=0)
          const body = (await res.json()) as { simulator?: { running?: boolean; enabled?: boolean } };
          if (body.simulator?.running || body.simulator?.enabled === false) return;
        }
      } catch {
        /* not up yet */
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`the hub did not become healthy at ${url}:\n${output.slice(-3000)}`);
  }

  const hub: HubProcess = {
    url,
    port,
    dataDir,
    async start(more = {}) {
      child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'server/index.ts'], {
        cwd: repo,
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          DATA_DIR: dataDir,
          SIM_SCALE: 'district',
          SIM_HISTORY_DAYS: '2',
          LOG_LEVEL: 'warn',
          ...env,
          ...more,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      await waitHealthy(options.healthyWithinMs ?? 120_000);
    },
    signal(signal) {
      if (child && child.exitCode === null) child.kill(signal);
    },
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null) return;
      c.kill('SIGCONT'); // a frozen hub cannot act on SIGTERM
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGTERM');
        setTimeout(() => c.kill('SIGKILL'), options.stopGraceMs ?? 10_000).unref();
      });
    },
    async dispose() {
      await hub.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
    log: () => output,
  };
  return hub;
}
