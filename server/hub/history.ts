/**
 * History identity (issue 17, part 5): which run of sequence numbers a client's `lastSeq` belongs
 * to. A client resumes only within the history it holds; otherwise it takes a fresh snapshot.
 *
 * Why a new id at every start. Anything kept inside the store is restored together with the data:
 * an id written there once would come back with an older backup, and a wall that saw seq 120 of
 * the newer timeline would be resumed into a restored store whose numbers 101… were reissued to
 * other changes. So the id is not a property of the database but of one hub run over it: a random
 * id made when the hub opens the store. A restore always goes through a stop and a start (PGlite
 * allows one process per data directory; a pg_restore under a running hub breaks it anyway), so
 * after a restore every client holds an id the hub does not know, and takes a snapshot.
 *
 * What it costs, and what is kept of it. A new id at each start would send every wall to a
 * snapshot after every restart, even those that missed nothing. A clean shutdown therefore
 * records `{ id, seq }` in the store's meta (key `history`); the next start accepts that id as its
 * predecessor, but only for a `lastSeq` up to that seq, and only when the store's last seq is
 * still exactly that seq (nothing written since under another run, no restore to an older
 * point). A backup carries the record of the shutdown before it — restored, it names the history
 * the backup's own events belong to, up to the backup's seq: a client of that history at or below
 * it is resumed correctly; one of a later run holds an id that is in neither, and is not. After a
 * crash the record does not match the store's seq and no predecessor is accepted (walls take a
 * snapshot: safe).
 *
 * Clients that send no history id (before this field existed) are resumed by `lastSeq` alone, as
 * before; they stay exposed to the restore case. The wall and the console always send it.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Store } from '../store/types';

export const HISTORY_META_KEY = 'history';
/** a random value of the shared store's history (ofSharedStore) */
export const CLUSTER_EPOCH_KEY = 'cluster-epoch';

export interface HistoryRecord {
  id: string;
  /** the store's last seq when the run with this id stopped cleanly */
  seq: number;
}

export class HistoryIdentity {
  constructor(
    /** this run's id, sent in `hello`, the snapshot and a resume answer */
    readonly id: string = randomUUID(),
    /** the run before this one, when the store is exactly as that run left it */
    readonly predecessor: HistoryRecord | null = null,
  ) {}

  /** a new id for this run over a store whose last seq is `loadedSeq` */
  static async open(store: Store, loadedSeq: number): Promise<HistoryIdentity> {
    const held = await store.getMeta<HistoryRecord>(HISTORY_META_KEY);
    const continues = held !== null && typeof held.id === 'string' && held.seq === loadedSeq;
    return new HistoryIdentity(randomUUID(), continues ? { id: held.id, seq: held.seq } : null);
  }

  /**
   * Several hub nodes on one PostgreSQL database (their memory follows its log): one history for
   * all of them, so that a client resumes on any node, also after the node it used died. Its id
   * is derived from the database's identity (Store.databaseIdentity: a new cluster, a
   * point-in-time recovery or a dump restored into a new database or schema give another) and an
   * epoch kept in the store's meta — delete the meta key `cluster-epoch` after restoring a dump
   * in place, and every client takes a snapshot.
   */
  static async ofSharedStore(store: Store): Promise<HistoryIdentity> {
    const epoch = await store.setMetaIfAbsent<string>(CLUSTER_EPOCH_KEY, randomUUID());
    const identity = (await store.databaseIdentity?.()) ?? 'shared';
    const hash = createHash('sha256').update(`${identity}|${epoch}`).digest('hex');
    return new HistoryIdentity(`${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20, 32)}`);
  }

  /**
   * whether a client that applied everything up to `lastSeq` of history `historyId` may resume
   * (the resume buffer decides then whether it still holds what it missed); undefined: a client
   * that does not know history ids, resumed by seq alone
   */
  accepts(historyId: string | undefined, lastSeq: number): boolean {
    if (historyId === undefined || historyId === this.id) return true;
    return this.predecessor !== null && historyId === this.predecessor.id && lastSeq <= this.predecessor.seq;
  }

  /** on a clean shutdown, after the last write: the next start may resume this run's clients */
  async record(store: Store, seq: number): Promise<void> {
    await store.setMeta(HISTORY_META_KEY, { id: this.id, seq } satisfies HistoryRecord);
  }
}
