import type { BroadcastProgress } from './service';

type T = (key: string, vars?: Record<string, string | number>) => string;

/** The progress line the bot keeps editing in the admin chat. */
export function progressText(t: T, p: BroadcastProgress): string {
  const vars = {
    id: p.id,
    sent: p.sent,
    total: p.recipients,
    blocked: p.blocked,
    failed: p.failed,
    left: p.left,
  };
  return t(p.left === 0 ? 'broadcast-progress-done' : 'broadcast-progress', vars);
}

/** Callback data of the preview's buttons; the id is re-checked by the service. */
export const broadcastCallbacks = {
  send: (id: number) => `v1|bcast|send|${id}`,
  cancel: (id: number) => `v1|bcast|cancel|${id}`,
  pattern: /^v1\|bcast\|(send|cancel)\|(\d{1,15})$/,
};
