import type { Clock } from '../clock';
import type { Db } from '../db/index';
import { KnexStorageAdapter, type StorageOptions } from '../storage';

/** The flow's message whose inline buttons answer its open question. */
interface OpenQuestion {
  messageId: number;
}

/** How a flow ended on a button press: the pressed message and what the flow said. */
export interface FlowOutcome {
  messageId: number;
  /** The pressed button's callback data: only a press of that very button is "already done". */
  data: string;
  /** The flow's last message, already rendered in the person's language. */
  text: string;
}

/**
 * What the exit path must know about a chat's flow, per chat and person, in `kv_store` (like the
 * conversation itself, so it holds across restarts and instances):
 *
 * - the open question's message (`flow-open:`): every exit that is not an answer — a command, a
 *   main-menu button, /cancel, the idle timeout, an error — edits its buttons away (issue 9, 7);
 * - the last flow that ended on a button press (`flow-done:`): a late or repeated press of that
 *   message's buttons (a double tap on «✅ Отправить») is answered quietly with what was done,
 *   never with a new message saying it was not (issue 13 retest). One row per chat and person:
 *   each new outcome replaces the last.
 */
export class FlowMessages {
  private readonly open: KnexStorageAdapter<OpenQuestion>;
  private readonly done: KnexStorageAdapter<FlowOutcome>;

  /** `cached`: as {@link StorageOptions.cached} (only where this process is the one writer). */
  constructor(db: Db, clock: Clock, options: StorageOptions = {}) {
    this.open = new KnexStorageAdapter(db, 'flow-open:', clock, options);
    this.done = new KnexStorageAdapter(db, 'flow-done:', clock, options);
  }

  private key(chatId: number, userId: number): string {
    return `${chatId}:${userId}`;
  }

  /** The flow now waits on `messageId`'s buttons (called inside `external`). */
  async opened(chatId: number, userId: number, messageId: number): Promise<void> {
    await this.open.write(this.key(chatId, userId), { messageId });
  }

  /** The open question's message id, forgotten as it is returned; undefined when none. */
  async takeOpen(chatId: number, userId: number): Promise<number | undefined> {
    const key = this.key(chatId, userId);
    const open = await this.open.read(key);
    if (!open) return undefined;
    await this.open.delete(key);
    return open.messageId;
  }

  /** The flow ended on a press of `outcome.messageId`'s button, saying `outcome.text`. */
  async ended(chatId: number, userId: number, outcome: FlowOutcome): Promise<void> {
    await this.done.write(this.key(chatId, userId), outcome);
    await this.open.delete(this.key(chatId, userId));
  }

  /** What the flow that ended on this button (message and data) said, or undefined. */
  async outcomeOf(
    chatId: number,
    userId: number,
    messageId: number,
    data: string,
  ): Promise<FlowOutcome | undefined> {
    const outcome = await this.done.read(this.key(chatId, userId));
    return outcome?.messageId === messageId && outcome.data === data ? outcome : undefined;
  }
}
