import type { Update } from './types.js';
import { type UpdateStore, updateChatKey } from './update-store.js';

/** What `setWebhook` configured. */
export interface WebhookConfig {
  url: string;
  secret_token?: string;
  max_connections: number;
}

export interface WebhookStatus {
  last_error_date?: number;
  last_error_message?: string;
}

const MAX_ATTEMPTS = 8;
const BASE_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 2000;
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * Pushes pending updates to the webhook like Telegram: POST with the secret
 * header, one request in flight per chat so each chat sees its updates in
 * order, retries with a short bounded backoff on non-2xx or network errors.
 * A JSON body in the reply (webhook reply) is executed as an API call.
 */
export class WebhookDeliverer {
  config: WebhookConfig | undefined;
  readonly status: WebhookStatus = {};
  private readonly inFlight = new Set<string>();
  private readonly attempts = new Map<number, number>();
  private readonly backoff = new Map<string, ReturnType<typeof setTimeout>>();
  private stopped = false;

  constructor(
    private readonly store: UpdateStore,
    private readonly onReply: (body: unknown) => Promise<void>,
    private readonly warn: (obj: object, msg: string) => void,
  ) {
    store.onPush = () => this.pump();
  }

  set(config: WebhookConfig): void {
    this.config = config;
    this.store.releasePoller();
    this.pump();
  }

  clear(): void {
    this.config = undefined;
    for (const t of this.backoff.values()) clearTimeout(t);
    this.backoff.clear();
  }

  stop(): void {
    this.stopped = true;
    this.clear();
  }

  /** Starts delivery of every update whose chat has nothing in flight. */
  pump(): void {
    if (!this.config || this.stopped) return;
    const seen = new Set<string>();
    for (const update of this.store.peekAll()) {
      const key = updateChatKey(update);
      if (seen.has(key)) continue;
      seen.add(key);
      if (this.inFlight.has(key) || this.backoff.has(key)) continue;
      if (this.inFlight.size >= this.config.max_connections) return;
      this.inFlight.add(key);
      void this.deliver(update, key, this.config).finally(() => {
        this.inFlight.delete(key);
        this.pump();
      });
    }
  }

  private async deliver(update: Update, key: string, config: WebhookConfig): Promise<void> {
    let error: string | undefined;
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (config.secret_token) headers['x-telegram-bot-api-secret-token'] = config.secret_token;
      const res = await fetch(config.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(update),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text();
      if (res.ok) {
        this.store.remove(update.update_id);
        this.attempts.delete(update.update_id);
        if (text.trim().startsWith('{')) {
          try {
            await this.onReply(JSON.parse(text));
          } catch (err) {
            this.warn({ err }, 'webhook reply failed');
          }
        }
        return;
      }
      error = `Wrong response from the webhook: ${res.status} ${res.statusText}`;
    } catch (err) {
      error = `Connection refused: ${err instanceof Error ? err.message : String(err)}`;
    }
    this.status.last_error_date = Math.floor(Date.now() / 1000);
    this.status.last_error_message = error;
    const attempt = (this.attempts.get(update.update_id) ?? 0) + 1;
    if (attempt >= MAX_ATTEMPTS) {
      this.warn({ update_id: update.update_id, error }, 'webhook delivery abandoned');
      this.store.remove(update.update_id);
      this.attempts.delete(update.update_id);
      return;
    }
    this.attempts.set(update.update_id, attempt);
    const delay = Math.min(BASE_BACKOFF_MS * 2 ** (attempt - 1), MAX_BACKOFF_MS);
    const timer = setTimeout(() => {
      this.backoff.delete(key);
      this.pump();
    }, delay);
    timer.unref();
    this.backoff.set(key, timer);
  }
}
