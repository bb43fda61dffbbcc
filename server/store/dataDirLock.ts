/**
 * PGlite takes no lock on its data directory: two processes opening it both succeed, both write,
 * and the files end up unreadable (later opens die with `RuntimeError: Aborted()` that names no
 * cause). PostgreSQL itself refuses via postmaster.pid; this is the same idea for the hub: a lock
 * file holding the owner's pid, refused while that process lives, taken over when it is gone.
 */
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly lockFile: string,
    detail: string,
  ) {
    super(
      `PGlite data directory ${dataDir} is already open ${detail}. Only one process may open it at a time: ` +
        `stop the other hub, point DATA_DIR elsewhere, or share a PostgreSQL via DATABASE_URL. ` +
        `If you are sure nothing else uses it, delete ${lockFile}.`,
    );
    this.name = 'DataDirLockedError';
  }
}

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

/** Lock files this process holds right now (a second open in the same process is refused too). */
const heldHere = new Set<string>();

function readOwner(lockFile: string): LockOwner | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(lockFile, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { pid, host, since } = parsed as Record<string, unknown>;
    if (typeof pid !== 'number' || typeof host !== 'string' || typeof since !== 'string') return null;
    return { pid, host, since };
  } catch {
    return null; // unreadable or half-written: treated as stale
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DataDirLock {
  readonly lockFile: string;
  release(): void;
}

/** Takes the lock in `dir` (which must exist) or throws DataDirLockedError naming the holder. */
export function acquireDataDirLock(dir: string): DataDirLock {
  const dataDir = resolve(dir);
  const lockFile = resolve(dataDir, 'store.lock');
  if (heldHere.has(lockFile)) throw new DataDirLockedError(dataDir, lockFile, 'in this process');

  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      // 'wx' fails when the file exists, so two racing processes cannot both win
      writeFileSync(lockFile, JSON.stringify(me), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const owner = readOwner(lockFile);
      // Another host's pid cannot be checked from here (shared volume): assume it is alive.
      const held = owner !== null && owner.pid !== process.pid && (owner.host !== me.host || isAlive(owner.pid));
      if (held) throw new DataDirLockedError(dataDir, lockFile, `by process ${owner.pid} on ${owner.host} since ${owner.since}`);
      unlinkSync(lockFile); // stale: its process is gone (or was an earlier run of ours with a reused pid)
    }
  }
  heldHere.add(lockFile);

  const removeFile = () => {
    try {
      if (readOwner(lockFile)?.pid === process.pid) unlinkSync(lockFile);
    } catch {
      // already gone
    }
  };
  // A crash or process.exit() without close() must not leave a lock that blocks the next start.
  process.once('exit', removeFile);

  return {
    lockFile,
    release() {
      if (!heldHere.delete(lockFile)) return;
      process.removeListener('exit', removeFile);
      removeFile();
    },
  };
}
