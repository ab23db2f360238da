import type { ServerResponse } from 'node:http';

/** An SSE hint for the web chat: "something changed, refetch" (CONTRACT.md). */
export interface SandboxEvent {
  type: string;
  chat_id?: number;
}

interface Waiter {
  chatId: number;
  after: number;
  resolve: (found: boolean) => void;
}

/**
 * Fans out change notifications: Server-Sent Events to browsers and wake-ups
 * for the `/wait` long-polls tests use instead of sleeping.
 */
export class EventHub {
  private readonly clients = new Set<ServerResponse>();
  private waiters: Waiter[] = [];
  private keepAlive: ReturnType<typeof setInterval> | undefined;

  subscribe(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    if (!this.keepAlive) {
      this.keepAlive = setInterval(() => {
        for (const c of this.clients) c.write(': ping\n\n');
      }, 15_000);
      this.keepAlive.unref();
    }
  }

  emit(event: SandboxEvent): void {
    const line = `data: ${JSON.stringify(event)}\n\n`;
    for (const c of this.clients) c.write(line);
  }

  /** Called when the bot sent a message: wakes `/wait` polls past `after`. */
  botMessage(chatId: number, messageId: number): void {
    const ready = this.waiters.filter((w) => w.chatId === chatId && messageId > w.after);
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve(true);
  }

  /** Resolves true when a bot message arrives, false on timeout or abort. */
  waitForBotMessage(
    chatId: number,
    after: number,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<boolean> {
    return new Promise((resolve) => {
      const waiter: Waiter = {
        chatId,
        after,
        resolve: (found) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          resolve(found);
        },
      };
      const remove = (): void => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
      };
      const onAbort = (): void => {
        remove();
        waiter.resolve(false);
      };
      const timer = setTimeout(onAbort, timeoutMs);
      signal.addEventListener('abort', onAbort);
      this.waiters.push(waiter);
    });
  }

  close(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    for (const c of this.clients) c.end();
    this.clients.clear();
    for (const w of this.waiters) w.resolve(false);
    this.waiters = [];
  }
}
