/**
 * Case numbers operators can read aloud: E + local date + a daily counter, e.g. E20261125-00042.
 * The counter continues from the highest number already issued that day.
 */
export class IncidentIds {
  private readonly counters = new Map<string, number>();
  /** days whose highest number has been read from the store in this process */
  private readonly checkedDays = new Set<string>();

  constructor(private readonly tzOffsetMinutes: number) {}

  private dayOf(at: number): string {
    const local = new Date(at + this.tzOffsetMinutes * 60_000);
    const y = local.getUTCFullYear();
    const m = String(local.getUTCMonth() + 1).padStart(2, '0');
    const d = String(local.getUTCDate()).padStart(2, '0');
    return `${y}${m}${d}`;
  }

  /** learns the highest counters from ids already issued */
  seed(ids: Iterable<string>): void {
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
    if (this.checkedDays.has(day)) return;
    const id = await highest(`E${day}-`);
    if (id) this.seed([id]);
    this.checkedDays.add(day);
  }

  next(at: number): string {
    const day = this.dayOf(at);
    const n = (this.counters.get(day) ?? 0) + 1;
    this.counters.set(day, n);
    return `E${day}-${String(n).padStart(5, '0')}`;
  }

  /** gives back numbers reserved by a batch that was refused, when they are still the latest */
  release(ids: readonly string[]): void {
    for (const id of [...ids].reverse()) {
      const m = /^E(\d{8})-(\d+)$/.exec(id);
      if (m && this.counters.get(m[1]!) === Number(m[2])) this.counters.set(m[1]!, Number(m[2]) - 1);
    }
  }
}
