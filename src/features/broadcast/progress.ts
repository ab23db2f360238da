import type { Api } from 'grammy';
import type { Clock } from '../../core/clock';
import type { Logger } from '../../core/logger';
import type { OutboxWorkerEvent } from '../../core/outbox/worker';
import type { BroadcastProgress, BroadcastService } from './service';
import { BroadcastService as Broadcasts } from './service';

/** At most one edit of a progress line per this many milliseconds (the last one always goes). */
const EDIT_EVERY_MS = 3_000;

/**
 * Keeps the progress line of each broadcast in the admin chat up to date («отправлено / заблокировали
 * / осталось»), driven by the outbox worker's outcomes, so it resumes by itself after a restart.
 * Edits are throttled; the final one (nothing left) is never skipped. State is per instance.
 */
export class BroadcastProgressLine {
  private readonly lastEdit = new Map<number, number>();
  private readonly running = new Map<number, boolean>();

  constructor(
    private readonly broadcasts: Pick<BroadcastService, 'progress'>,
    private readonly api: Pick<Api, 'editMessageText'>,
    private readonly render: (progress: BroadcastProgress) => string,
    private readonly clock: Clock,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  /** The worker's `onEvent`: refreshes the line of the broadcast the row belongs to. */
  onEvent = (event: OutboxWorkerEvent): void => {
    if (event.type === 'reclaimed' || event.row.kind !== 'broadcast') return;
    const id = Broadcasts.idOfKey(event.row.dedupe_key);
    if (id !== undefined) void this.refresh(id);
  };

  /** Re-reads the counts and edits the line (at most every 3 s: a group takes ~20 messages a minute; always at the end). */
  async refresh(broadcastId: number): Promise<void> {
    if (this.running.has(broadcastId)) {
      this.running.set(broadcastId, true);
      return;
    }
    this.running.set(broadcastId, false);
    try {
      do {
        this.running.set(broadcastId, false);
        await this.editOnce(broadcastId);
      } while (this.running.get(broadcastId));
    } catch (error) {
      this.logger.warn({ err: error, broadcastId }, 'could not refresh a broadcast progress line');
    } finally {
      this.running.delete(broadcastId);
    }
  }

  private async editOnce(broadcastId: number): Promise<void> {
    const progress = await this.broadcasts.progress(broadcastId);
    if (!progress || progress.chatId === null || progress.messageId === null) return;
    const now = this.clock().getTime();
    const last = this.lastEdit.get(broadcastId) ?? 0;
    if (progress.left > 0 && now - last < EDIT_EVERY_MS) return;
    this.lastEdit.set(broadcastId, now);
    if (progress.left === 0) this.lastEdit.delete(broadcastId);
    await this.api
      .editMessageText(progress.chatId, progress.messageId, this.render(progress))
      .catch((error: unknown) => {
        if (!String(error).includes('message is not modified')) throw error;
      });
  }
}
