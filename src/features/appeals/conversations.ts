import { InlineKeyboard } from 'grammy';
import { callbackData } from '../../core/callback-data';
import type { BotContext, BotConversation, ConversationContext } from '../../core/context';
import type { ConversationKit } from '../../core/conversation-kit/index';
import type { AccountsService } from '../accounts/service';
import type { AttachmentInput } from './repo';
import {
  APPEAL_TOPICS,
  type AppealTopic,
  isAppealTopic,
  MAX_APPEAL_TEXT,
  MAX_ATTACHMENTS,
} from './rules';
import type { AppealsService, CreateResult } from './service';
import { dueDate, statusLabel, topicLabel } from './views';

export const APPEAL_CONVERSATION = 'appeal';

/** What a flow may start with: a topic chosen elsewhere (e.g. «Счётчик заменили?»), a text. */
export interface AppealArgs {
  topic?: AppealTopic;
  text?: string;
}

export interface AppealConversationDeps {
  accounts: Pick<AccountsService, 'listAccounts'>;
  appeals: Pick<AppealsService, 'create'>;
  kit: ConversationKit;
  timeZone: string;
}

const DONE = callbackData('appeal', 'files-done');
const NO_ACCOUNT = 'none';
/** Messages of another kind while attachments are collected, before the flow gives up. */
const FILE_STEP_BOUND = MAX_ATTACHMENTS + 5;

/**
 * /appeal and «✉️ Написать нам»: topic → the account it concerns (if the cabinet has any) → the
 * text → up to five photos or documents → confirm → committed, then the number, status and
 * deadline. Every step has the kit's Cancel; the appeal exists only after «Отправить».
 */
export function createAppealConversation(deps: AppealConversationDeps) {
  const { accounts, appeals, kit } = deps;
  return async function appealConversation(
    conversation: BotConversation,
    ctx: ConversationContext,
    args?: AppealArgs,
  ): Promise<void> {
    const resident = await kit.resident(conversation, ctx, 'appeals-login-first');
    if (!resident) return;
    const { telegramUserId } = resident;
    const user = { id: resident.userId };
    let at = ctx;

    let topic: AppealTopic | undefined = args?.topic;
    if (!topic) {
      const picked = await kit.choose(conversation, at, {
        prompt: at.t('appeals-ask-topic'),
        options: APPEAL_TOPICS.map((t) => ({ label: at.t(`appeals-topic-${t}`), value: t })),
      });
      if (!picked || !isAppealTopic(picked.value)) return;
      topic = picked.value;
      at = picked.ctx;
    }

    const linked = await conversation.external(() =>
      accounts.listAccounts(user.id, telegramUserId),
    );
    let accountId: number | null = null;
    if (linked.length > 0) {
      const picked = await kit.choose(conversation, at, {
        prompt: at.t('appeals-ask-account'),
        options: [
          ...linked.map((a) => ({ label: `№ ${a.number}`, value: String(a.id) })),
          { label: at.t('appeals-no-account'), value: NO_ACCOUNT },
        ],
      });
      if (!picked) return;
      accountId = picked.value === NO_ACCOUNT ? null : Number(picked.value);
      at = picked.ctx;
    }

    let text = args?.text?.trim().slice(0, MAX_APPEAL_TEXT);
    if (!text) {
      const asked = await kit.ask(conversation, at, {
        prompt: at.t(topic === 'meter-replacement' ? 'appeals-ask-text-meter' : 'appeals-ask-text'),
        parse: (input) => {
          if (input.kind !== 'text' || input.text.trim() === '') {
            return { ok: false, say: { key: 'kit-text-expected' } };
          }
          if (input.text.length > MAX_APPEAL_TEXT) {
            return {
              ok: false,
              say: { key: 'appeals-text-too-long', vars: { max: MAX_APPEAL_TEXT } },
            };
          }
          return { ok: true, value: input.text.trim() };
        },
      });
      if (!asked) return;
      text = asked.value;
      at = asked.ctx;
    }

    // Attachments: photos and documents, up to five; «Готово» (or «Без вложений») moves on.
    const files: AttachmentInput[] = [];
    const doneKeyboard = () =>
      kit.withCancel(
        at,
        new InlineKeyboard().text(
          at.t(files.length ? 'appeals-files-done' : 'appeals-files-none'),
          DONE,
        ),
      );
    await at.reply(at.t('appeals-ask-files', { max: MAX_ATTACHMENTS }), {
      reply_markup: doneKeyboard(),
    });
    for (let step = 0; step < FILE_STEP_BOUND && files.length < MAX_ATTACHMENTS; step++) {
      const next = await conversation.wait();
      at = next;
      if (next.callbackQuery?.data === DONE) {
        await next.answerCallbackQuery();
        break;
      }
      if (next.callbackQuery) {
        await next.answerCallbackQuery();
        continue;
      }
      const photo = next.message?.photo?.at(-1);
      const document = next.message?.document;
      if (photo) files.push({ kind: 'photo', fileId: photo.file_id });
      else if (document) {
        files.push({
          kind: 'document',
          fileId: document.file_id,
          fileName: document.file_name ?? null,
        });
      } else {
        await next.reply(at.t('appeals-files-expected'), { reply_markup: doneKeyboard() });
        continue;
      }
      if (files.length < MAX_ATTACHMENTS) {
        await next.reply(at.t('appeals-file-added', { n: files.length, max: MAX_ATTACHMENTS }), {
          reply_markup: doneKeyboard(),
        });
      }
    }

    const confirm = await kit.choose(conversation, at, {
      prompt: at.t('appeals-confirm', {
        topic: at.t(`appeals-topic-${topic}`),
        account: linked.find((a) => a.id === accountId)?.number ?? '—',
        files: files.length,
        text: text.length > 600 ? `${text.slice(0, 599)}…` : text,
      }),
      options: [{ label: at.t('appeals-send'), value: 'send' }],
    });
    if (!confirm) return;
    at = confirm.ctx;
    const input = { userId: user.id, telegramUserId, topic, accountId, text, attachments: files };
    const result: CreateResult = await conversation.external(() => appeals.create(input));
    if (result.kind !== 'created') {
      await kit.finish(conversation, at, at.t(`appeals-create-${result.kind}`));
      return;
    }
    const locale = (await conversation.external(() => at.i18n.getLocale())) ?? 'ru';
    const texts = { t: at.t.bind(at), locale, timeZone: deps.timeZone };
    await kit.finish(
      conversation,
      at,
      at.t('appeals-created', {
        number: result.appeal.number,
        topic: topicLabel(texts, result.appeal.topic),
        status: statusLabel(texts, result.appeal.status),
        due: dueDate(texts, result.appeal.dueAt),
      }),
    );
  };
}

export function enterAppeal(ctx: BotContext, args?: AppealArgs) {
  return ctx.conversation.enter(APPEAL_CONVERSATION, args);
}
