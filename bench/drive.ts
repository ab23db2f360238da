/**
 * Drives a bot with scripted people: `inFlight` people at a time, each one's updates strictly in
 * order (the next is sent when the bot has handled the previous one), so at most `inFlight`
 * updates are in the bot at once and one chat never has two. Measures updates/s over the wall
 * clock, the latency of each update (p50/p99), and the process's CPU time per update.
 */
import type { Update } from 'grammy/types';
import { buttonsOf, pressUpdate, type SentMessage, type Transport, textUpdate } from './transport';

export interface Handler {
  handleUpdate(update: Update): Promise<void>;
}

/** One person's conversation with the bot; returns whether it ended as it should. */
export type Script = (person: PersonDriver) => Promise<boolean>;

export interface PersonDriver {
  id: number;
  say(text: string): Promise<SentMessage[]>;
  /** Presses the first button matching `button` in the latest message that has one. */
  press(messages: SentMessage[], button: RegExp): Promise<SentMessage[] | undefined>;
}

export interface Measurement {
  updates: number;
  /** Scripts (journeys) run to their end, failed ones included. */
  journeys: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  cpuMsPerUpdate: number;
  failures: number;
  /** The last message of the first failed script, to see what went wrong. */
  firstFailure?: string;
}

export async function drive(
  bot: Handler,
  transport: Transport,
  people: number[],
  script: Script,
  options: {
    inFlight?: number;
    /** Checked before each new script: when true the run ends (the scripts under way finish). */
    stop?: () => boolean;
  } = {},
): Promise<Measurement> {
  const inFlight = options.inFlight ?? 50;
  const latencies: number[] = [];
  let failures = 0;
  let firstFailure: string | undefined;
  const send = async (update: Update, chatId: number): Promise<SentMessage[]> => {
    const started = performance.now();
    // An update arrives as I/O does, in a turn of the event loop of its own (its latency counts
    // the wait for that turn). Without this the in-process transport chains every update into one
    // run of microtasks (better-sqlite3 is synchronous): timers and worker messages never get a
    // turn, and a render never comes back.
    await new Promise((resolve) => setImmediate(resolve));
    await bot.handleUpdate(update);
    latencies.push(performance.now() - started);
    return transport.take(chatId);
  };
  let next = 0;
  let journeys = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const worker = async () => {
    while (next < people.length && !options.stop?.()) {
      const id = people[next++]!;
      let last: SentMessage[] = [];
      const person: PersonDriver = {
        id,
        say: async (text) => {
          last = await send(textUpdate(id, text), id);
          return last;
        },
        press: async (messages, button) => {
          for (const message of [...messages].reverse()) {
            const update = pressUpdate(id, message, button);
            if (update) {
              last = await send(update, id);
              return last;
            }
          }
          return undefined;
        },
      };
      let ok = false;
      try {
        ok = await script(person);
      } catch (error) {
        last = [{ message_id: 0, chat_id: id, text: `threw: ${String(error)}` }];
      }
      journeys++;
      if (!ok) {
        failures++;
        firstFailure ??= last.map((m) => `${m.text} [${buttonsOf(m).join(' | ')}]`).join(' / ');
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    updates: latencies.length,
    journeys,
    seconds,
    perSecond: latencies.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
    cpuMsPerUpdate: (cpu.user + cpu.system) / 1000 / Math.max(1, latencies.length),
    failures,
    firstFailure,
  };
}

const hasText = (messages: SentMessage[], pattern: RegExp) =>
  messages.some((m) => pattern.test(m.text));

/** Bare grammY's /start and guest /start: one update, any reply. */
export const sayStart: Script = async (p) => (await p.say('/start')).length > 0;

/** /balance of a logged-in resident with one account: the balance card comes back. */
export const sayBalance: Script = async (p) => hasText(await p.say('/balance'), /₽/);

/** /accounts → the account's card → its balance → its history by month. */
export const accountsJourney: Script = async (p) => {
  let last = await p.say('/accounts');
  for (const button of [/^📄 №/, /Баланс/, /История/]) {
    const pressed = await p.press(last, button);
    if (!pressed) return false;
    last = pressed;
  }
  return last.length > 0;
};

/** /receipt (one account: straight to the months) → the newest month → the receipt's PDF. */
export const receiptJourney: Script = async (p) => {
  const months = await p.say('/receipt');
  const sent = await p.press(months, /\d{4}$/);
  return sent?.some((m) => m.file?.kind === 'pdf') ?? false;
};

/** /balance → «📊 График» → the consumption chart as a PNG photo. */
export const chartJourney: Script = async (p) => {
  const card = await p.say('/balance');
  const sent = await p.press(card, /График/);
  return sent?.some((m) => m.file?.kind === 'png') ?? false;
};

/** Parses a figure as the bot prints it: «12 345,6» → 12345.6. */
function parseKwh(text: string): number {
  return Number(text.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.'));
}

/**
 * /reading → a value per zone (the last accepted one plus 50 kWh, a usual month) → «Отправить».
 * Answers «Да, всё верно» if asked, and picks the first meter when asked to choose.
 */
export const readingJourney: Script = async (p) => {
  let last = await p.say('/reading');
  for (let step = 0; step < 8; step++) {
    const text = last.map((m) => m.text).join('\n');
    if (/Показания приняты/.test(text)) return true;
    const buttons = last.flatMap(buttonsOf);
    if (buttons.some((b) => /Отправить$/.test(b))) {
      last = (await p.press(last, /Отправить$/)) ?? [];
      continue;
    }
    if (buttons.some((b) => /Да, всё верно/.test(b))) {
      last = (await p.press(last, /Да, всё верно/)) ?? [];
      continue;
    }
    if (buttons.some((b) => /^Счётчик №/.test(b))) {
      last = (await p.press(last, /^Счётчик №.*\d$/)) ?? [];
      continue;
    }
    // «Предыдущее показание (новое не может быть меньше): 4 767 кВт·ч» (earlier: «Последнее принятое: …»).
    const previous =
      /(?:Последнее принятое|Предыдущее показание)[^:\n]*: ([\d\s\u00a0\u202f,]+) кВт·ч/.exec(text);
    if (previous) {
      last = await p.say(String(Math.floor(parseKwh(previous[1]!)) + 50));
      continue;
    }
    if (/Введите цифры/.test(text)) {
      last = await p.say('100');
      continue;
    }
    return false;
  }
  return false;
};
