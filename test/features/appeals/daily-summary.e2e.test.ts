import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackground, createServices, type Services } from '../../../src/app';
import { AuditLog } from '../../../src/core/audit';
import { createI18n } from '../../../src/core/i18n';
import { createLogger } from '../../../src/core/logger';
import { createMailer } from '../../../src/core/mail/mailer';
import { appealsFeature } from '../../../src/features/appeals/index';
import { StaffService } from '../../../src/features/staff/service';
import type { FeatureDeps } from '../../../src/services';
import { type Harness, startHarness, TEST_BOT } from '../../support/harness';
import { loginResident } from '../../support/residents';

/**
 * The morning summary in the admin chat, on a hand-moved clock (so it holds on any day): the
 * scheduler's appeals job sends it once a day from 09:00 in Kamchatka (UTC+12), listing the open
 * appeals with their deadlines and marking the overdue ones.
 */
describe('the morning summary of appeals', () => {
  /** Every instant here is in Asia/Kamchatka; the harness's own clock runs after all of them. */
  const local = (iso: string) => new Date(Date.parse(`${iso}+12:00`));
  let now = local('2026-03-02T10:00:00');
  let h: Harness;
  let services: Services;
  let adminChatId: number;
  let olga: number;

  beforeAll(async () => {
    h = await startHarness(
      { TIME_ZONE: 'Asia/Kamchatka' },
      {
        clock: () => local('2026-03-13T00:00:00'),
        // The emulator's limits are off here: the group need not wait 3 s between messages.
        outboxPacing: { groupPerSecond: 50, groupBurst: 50 },
      },
    );
    olga = (await h.client.createUser({ first_name: 'Ольга', language_code: 'ru' })).id;
    adminChatId = (await h.client.createGroup('Абонент — сотрудники', [olga])).id;
    await h.stopBot();
    h.config.adminChatId = adminChatId;
    await h.startBot();
    const clock = () => now;
    const texts = createI18n(h.config.defaultLocale, async () => undefined);
    services = createServices({
      config: h.config,
      db: h.database.db,
      mailer: createMailer(h.config.mail, clock, createLogger('silent')),
      translate: (locale, key, vars) => texts.t(locale, key, vars),
      clock,
    });
    await new StaffService(h.database.db, new AuditLog(h.database.db, clock), clock).add(
      olga,
      'operator',
    );
  });
  afterAll(() => h.stop());

  it('when the scheduler ticks before 09:00, at 09:05, again that morning and the next morning, then the summary comes once a day with open and overdue appeals', async () => {
    const anna = await loginResident(h.database.db, 9_700_001);
    const file = async (text: string) => {
      const created = await services.appeals.create({
        userId: anna.userId,
        telegramUserId: anna.telegramUserId,
        topic: 'quality',
        accountId: null,
        text,
        attachments: [],
      });
      if (created.kind !== 'created') throw new Error(created.kind);
      return created.appeal;
    };
    // Monday 2 March: due by Thursday 5 March (3 working days), overdue on the 11th.
    const late = await file('Нет света в подъезде');
    now = local('2026-03-10T10:00:00');
    const fresh = await file('Счёт пришёл дважды');
    const closed = await file('Уже решено');
    expect((await services.appeals.close(olga, closed.id)).kind).toBe('done');

    const background = createBackground(
      { config: h.config, db: h.database.db, logger: createLogger('silent'), clock: () => now },
      { token: TEST_BOT.token, apiRoot: h.emulator.apiRoot },
      // The appeals feature's own jobs, as app.ts lists them (they need only config and services).
      { ...services, jobs: appealsFeature({ config: h.config, services } as FeatureDeps).jobs },
    );
    const summaries = async () =>
      (await h.client.transcript(adminChatId)).filter(
        (e) => e.direction === 'out' && e.text?.startsWith('📋 Сводка'),
      );

    now = local('2026-03-11T08:50:00');
    await background.scheduler.tick();
    now = local('2026-03-11T09:05:00');
    await background.scheduler.tick();
    await h.client.waitForTranscript(adminChatId, (e) =>
      e.some((m) => m.text?.startsWith('📋 Сводка')),
    );
    const [first] = await summaries();
    expect(first?.text).toContain(
      '📋 Сводка на 11 марта 2026: открытых обращений 2, просрочено 1.',
    );
    expect(first?.text).toContain(`${late.number} — новое, ответить до 5 марта 2026`);
    expect(first?.text).toContain('⏰ просрочено');
    expect(first?.text).toContain(`${fresh.number} — новое, ответить до 13 марта 2026`);
    expect(first?.text).not.toContain(closed.number);
    expect(first?.text?.split('\n').filter((line) => line.includes('⏰'))).toHaveLength(1);

    // Later that morning: the job runs again, the summary does not.
    now = local('2026-03-11T11:30:00');
    await background.scheduler.tick();
    now = local('2026-03-12T09:20:00');
    await background.scheduler.tick();
    await h.client.waitForTranscript(
      adminChatId,
      (e) => e.filter((m) => m.text?.startsWith('📋 Сводка')).length >= 2,
    );
    const all = await summaries();
    expect(all.map((e) => e.text?.split('\n')[0])).toEqual([
      '📋 Сводка на 11 марта 2026: открытых обращений 2, просрочено 1.',
      '📋 Сводка на 12 марта 2026: открытых обращений 2, просрочено 1.',
    ]);
  });
});
