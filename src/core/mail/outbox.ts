import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A message as kept in the local outbox (sandbox and development, where no SMTP is configured). */
export interface OutboxMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  date: string;
}

/**
 * Mail that would have gone out by SMTP, written as one JSON file per message to a local folder.
 * The sandbox page lists it, so someone trying the bot can read the confirmation code.
 */
export class MailOutbox {
  constructor(private readonly dir: string) {}

  async put(mail: Omit<OutboxMail, 'id' | 'date'>, now: Date): Promise<OutboxMail> {
    await mkdir(this.dir, { recursive: true });
    const saved: OutboxMail = { id: randomUUID(), date: now.toISOString(), ...mail };
    const name = `${saved.date.replace(/[:.]/g, '-')}-${saved.id}.json`;
    await writeFile(join(this.dir, name), JSON.stringify(saved, null, 2), { mode: 0o600 });
    return saved;
  }

  /** Newest first. */
  async list(limit = 50): Promise<OutboxMail[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter((name) => name.endsWith('.json'));
    } catch {
      return [];
    }
    names.sort().reverse();
    const mails: OutboxMail[] = [];
    for (const name of names.slice(0, limit)) {
      try {
        mails.push(JSON.parse(await readFile(join(this.dir, name), 'utf8')) as OutboxMail);
      } catch {
        // A half-written or foreign file is skipped, not fatal.
      }
    }
    return mails;
  }
}
