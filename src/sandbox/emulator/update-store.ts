import { ApiError } from './api-error.js';
import type { Update } from './types.js';

/** Update types delivered when `allowed_updates` was never set (Bot API default). */
const DEFAULT_EXCLUDED = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

interface Poller {
  wake: () => void;
  conflict: () => void;
}

/** The chat an update belongs to, for per-chat ordering of webhook delivery. */
export function updateChatKey(u: Update): string {
  const chatId =
    u.message?.chat.id ??
    u.edited_message?.chat.id ??
    u.callback_query?.message?.chat.id ??
    u.callback_query?.from.id ??
    u.pre_checkout_query?.from.id;
  return String(chatId ?? 'global');
}

function updateType(u: Update): string {
  return Object.keys(u).find((k) => k !== 'update_id') ?? 'unknown';
}

/**
 * Pending updates with Telegram's `getUpdates` semantics: an update stays
 * until a later request's `offset` confirms it, `timeout` holds the request
 * open until something arrives, a newer request terminates an older held one
 * with 409, and `allowed_updates` is remembered between calls.
 */
export class UpdateStore {
  private nextUpdateId = 1;
  private pending: Update[] = [];
  private allowed: Set<string> | undefined;
  private poller: Poller | undefined;
  /** Called whenever an update is queued (the webhook deliverer listens). */
  onPush: (() => void) | undefined;

  push(build: (updateId: number) => Update): void {
    const update = build(this.nextUpdateId++);
    const type = updateType(update);
    if (this.allowed ? !this.allowed.has(type) : DEFAULT_EXCLUDED.has(type)) return;
    this.pending.push(update);
    this.poller?.wake();
    this.onPush?.();
  }

  get size(): number {
    return this.pending.length;
  }

  /** The pending updates, oldest first (read-only view for the deliverer). */
  peekAll(): readonly Update[] {
    return this.pending;
  }

  remove(updateId: number): void {
    this.pending = this.pending.filter((u) => u.update_id !== updateId);
  }

  clear(): void {
    this.pending = [];
  }

  setAllowed(list: unknown): void {
    if (Array.isArray(list)) {
      this.allowed =
        list.length === 0
          ? undefined
          : new Set(list.filter((x): x is string => typeof x === 'string'));
    }
  }

  private confirm(offset: number | undefined): void {
    if (offset === undefined) return;
    if (offset < 0) {
      this.pending = this.pending.slice(offset);
      return;
    }
    this.pending = this.pending.filter((u) => u.update_id >= offset);
  }

  /** Ends any held request (used on stop and when a webhook is set). */
  releasePoller(): void {
    this.poller?.wake();
  }

  async getUpdates(
    opts: { offset?: number; limit?: number; timeout?: number; allowed_updates?: unknown },
    signal: AbortSignal,
  ): Promise<Update[]> {
    this.confirm(opts.offset);
    this.setAllowed(opts.allowed_updates);
    const limit = Math.min(Math.max(opts.limit ?? 100, 1), 100);
    const timeoutMs = Math.max(0, Math.min(opts.timeout ?? 0, 50)) * 1000;
    if (this.pending.length === 0 && timeoutMs > 0) {
      this.poller?.conflict();
      await new Promise<void>((resolve, reject) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          if (this.poller === me) this.poller = undefined;
        };
        const me: Poller = {
          wake: () => {
            done();
            resolve();
          },
          conflict: () => {
            done();
            reject(
              new ApiError(
                409,
                'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
              ),
            );
          },
        };
        const timer = setTimeout(me.wake, timeoutMs);
        signal.addEventListener('abort', me.wake);
        this.poller = me;
      });
    }
    return this.pending.slice(0, limit);
  }
}
