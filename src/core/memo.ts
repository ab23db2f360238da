/**
 * Results of a pure function of one key, kept for reuse. For formatting the bot repeats on most
 * updates — the same few dates, months, amounts and masked names — where `Intl` or a chain of
 * regular expressions costs microseconds each time (issue 12). Bounded: at `limit` entries it
 * starts afresh, so it never grows with the data; no expiry is needed, the function is pure.
 */
export class Memo<K extends string | number = string> {
  private readonly results = new Map<K, string>();

  /** @param limit entries held at most (default 4 096: a few hundred kilobytes of short strings) */
  constructor(private readonly limit = 4_096) {}

  /** The result for `key`, computed by `compute` the first time (and after the memo restarts). */
  get(key: K, compute: () => string): string {
    let result = this.results.get(key);
    if (result === undefined) {
      result = compute();
      if (this.results.size >= this.limit) this.results.clear();
      this.results.set(key, result);
    }
    return result;
  }
}
