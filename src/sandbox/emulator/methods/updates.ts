import { ApiError, badRequest } from '../api-error.js';
import type { MethodTable } from './method.js';

/** getMe, getUpdates and the webhook methods. */
export const updateMethods: MethodTable = {
  getMe: (core) => ({
    ...core.bot,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
  }),

  getUpdates: (core, p, signal) => {
    if (core.webhook.config) {
      throw new ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    return core.updates.getUpdates(
      {
        offset: p.int('offset'),
        limit: p.int('limit'),
        timeout: p.int('timeout'),
        allowed_updates: p.json('allowed_updates'),
      },
      signal,
    );
  },

  setWebhook: (core, p) => {
    const url = p.string('url') ?? '';
    if (url === '') {
      core.webhook.clear();
      return true;
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest('bad webhook: Failed to resolve host: Name or service not known');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
      throw badRequest('bad webhook: HTTPS url must be provided for webhook');
    }
    const secret = p.string('secret_token');
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
      throw badRequest('secret token contains unallowed characters');
    }
    if (p.bool('drop_pending_updates')) core.updates.clear();
    core.updates.setAllowed(p.json('allowed_updates'));
    core.webhook.set({
      url,
      max_connections: Math.min(Math.max(p.int('max_connections') ?? 40, 1), 100),
      ...(secret ? { secret_token: secret } : {}),
    });
    return true;
  },

  deleteWebhook: (core, p) => {
    if (p.bool('drop_pending_updates')) core.updates.clear();
    core.webhook.clear();
    return true;
  },

  getWebhookInfo: (core) => ({
    url: core.webhook.config?.url ?? '',
    has_custom_certificate: false,
    pending_update_count: core.updates.size,
    ...(core.webhook.config ? { max_connections: core.webhook.config.max_connections } : {}),
    ...core.webhook.status,
  }),

  logOut: () => true,
  close: () => true,
};
