import type { Clock } from '../../core/clock';
import type { Config } from '../../config';
import type { Db } from '../../core/db/index';
import type { Feature, FeatureJob } from '../../core/feature';
import { createI18n } from '../../core/i18n';
import type { Outbox } from '../../core/outbox/outbox';
import type { FeatureDeps } from '../../services';
import { meterReplacementFlow } from '../appeals/index';
import { LanguageService } from '../language/service';
import { createReadingsFeature } from './bot';
import { createReadingConversation, READING_CONVERSATION } from './conversations';
import { ReadingReminders } from './service';

/** How often the reminder job looks for residents to remind (it sends each reminder once). */
const REMINDERS_EVERY_MS = 10 * 60_000;
/** How often flagged readings are put in front of staff. */
const REVIEW_CARDS_EVERY_MS = 60_000;

/**
 * `/reading`, `/readings`, `/reminders`: meter readings per meter and zone; the reminders job and
 * the staff's review cards for flagged readings.
 */
export function readingsFeature(deps: FeatureDeps): Feature {
  const { config, services, kit } = deps;
  const reminders = readingReminders(deps, services.outbox);
  return {
    name: 'readings',
    conversations: [
      {
        id: READING_CONVERSATION,
        build: createReadingConversation({
          readings: services.readings,
          kit,
          operatorPhone: config.operator.phone,
          window: config.readingsWindow,
          reportReplacement: meterReplacementFlow(deps),
        }),
      },
    ],
    commands: createReadingsFeature({ readings: services.readings }),
    jobs: [
      remindersJob(reminders),
      {
        name: 'reading-review-cards',
        everyMs: REVIEW_CARDS_EVERY_MS,
        run: async () => {
          await services.readingReviews.queueCards();
        },
      },
    ],
  };
}

/** The scheduler's job that runs the reminders ({@link ReadingReminders#run}) every 10 minutes. */
export function remindersJob(reminders: Pick<ReadingReminders, 'run'>): FeatureJob {
  return {
    name: 'reading-reminders',
    everyMs: REMINDERS_EVERY_MS,
    run: async (now) => {
      await reminders.run(now);
    },
  };
}

/** The reading reminders, rendering texts in each recipient's language. */
export function readingReminders(
  deps: { config: Config; db: Db; clock: Clock },
  outbox: Outbox,
): ReadingReminders {
  const { config, db } = deps;
  const texts = createI18n(config.defaultLocale, async () => undefined);
  const languages = new LanguageService(db, deps.clock);
  return new ReadingReminders({
    db,
    outbox,
    translate: (locale, key, vars) => texts.t(locale, key, vars),
    localeOf: async (telegramUserId) =>
      (await languages.localeOf(telegramUserId)) ?? config.defaultLocale,
    timeZone: config.timeZone,
    window: config.readingsWindow,
    latePolicy: config.readings.latePolicy,
    reminderDay: config.readings.reminderDay,
  });
}
