/**
 * Case numbers operators can read aloud: E + local date + a daily counter, e.g. E20261125-00042.
 * The counter continues from the highest number already issued that day.
 *
 * Several hub nodes on one database (`reserve` given) take their numbers from the database
 * instead, a block at a time (Store.reserveIncidentNumbers, one atomic row per day): a counter
 * per node would issue the same number on two nodes at once, and one of the two changes would be
 * refused and decided again — over and over under load. Numbers stay unique and increase per
 * node; across nodes they interleave, and a block a node had not used up when it stopped leaves a
 * gap (a number never issued: nothing is missing).
 */
export class IncidentIds {
  private readonly counters = new Map<string, number>();
  /** days whose highest number has been read from the store in this process */
  private readonly checkedDays = new Set<string>();
  /** several nodes: the numbers of each day this node reserved and has not issued, smallest first */
  private readonly pools = new Map<string, number[]>();

  constructor(
    private readonly tzOffsetMinutes: number,
    /** several nodes: reserves `count` numbers of a day (prefix `E<day>-`), answering the last of them */
    private readonly reserve?: (prefix: string, count: number) => Promise<number>,
    private readonly blockSize = ID_BLOCK,
  ) {}

  private dayOf(at: number): string {
    const local = new Date(at + this.tzOffsetMinutes * 60_000);
    const y = local.getUTCFullYear();
    const m = String(local.getUTCMonth() + 1).padStart(2, '0');
    const d = String(local.getUTCDate()).padStart(2, '0');
    return `${y}${m}${d}`;
  }

  /** learns the highest counters from ids already issued */
  seed(ids: Iterable<string>): void {
    if (this.reserve) return; // the database's counter knows them
    for (const id of ids) {
      const m = /^E(\d{8})-(\d+)$/.exec(id);
      if (!m) continue;
      const n = Number(m[2]);
      if (n > (this.counters.get(m[1]!) ?? 0)) this.counters.set(m[1]!, n);
    }
  }

  /**
   * Before the first number of a day this process has not seen, reads the day's highest number
   * from the store: memory only holds recent incidents, and a backdated import or a day outside
   * the memory window must not reuse a number (the store would take it as the same case).
   */
  async prepare(at: number, highest: (prefix: string) => Promise<string | null>): Promise<void> {
    const day = this.dayOf(at);
    if (this.reserve) {
      const pool = this.pools.get(day) ?? [];
      if (pool.length > 0) return;
      const last = await this.reserve(`E${day}-`, this.blockSize);
      for (let n = last - this.blockSize + 1; n <= last; n++) pool.push(n);
      this.pools.set(day, pool);
      return;
    }
    if (this.checkedDays.has(day)) return;
    const id = await highest(`E${day}-`);
    if (id) this.seed([id]);
    this.checkedDays.add(day);
  }

  next(at: number): string {
    const day = this.dayOf(at);
    if (this.reserve) {
      const n = this.pools.get(day)?.shift();
      if (n === undefined) throw new Error(`no case number reserved for ${day}: prepare() first`);
      return `E${day}-${String(n).padStart(5, '0')}`;
    }
    const n = (this.counters.get(day) ?? 0) + 1;
    this.counters.set(day, n);
    return `E${day}-${String(n).padStart(5, '0')}`;
  }

  /** gives back numbers reserved by a batch that was refused, when they are still the latest */
  release(ids: readonly string[]): void {
    if (this.reserve) {
      // still this node's: issued next, in order
      for (const id of ids) {
        const m = /^E(\d{8})-(\d+)$/.exec(id);
        if (!m) continue;
        const pool = this.pools.get(m[1]!) ?? [];
        pool.push(Number(m[2]));
        pool.sort((a, b) => a - b);
        this.pools.set(m[1]!, pool);
      }
      return;
    }
    for (const id of [...ids].reverse()) {
      const m = /^E(\d{8})-(\d+)$/.exec(id);
      if (m && this.counters.get(m[1]!) === Number(m[2])) this.counters.set(m[1]!, Number(m[2]) - 1);
    }
  }
}

/** numbers a node reserves at a time: a round trip per 16 new cases, at most 15 left unused when it stops */
export const ID_BLOCK = 16;
