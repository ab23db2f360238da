import type { StorageAdapter } from 'grammy';
import type { Db } from './db/index';
import { nowIso } from './db/index';
import type { Clock } from './clock';

/**
 * A grammY {@link StorageAdapter} over the `kv_store` table, in the bot's own database.
 *
 * Sessions and conversation state hold personal data, so they stay here rather than in a hosted
 * store (152-ФЗ ч.5 ст.18); and a conversation in progress survives a restart or a move to another
 * instance sharing the same PostgreSQL. Values are JSON. `prefix` keeps the users of one table apart.
 */
export class KnexStorageAdapter<T> implements StorageAdapter<T> {
  constructor(
    private readonly db: Db,
    private readonly prefix: string,
    private readonly clock: Clock,
  ) {}

  async read(key: string): Promise<T | undefined> {
    const row = await this.db('kv_store')
      .where({ key: this.prefix + key })
      .first('value');
    return row ? (JSON.parse(row.value as string) as T) : undefined;
  }

  async write(key: string, value: T): Promise<void> {
    await this.db('kv_store')
      .insert({
        key: this.prefix + key,
        value: JSON.stringify(value),
        updated_at: nowIso(this.clock),
      })
      .onConflict('key')
      .merge(['value', 'updated_at']);
  }

  async delete(key: string): Promise<void> {
    await this.db('kv_store')
      .where({ key: this.prefix + key })
      .delete();
  }

  async has(key: string): Promise<boolean> {
    const row = await this.db('kv_store')
      .where({ key: this.prefix + key })
      .first('key');
    return row !== undefined;
  }

  async *readAllKeys(): AsyncIterableIterator<string> {
    const rows = await this.db('kv_store')
      .whereRaw("key like ? escape '\\'", [`${escapeLike(this.prefix)}%`])
      .select('key')
      .orderBy('key');
    for (const row of rows) yield (row.key as string).slice(this.prefix.length);
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
