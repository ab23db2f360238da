import type { StorageAdapter } from 'grammy';
import type { Db } from './db/index';
import { nowIso } from './db/index';
import { readRows, runStatement } from './db/prepared';
import type { Clock } from './clock';

/**
 * How many keys one cached adapter remembers (issue 12). Beyond it the least recently used is
 * forgotten (and read from the table again when needed): a bound on memory, not on correctness.
 */
export const STATE_CACHE_ENTRIES = 20_000;

export interface StorageOptions {
  /**
   * Keep a write-through copy of the values in this process: a read is answered from memory after
   * the first, and a write that stores what is already stored is skipped. Only where this process
   * is the table's one writer for the prefix — SQLite (one bot process per database file), never
   * PostgreSQL shared by several instances. Entries kept at most: {@link STATE_CACHE_ENTRIES}.
   */
  cached?: boolean;
}

/**
 * A grammY {@link StorageAdapter} over the `kv_store` table, in the bot's own database.
 *
 * Sessions and conversation state hold personal data, so they stay here rather than in a hosted
 * store (152-ФЗ ч.5 ст.18); and a conversation in progress survives a restart or a move to another
 * instance sharing the same PostgreSQL. Values are JSON. `prefix` keeps the users of one table apart.
 *
 * With `cached` (see {@link StorageOptions}) the table is still written before a write returns —
 * the copy in memory saves reads, never durability: the conversations plugin reads its state on
 * every update, so without it every update, even /balance, costs a storage read (issue 12).
 */
export class KnexStorageAdapter<T> implements StorageAdapter<T> {
  /** Key → the stored JSON, or null when the key is known to be absent. In LRU order. */
  private readonly cache: Map<string, string | null> | undefined;
  /** Writes and deletes begun; a read that overlapped one does not fill the cache (it may be stale). */
  private changes = 0;

  constructor(
    private readonly db: Db,
    private readonly prefix: string,
    private readonly clock: Clock,
    options: StorageOptions = {},
  ) {
    this.cache = options.cached ? new Map() : undefined;
  }

  async read(key: string): Promise<T | undefined> {
    const json = await this.stored(key);
    // Parsed afresh each time: callers (the conversations plugin) mutate what they read.
    return json === null ? undefined : (JSON.parse(json) as T);
  }

  async write(key: string, value: T): Promise<void> {
    const json = JSON.stringify(value);
    if (this.cache?.get(key) === json) return this.remember(key, json);
    this.changes++;
    this.cache?.delete(key); // if the write fails, the next read goes to the table
    // Every step of a flow writes here: a prepared statement, not the query builder (issue 12).
    await runStatement(
      this.db,
      'insert into kv_store (key, value, updated_at) values (?, ?, ?) on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at',
      [this.prefix + key, json, nowIso(this.clock)],
    );
    this.remember(key, json);
  }

  async delete(key: string): Promise<void> {
    if (this.cache?.get(key) === null) return this.remember(key, null);
    this.changes++;
    this.cache?.delete(key);
    await runStatement(this.db, 'delete from kv_store where key = ?', [this.prefix + key]);
    this.remember(key, null);
  }

  async has(key: string): Promise<boolean> {
    return (await this.stored(key)) !== null;
  }

  async *readAllKeys(): AsyncIterableIterator<string> {
    const rows = await this.db('kv_store')
      .whereRaw("key like ? escape '\\'", [`${escapeLike(this.prefix)}%`])
      .select('key')
      .orderBy('key');
    for (const row of rows) yield (row.key as string).slice(this.prefix.length);
  }

  /** The stored JSON, or null; from memory when cached. */
  private async stored(key: string): Promise<string | null> {
    const cached = this.cache?.get(key);
    if (cached !== undefined) {
      this.remember(key, cached);
      return cached;
    }
    const changesBefore = this.changes;
    const [row] = await readRows<{ value: string }>(
      this.db,
      'select value from kv_store where key = ? limit 1',
      [this.prefix + key],
    );
    const json = row ? row.value : null;
    if (this.changes === changesBefore) this.remember(key, json);
    return json;
  }

  private remember(key: string, json: string | null): void {
    const cache = this.cache;
    if (!cache) return;
    cache.delete(key); // re-inserted last: most recently used
    cache.set(key, json);
    if (cache.size > STATE_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
