import { createServices, type Services } from '../../src/app';
import { systemClock } from '../../src/core/clock';
import { createI18n } from '../../src/core/i18n';
import { createLogger } from '../../src/core/logger';
import { createMailer } from '../../src/core/mail/mailer';
import type { Harness } from './harness';

/**
 * The app's services on the harness's database and config, as a test arranges data through them
 * (an appeal filed, a reading flagged) beside the bot the harness runs: the real clock, mail to
 * the harness's outbox, texts from the locales.
 */
export function servicesOf(h: Harness): Services {
  const texts = createI18n(h.config.defaultLocale, async () => undefined);
  return createServices({
    config: h.config,
    db: h.database.db,
    mailer: createMailer(h.config.mail, systemClock, createLogger('silent')),
    translate: (locale, key, vars) => texts.t(locale, key, vars),
    clock: systemClock,
  });
}
