/**
 * Makes the embedded store's commits survive a power loss. As shipped, PGlite (0.5) on Node
 * acknowledges a COMMIT once its WAL bytes are in the OS page cache and never asks the disk for
 * more: it starts PostgreSQL with `-F` (fsync = off), Emscripten's NODEFS has no fsync operation
 * (the WASI `fd_sync` then does nothing and reports success) and `fdatasync` is a no-op stub
 * (upstream: electric-sql/pglite issue #1107). A trace of 1,516 acknowledged reports showed no
 * fsync at all.
 *
 * Here PostgreSQL does what it does on a server, with the calls made real:
 *   - started without `-F`, so `fsync = on`, `synchronous_commit = on`, `full_page_writes = on`;
 *   - `wal_sync_method = fsync`: a COMMIT flushes its WAL with fsync(), which reaches the WASI
 *     `fd_sync` (the default, fdatasync, is a stub that cannot be reached from JavaScript);
 *   - NODEFS gets an `fsync` stream operation that calls `fs.fsyncSync` on the real descriptor
 *     (a directory, which NODEFS opens without a host descriptor, is opened and synced by path),
 *     so checkpoints, new WAL segments and their directory entries are synced as PostgreSQL
 *     orders them;
 *   - the data directory is synced once as it is opened: files written by initdb, or by an earlier
 *     run without fsync, reach the disk before anything new is acknowledged on top of them.
 * A COMMIT therefore returns only after its WAL is on disk: one fsync of the current pg_wal
 * segment per transaction, whatever it holds (the hub puts many reports in one, see
 * server/hub/groupCommit.ts).
 */
import { closeSync, fsyncSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';

/** Called after each fsync PostgreSQL asked for, with the host path synced and how long it took (tests, benchmarks). */
export type FsyncListener = (path: string, ms: number) => void;

/** PGlite's own start-up flags less `-F`, with the WAL flushed by fsync() (see above). */
export function durableStartParams(): string[] {
  const params = PGlite.defaultStartParams.filter((p) => p !== '-F');
  return [...params, '-c', 'fsync=on', '-c', 'synchronous_commit=on', '-c', 'full_page_writes=on', '-c', 'wal_sync_method=fsync'];
}

// The parts of Emscripten's NODEFS and its streams this file touches (not in PGlite's types).
interface NodeFsStream {
  nfd?: number;
  node: unknown;
}
interface NodeFsModule {
  realPath(node: unknown): string;
  stream_ops: { fsync?: (stream: NodeFsStream) => number };
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** NodeFS whose fsync reaches the disk. */
export class DurableNodeFS extends NodeFS {
  constructor(
    dataDir: string,
    private readonly onFsync?: FsyncListener,
  ) {
    super(dataDir);
  }

  override async init(pg: PGlite, opts: Parameters<NodeFS['init']>[1]): ReturnType<NodeFS['init']> {
    const { emscriptenOpts } = await super.init(pg, opts);
    const onFsync = this.onFsync;
    const installFsync = (mod: { NODEFS: unknown }) => {
      const nodefs = mod.NODEFS as NodeFsModule;
      // stream_ops is one object shared by every NODEFS node and stream: adding the operation
      // here covers files opened before and after.
      nodefs.stream_ops.fsync = (stream) => {
        const path = nodefs.realPath(stream.node);
        const started = performance.now();
        if (typeof stream.nfd === 'number') fsyncSync(stream.nfd);
        else fsyncPath(path);
        onFsync?.(path, performance.now() - started);
        return 0;
      };
    };
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts.preRun ?? []), installFsync] } };
  }
}

/**
 * fsyncs every file and directory under `dir` (children before their directory), as PostgreSQL's
 * own SyncDataDirectory does after a crash. Returns how many were synced.
 */
export function syncTree(dir: string): number {
  let synced = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) synced += syncTree(path);
    else if (entry.isFile()) {
      fsyncPath(path);
      synced++;
    }
  }
  fsyncPath(dir);
  return synced + 1;
}
