/**
 * A Redis of the test's own: `redis-server` started on a free port with nothing kept on disk, so
 * that a test can kill it and start it again on the same port. The machine's Redis (6379) is never
 * touched. Without the binary the suite is skipped loudly, or fails under REQUIRE_REDIS=1 (CI).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';

export const REDIS_SERVER = process.env.REDIS_SERVER_BIN ?? '/usr/bin/redis-server';

/** whether the suite can run; says so loudly (or fails under REQUIRE_REDIS=1) when it cannot */
export function redisAvailable(what: string): boolean {
  if (existsSync(REDIS_SERVER)) return true;
  const why = `${REDIS_SERVER} is not installed`;
  if (process.env.REQUIRE_REDIS === '1') {
    describe(what, () => {
      it('finds redis-server (REQUIRE_REDIS=1)', () => expect.fail(why));
    });
  } else {
    console.warn(`\n!! ${what} DID NOT RUN: ${why}. Set REQUIRE_REDIS=1 to make this a failure.\n`);
  }
  return false;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export class PrivateRedis {
  private child: ChildProcess | null = null;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** starts it and resolves once it accepts connections (its own log line says so) */
  async start(): Promise<void> {
    const child = spawn(REDIS_SERVER, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'notice'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const onData = (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) {
          child.stdout!.off('data', onData);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before it was ready: ${out.slice(-500)}`)));
    });
    // keep reading, so that a full pipe never holds it
    child.stdout!.resume();
    child.stderr!.resume();
  }

  /** SIGKILL, as a crash: resolves once the process is gone */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }
}
