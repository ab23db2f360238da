// Web chat of the sandbox: a Telegram-like client for the local Bot API emulator.
// Plain ES module, no build step, no dependencies; talks to /sandbox/api (CONTRACT.md).
// Every piece of text from the server reaches the DOM through textContent or text
// nodes, never through innerHTML.

const API = '/sandbox/api';
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
const CALLBACK_WAIT_MS = 15_000;
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tel:', 'tg:']);

// ---------------------------------------------------------------- strings

const STRINGS = {
  ru: {
    skipToInput: 'Перейти к полю ввода',
    openMenu: 'Открыть панель песочницы',
    closeMenu: 'Закрыть панель песочницы',
    loading: 'Загрузка…',
    mail: 'Почта',
    switchLanguage: 'Switch to English',
    reconnecting: 'Нет связи с песочницей, переподключаемся…',
    panel: 'Панель песочницы',
    whoAreYou: 'Кто вы',
    resident: 'Житель',
    chooseResident: '— выберите жителя —',
    blockedBot: 'Житель заблокировал бота',
    newResident: 'Новый житель',
    firstName: 'Имя',
    lastName: 'Фамилия (необязательно)',
    telegramLanguage: 'Язык Telegram',
    create: 'Создать',
    chats: 'Чаты',
    privateChat: 'Личный чат с ботом',
    newStaffGroup: 'Создать группу сотрудников',
    groupTitle: 'Название группы',
    groupDefaultTitle: 'Сотрудники (админ-чат)',
    groupHint: 'Вы будете участником группы. Бот тоже в ней.',
    createGroup: 'Создать группу',
    notMember: 'вы не участник',
    members: (n) => `участников: ${n}`,
    demoData: 'Демо-данные',
    demoAccounts: 'Демо-счета',
    account: 'Лицевой счёт',
    address: 'Адрес',
    proof: 'Подтверждение',
    insert: 'В поле ввода',
    insertLabel: (v) => `Вставить ${v} в поле ввода`,
    settings: 'Настройки песочницы',
    showDeleted: 'Показывать удалённые сообщения',
    rateLimits: 'Ограничения частоты Telegram (ошибка 429)',
    about:
      'Это песочница: локальная копия Telegram для пробы бота. Ничего не уходит в настоящий Telegram.',
    messagesLabel: 'Сообщения',
    toBottom: 'К последним сообщениям',
    replyTo: 'Ответ на сообщение',
    cancelReply: 'Отменить ответ',
    removeAttachment: 'Убрать вложение',
    commands: 'Команды бота',
    attach: 'Прикрепить фото или файл',
    messageField: 'Сообщение',
    messagePlaceholder: 'Сообщение',
    toggleKeyboard: 'Показать или скрыть клавиатуру бота',
    send: 'Отправить',
    botKeyboard: 'Клавиатура бота',
    back: 'Назад',
    close: 'Закрыть',
    mailTitle: 'Почта, отправленная ботом',
    mailEmpty:
      'Писем пока нет. Когда бот отправит письмо (например, код подтверждения), оно появится здесь.',
    mailTo: 'Кому',
    mailNew: (s) => `Новое письмо: ${s}`,
    open: 'Открыть',
    insertCode: (c) => `Вставить код ${c} в чат`,
    shareContactTitle: 'Поделиться номером телефона',
    shareContactHint: 'Бот получит ваш номер телефона и имя. В песочнице номер можно придумать.',
    phone: 'Номер телефона',
    cancel: 'Отмена',
    share: 'Отправить номер',
    photo: 'Фото',
    openPhoto: 'Открыть фото',
    you: 'вы',
    bot: 'бот',
    group: 'группа',
    edited: 'изм.',
    editedFull: 'Сообщение изменено',
    deleted: 'удалено',
    forwardedFrom: (n) => `Переслано от ${n}`,
    document: 'Документ',
    download: 'Скачать',
    opensInNewTab: 'откроется в новой вкладке',
    contact: 'Контакт',
    invoice: 'Счёт на оплату',
    pay: (a) => `Оплатить ${a}`,
    paying: 'Оплата…',
    paid: 'Оплачено',
    paidService: (a) => `Оплата ${a} прошла успешно`,
    payFailed: (e) => `Оплата не прошла: ${e}`,
    unsupported: 'Это сообщение не поддерживается песочницей',
    noCallbackAnswer: 'Бот не ответил на нажатие кнопки (answerCallbackQuery)',
    unsupportedButton: 'Эта кнопка в песочнице не работает',
    copied: 'Скопировано',
    welcomeTitle: 'Добро пожаловать в песочницу',
    welcomeText:
      'Здесь можно попробовать бота без Telegram. Сначала выберите жителя или создайте нового — от его имени вы будете писать боту.',
    welcomeButton: 'Создать жителя',
    chooseFirst: 'Сначала выберите жителя',
    emptyChat: 'Здесь пока пусто. Нажмите «Начать», чтобы запустить бота.',
    emptyGroup: 'В группе пока нет сообщений.',
    start: 'Начать',
    notMemberComposer: 'Вы не участник этой группы',
    noCommands: 'Бот не задал список команд.',
    textTooLong: 'Сообщение длиннее 4096 символов',
    fileTooLarge: 'Файл больше 20 МБ',
    sendFailed: (e) => `Не отправлено: ${e}`,
    error: (e) => `Ошибка: ${e}`,
    userCreated: (n) => `Житель «${n}» создан`,
    groupCreated: (n) => `Группа «${n}» создана`,
    today: 'Сегодня',
    yesterday: 'Вчера',
    locationUnsupported: 'Отправка геопозиции в песочнице недоступна',
    spoiler: 'Скрытый текст, нажмите, чтобы показать',
    sendCommand: (c) => `Отправить команду ${c}`,
  },
  en: {
    skipToInput: 'Skip to the message field',
    openMenu: 'Open the sandbox panel',
    closeMenu: 'Close the sandbox panel',
    loading: 'Loading…',
    mail: 'Mail',
    switchLanguage: 'Переключить на русский',
    reconnecting: 'Lost connection to the sandbox, reconnecting…',
    panel: 'Sandbox panel',
    whoAreYou: 'Who you are',
    resident: 'Resident',
    chooseResident: '— choose a resident —',
    blockedBot: 'The resident blocked the bot',
    newResident: 'New resident',
    firstName: 'First name',
    lastName: 'Last name (optional)',
    telegramLanguage: 'Telegram language',
    create: 'Create',
    chats: 'Chats',
    privateChat: 'Private chat with the bot',
    newStaffGroup: 'Create a staff group',
    groupTitle: 'Group title',
    groupDefaultTitle: 'Staff (admin chat)',
    groupHint: 'You will be a member of the group. The bot is in it too.',
    createGroup: 'Create group',
    notMember: 'not a member',
    members: (n) => `${n} members`,
    demoData: 'Demo data',
    demoAccounts: 'Demo accounts',
    account: 'Account',
    address: 'Address',
    proof: 'Proof',
    insert: 'To input',
    insertLabel: (v) => `Put ${v} into the message field`,
    settings: 'Sandbox settings',
    showDeleted: 'Show deleted messages',
    rateLimits: 'Telegram flood limits (error 429)',
    about: 'This is a sandbox: a local stand-in for Telegram. Nothing goes to the real Telegram.',
    messagesLabel: 'Messages',
    toBottom: 'To the latest messages',
    replyTo: 'Reply to a message',
    cancelReply: 'Cancel reply',
    removeAttachment: 'Remove attachment',
    commands: 'Bot commands',
    attach: 'Attach a photo or a file',
    messageField: 'Message',
    messagePlaceholder: 'Message',
    toggleKeyboard: "Show or hide the bot's keyboard",
    send: 'Send',
    botKeyboard: "Bot's keyboard",
    back: 'Back',
    close: 'Close',
    mailTitle: 'Mail sent by the bot',
    mailEmpty:
      'No mail yet. When the bot sends an e-mail (a confirmation code, say), it shows up here.',
    mailTo: 'To',
    mailNew: (s) => `New e-mail: ${s}`,
    open: 'Open',
    insertCode: (c) => `Put code ${c} into the chat`,
    shareContactTitle: 'Share your phone number',
    shareContactHint: 'The bot gets your phone number and name. In the sandbox any number will do.',
    phone: 'Phone number',
    cancel: 'Cancel',
    share: 'Send number',
    photo: 'Photo',
    openPhoto: 'Open the photo',
    you: 'you',
    bot: 'bot',
    group: 'group',
    edited: 'edited',
    editedFull: 'Message edited',
    deleted: 'deleted',
    forwardedFrom: (n) => `Forwarded from ${n}`,
    document: 'Document',
    download: 'Download',
    opensInNewTab: 'opens in a new tab',
    contact: 'Contact',
    invoice: 'Invoice',
    pay: (a) => `Pay ${a}`,
    paying: 'Paying…',
    paid: 'Paid',
    paidService: (a) => `Payment of ${a} succeeded`,
    payFailed: (e) => `Payment failed: ${e}`,
    unsupported: 'The sandbox cannot show this message',
    noCallbackAnswer: 'The bot did not answer the button press (answerCallbackQuery)',
    unsupportedButton: 'This button does not work in the sandbox',
    copied: 'Copied',
    welcomeTitle: 'Welcome to the sandbox',
    welcomeText:
      'Try the bot without Telegram. First pick a resident or create one: you write to the bot on their behalf.',
    welcomeButton: 'Create a resident',
    chooseFirst: 'Pick a resident first',
    emptyChat: 'Nothing here yet. Press “Start” to start the bot.',
    emptyGroup: 'No messages in the group yet.',
    start: 'Start',
    notMemberComposer: 'You are not a member of this group',
    noCommands: 'The bot has not set a command list.',
    textTooLong: 'The message is longer than 4096 characters',
    fileTooLarge: 'The file is larger than 20 MB',
    sendFailed: (e) => `Not sent: ${e}`,
    error: (e) => `Error: ${e}`,
    userCreated: (n) => `Resident “${n}” created`,
    groupCreated: (n) => `Group “${n}” created`,
    today: 'Today',
    yesterday: 'Yesterday',
    locationUnsupported: 'Sharing a location is not available in the sandbox',
    spoiler: 'Hidden text, press to reveal',
    sendCommand: (c) => `Send the command ${c}`,
  },
};

// ---------------------------------------------------------------- storage

const store = {
  get(key, fallback) {
    try {
      const raw = localStorage.getItem(`sandbox.${key}`);
      return raw === null ? fallback : JSON.parse(raw);
    } catch {
      return fallback;
    }
  },
  set(key, value) {
    try {
      if (value === null || value === undefined) localStorage.removeItem(`sandbox.${key}`);
      else localStorage.setItem(`sandbox.${key}`, JSON.stringify(value));
    } catch {
      // private mode or full storage: the page still works, it just forgets
    }
  },
};

// ---------------------------------------------------------------- state

const state = {
  lang: store.get('lang', 'ru') === 'en' ? 'en' : 'ru',
  info: null,
  users: [],
  chats: [],
  userId: store.get('userId', null),
  chatId: store.get('chatId', null),
  transcript: [],
  transcriptChatId: null,
  mail: [],
  mailSeen: new Set(store.get('mailSeen', [])),
  mailLoaded: false,
  openMailId: null,
  replyTo: null,
  attachment: null,
  keyboardOverride: new Map(),
  forceReplyHandled: new Map(),
  showDeleted: store.get('showDeleted', false) === true,
  unread: new Map(),
  nodes: new Map(),
  stick: true,
  listsLoaded: false,
  callbackWake: new Set(),
};

const $ = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el;
};

function t(key, ...args) {
  const value = STRINGS[state.lang][key] ?? STRINGS.ru[key] ?? key;
  return typeof value === 'function' ? value(...args) : value;
}

function locale() {
  return state.lang === 'ru' ? 'ru-RU' : 'en-GB';
}

// ---------------------------------------------------------------- DOM helpers

/** Creates an element; `props` sets properties/attributes, children are nodes or strings. */
function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = value;
      else if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2), value);
      } else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (value === true) el.setAttribute(key, '');
      else el.setAttribute(key, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

// Icons as inline SVG (stroke paths on a 24×24 grid): emoji fonts are not everywhere.
const ICONS = {
  chat: 'M4 5h16v11H9l-5 4z',
  group:
    'M9 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM3 19c0-3 2.7-5 6-5s6 2 6 5M17 11.5a2.5 2.5 0 1 0 0-5M16.5 14c2.7.3 4.5 1.9 4.5 4.5',
  doc: 'M7 3h7l5 5v13H7zM14 3v5h5M10 13h6M10 17h6',
  person: 'M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4 3.6-6.5 8-6.5s8 2.5 8 6.5',
  phone:
    'M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2z',
  pin: 'M12 21s-7-6-7-11a7 7 0 0 1 14 0c0 5-7 11-7 11zM12 12.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z',
  receipt: 'M6 3h12v18l-3-2-3 2-3-2-3 2zM9 8h6M9 12h6M9 16h3',
};

function icon(name) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', 'ico');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', ICONS[name] ?? '');
  svg.append(path);
  return svg;
}

// ---------------------------------------------------------------- API

async function api(path, options = {}) {
  const init = { method: options.method ?? 'GET', headers: {} };
  if (options.body !== undefined) {
    init.method = options.method ?? 'POST';
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  const res = await fetch(`${API}${path}`, init);
  const raw = await res.text();
  let data = null;
  if (raw) {
    try {
      data = JSON.parse(raw);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = new Error(data?.error ?? data?.description ?? `HTTP ${res.status}`);
    err.status = res.status;
    throw err;
  }
  return data;
}

// ---------------------------------------------------------------- formatting

function formatMoney(amount, currency = 'RUB') {
  try {
    return new Intl.NumberFormat('ru-RU', { style: 'currency', currency }).format(amount / 100);
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency}`;
  }
}

function formatTime(unix) {
  return new Date(unix * 1000).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });
}

function formatDateTime(unix) {
  return new Date(unix * 1000).toLocaleString(locale(), { dateStyle: 'long', timeStyle: 'short' });
}

function dayKey(unix) {
  const d = new Date(unix * 1000);
  return `${d.getFullYear()}-${d.getMonth() + 1}-${d.getDate()}`;
}

function formatDay(unix) {
  const d = new Date(unix * 1000);
  const now = new Date();
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (dayKey(unix) === dayKey(now.getTime() / 1000)) return t('today');
  if (dayKey(unix) === dayKey(yesterday.getTime() / 1000)) return t('yesterday');
  const opts = { day: 'numeric', month: 'long' };
  if (d.getFullYear() !== now.getFullYear()) opts.year = 'numeric';
  return d.toLocaleDateString(locale(), opts);
}

function formatSize(bytes) {
  if (typeof bytes !== 'number') return '';
  const units = state.lang === 'ru' ? ['Б', 'КБ', 'МБ'] : ['B', 'KB', 'MB'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${value.toLocaleString(locale(), { maximumFractionDigits: i === 0 ? 0 : 1 })} ${units[i]}`;
}

function fullName(user) {
  if (!user) return '';
  return [user.first_name, user.last_name].filter(Boolean).join(' ');
}

function safeUrl(raw) {
  if (typeof raw !== 'string' || raw === '') return null;
  try {
    const url = new URL(raw, window.location.href);
    return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- entities

/**
 * Renders Telegram text with its entities into a fragment. Offsets and lengths
 * are UTF-16 code units, which is exactly how JavaScript strings index, so a
 * plain slice is correct. Entities nest; a partly overlapping one is dropped.
 */
function renderRich(text, entities, linkCommands = false) {
  const frag = document.createDocumentFragment();
  const list = (Array.isArray(entities) ? entities : [])
    .filter((e) => Number.isInteger(e?.offset) && Number.isInteger(e?.length) && e.length > 0)
    .map((e) => ({ ...e, end: Math.min(e.offset + e.length, text.length) }))
    .filter((e) => e.offset >= 0 && e.offset < e.end)
    .sort((a, b) => a.offset - b.offset || b.end - a.end);
  buildRich(frag, text, 0, text.length, list, linkCommands);
  return frag;
}

const COMMAND_RE = /(^|[\s(«"])(\/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{5,32})?)(?=$|[\s.,!?;:)»"])/g;

/**
 * Plain text; in bot messages, `/command`s the server left without a
 * bot_command entity are made clickable too (Telegram marks them itself).
 */
function appendPlain(parent, str, linkCommands) {
  if (!linkCommands || !str.includes('/')) {
    parent.append(str);
    return;
  }
  let last = 0;
  for (const m of str.matchAll(COMMAND_RE)) {
    const at = m.index + m[1].length;
    if (at > last) parent.append(str.slice(last, at));
    parent.append(entityElement({ type: 'bot_command' }, m[2]).outer);
    parent.lastChild.append(m[2]);
    last = at + m[2].length;
  }
  if (last < str.length) parent.append(str.slice(last));
}

const NO_LINKS = new Set([
  'code',
  'pre',
  'text_link',
  'url',
  'email',
  'phone_number',
  'bot_command',
]);

function buildRich(parent, text, start, end, list, linkCommands) {
  let pos = start;
  let i = 0;
  while (i < list.length) {
    const e = list[i];
    if (e.offset < pos || e.end > end) {
      i++;
      continue;
    }
    const inner = [];
    let j = i + 1;
    while (j < list.length && list[j].offset < e.end) {
      if (list[j].end <= e.end) inner.push(list[j]);
      j++;
    }
    if (e.offset > pos) appendPlain(parent, text.slice(pos, e.offset), linkCommands);
    const { outer, body } = entityElement(e, text.slice(e.offset, e.end));
    buildRich(body, text, e.offset, e.end, inner, linkCommands && !NO_LINKS.has(e.type));
    parent.append(outer);
    pos = e.end;
    i = j;
  }
  if (pos < end) appendPlain(parent, text.slice(pos, end), linkCommands);
}

function link(href, cls) {
  return h('a', { href, class: cls, target: '_blank', rel: 'noopener noreferrer' });
}

function entityElement(e, segment) {
  const one = (el) => ({ outer: el, body: el });
  switch (e.type) {
    case 'bold':
      return one(h('strong'));
    case 'italic':
      return one(h('em'));
    case 'underline':
      return one(h('u'));
    case 'strikethrough':
      return one(h('s'));
    case 'code':
      return one(h('code'));
    case 'pre': {
      const code = h('code');
      const pre = h('pre', { dataset: e.language ? { language: e.language } : undefined }, code);
      return { outer: pre, body: code };
    }
    case 'blockquote':
    case 'expandable_blockquote':
      return one(h('blockquote'));
    case 'spoiler': {
      const el = h('span', {
        class: 'spoiler',
        role: 'button',
        tabindex: '0',
        'aria-label': t('spoiler'),
        'aria-pressed': 'false',
      });
      return one(el);
    }
    case 'text_link': {
      const href = safeUrl(e.url);
      return one(href ? link(href, 'text-link') : h('span', { class: 'text-link' }));
    }
    case 'url': {
      const href = safeUrl(/^[a-z][a-z0-9+.-]*:/i.test(segment) ? segment : `http://${segment}`);
      return one(href ? link(href) : h('span'));
    }
    case 'email':
      return one(link(`mailto:${segment}`));
    case 'phone_number':
      return one(h('a', { href: `tel:${segment.replace(/[^\d+]/g, '')}` }));
    case 'bot_command':
      return one(
        h('button', {
          type: 'button',
          class: 'cmd-link',
          'aria-label': t('sendCommand', segment),
          dataset: { command: segment },
        }),
      );
    case 'mention':
    case 'text_mention':
    case 'hashtag':
    case 'cashtag':
      return one(h('span', { class: 'mention' }));
    default:
      return one(h('span'));
  }
}

// ---------------------------------------------------------------- toasts & dialogs

function toast(text, opts = {}) {
  const box = $('toasts');
  const item = h('div', {
    class: `toast${opts.error ? ' error' : ''}`,
    role: opts.error ? 'alert' : null,
  });
  item.append(h('span', { text }));
  if (opts.action) {
    item.append(
      h('button', {
        type: 'button',
        class: 'toast-action',
        text: opts.action.label,
        onclick: () => {
          item.remove();
          opts.action.run();
        },
      }),
    );
  }
  box.append(item);
  while (box.childElementCount > 3) box.firstElementChild?.remove();
  setTimeout(() => item.remove(), opts.action ? 8000 : opts.error ? 6000 : 3500);
}

function toastError(err) {
  toast(t('error', err instanceof Error ? err.message : String(err)), { error: true });
}

function alertDialog(text) {
  const dialog = $('alert-dialog');
  $('alert-title').textContent = state.info?.bot?.first_name ?? '';
  $('alert-text').textContent = text;
  if (!dialog.open) dialog.showModal();
}

// ---------------------------------------------------------------- derived state

function currentUser() {
  return state.users.find((u) => u.id === state.userId) ?? null;
}

function currentChat() {
  return state.chats.find((c) => c.id === state.chatId) ?? null;
}

function isGroup(chat) {
  return chat && (chat.type === 'group' || chat.type === 'supergroup');
}

function isMember(chat, userId) {
  if (!chat || userId === null) return false;
  if (chat.type === 'private') return chat.id === userId;
  return Array.isArray(chat.member_ids) ? chat.member_ids.includes(userId) : false;
}

function canWrite() {
  return isMember(currentChat(), state.userId);
}

// ---------------------------------------------------------------- loading

async function loadInfo() {
  try {
    state.info = await api('/info');
  } catch {
    state.info = null;
  }
  renderHeader();
  renderDemo();
}

async function loadLists() {
  const [users, chats] = await Promise.all([api('/users'), api('/chats')]);
  state.users = (Array.isArray(users) ? users : []).filter((u) => !u.is_bot);
  state.chats = Array.isArray(chats) ? chats : [];
  state.listsLoaded = true;
  if (state.userId !== null && !currentUser()) selectUser(null, { silent: true });
  if (state.userId !== null && !isMember(currentChat(), state.userId)) {
    state.chatId = state.userId;
    store.set('chatId', state.chatId);
  }
  renderUsers();
  renderChats();
  renderHeader();
  renderComposerState();
}

let transcriptSeq = 0;
let transcriptTimer = 0;

function scheduleTranscript() {
  clearTimeout(transcriptTimer);
  transcriptTimer = setTimeout(loadTranscript, 40);
}

async function loadTranscript() {
  const chatId = state.chatId;
  const seq = ++transcriptSeq;
  if (chatId === null || state.userId === null) {
    state.transcript = [];
    state.transcriptChatId = null;
    renderTranscript();
    return;
  }
  try {
    const data = await api(`/chats/${chatId}/transcript`);
    if (seq !== transcriptSeq || chatId !== state.chatId) return;
    state.transcript = Array.isArray(data) ? data : [];
    state.transcriptChatId = chatId;
  } catch (err) {
    if (seq !== transcriptSeq) return;
    if (err.status === 404) {
      state.transcript = [];
      state.transcriptChatId = chatId;
    } else {
      toastError(err);
      return;
    }
  }
  state.unread.delete(chatId);
  renderChats();
  renderTranscript();
  renderReplyKeyboard();
  handleForceReply();
}

let listsTimer = 0;
function scheduleLists() {
  clearTimeout(listsTimer);
  listsTimer = setTimeout(() => loadLists().catch(toastError), 60);
}

async function loadMail(announce) {
  let items;
  try {
    items = await api('/mail');
  } catch {
    return;
  }
  const list = Array.isArray(items) ? items : [];
  const known = new Set(state.mail.map((m) => m.id));
  const fresh = list.filter((m) => !known.has(m.id));
  state.mail = list;
  if (announce && state.mailLoaded && fresh.length > 0) {
    const newest = fresh[0];
    toast(t('mailNew', newest.subject || '—'), {
      action: { label: t('open'), run: () => openMail(newest.id) },
    });
  }
  state.mailLoaded = true;
  renderMailBadge();
  if ($('mail-dialog').open) renderMail();
}

// ---------------------------------------------------------------- header & side panel

function renderHeader() {
  const chat = currentChat();
  const bot = state.info?.bot;
  const botName = bot?.first_name ?? 'Bot';
  const me = currentUser();
  let title = botName;
  const sub = [];
  if (isGroup(chat)) {
    title = chat.title ?? t('group');
    sub.push(t('group'));
    if (Array.isArray(chat.member_ids)) sub.push(t('members', chat.member_ids.length + 1));
  } else {
    sub.push(bot?.username ? `@${bot.username}` : t('bot'));
  }
  if (me) sub.push(`${t('you')}: ${fullName(me)}`);
  $('chat-title').textContent = title;
  $('chat-subtitle').textContent = sub.join(' · ');
  $('bot-avatar').textContent = (title.trim()[0] ?? '?').toUpperCase();
  $('bot-avatar').classList.toggle('group', Boolean(isGroup(chat)));
  document.title = `${botName} — ${state.lang === 'ru' ? 'песочница' : 'sandbox'}`;
}

function renderUsers() {
  const select = $('user-select');
  const options = [h('option', { value: '', text: t('chooseResident') })];
  for (const u of state.users) {
    const label = `${fullName(u)} · ${u.language_code ?? '—'}`;
    options.push(h('option', { value: String(u.id), text: label, title: `id ${u.id}` }));
  }
  select.replaceChildren(...options);
  select.value = state.userId === null ? '' : String(state.userId);
  const me = currentUser();
  $('blocked-row').hidden = !me;
  $('blocked-check').checked = Boolean(me?.blocked);
  if (state.listsLoaded && state.users.length === 0) $('new-user').open = true;
}

function renderChats() {
  const list = $('chat-list');
  list.replaceChildren();
  const me = currentUser();
  $('chats-card').hidden = !me;
  if (!me) return;
  const entries = [{ id: me.id, label: t('privateChat'), icon: 'chat', member: true }];
  for (const c of state.chats) {
    if (!isGroup(c)) continue;
    const member = isMember(c, me.id);
    entries.push({ id: c.id, label: c.title ?? String(c.id), icon: 'group', member });
  }
  for (const e of entries) {
    const unread = state.unread.get(e.id) ?? 0;
    const btn = h(
      'button',
      {
        type: 'button',
        class: 'chat-item',
        'aria-current': e.id === state.chatId ? 'true' : null,
        disabled: !e.member,
        onclick: () => selectChat(e.id),
      },
      h('span', { class: 'chat-icon' }, icon(e.icon)),
      h('span', { class: 'chat-label', text: e.label }),
      e.member ? null : h('span', { class: 'muted small', text: t('notMember') }),
      unread > 0 ? h('span', { class: 'badge', text: String(unread) }) : null,
    );
    list.append(h('li', null, btn));
  }
  const totalUnread = [...state.unread.values()].reduce((a, b) => a + b, 0);
  $('menu-btn').classList.toggle('has-unread', totalUnread > 0);
}

function demoLabel(key) {
  const known = { demoAccounts: t('demoAccounts') };
  if (known[key]) return known[key];
  const words = key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function insertButton(value) {
  return h('button', {
    type: 'button',
    class: 'btn small',
    text: t('insert'),
    'aria-label': t('insertLabel', value),
    onclick: () => insertIntoComposer(value),
  });
}

function scalar(value) {
  return ['string', 'number', 'boolean'].includes(typeof value);
}

function renderObject(obj) {
  const dl = h('dl', { class: 'kv' });
  for (const [k, v] of Object.entries(obj)) {
    if (!scalar(v)) continue;
    dl.append(h('dt', { text: demoLabel(k) }), h('dd', { text: String(v) }));
  }
  return dl;
}

function renderDemo() {
  const extra = state.info?.extra;
  const body = $('demo-body');
  body.replaceChildren();
  if (!extra || typeof extra !== 'object' || Array.isArray(extra)) {
    $('demo-card').hidden = true;
    return;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (key === 'demoAccounts' && Array.isArray(value)) {
      const list = h('ul', { class: 'demo-accounts' });
      for (const acc of value) {
        if (!acc || typeof acc !== 'object') continue;
        const number = acc.number === undefined ? '' : String(acc.number);
        list.append(
          h(
            'li',
            null,
            h(
              'div',
              { class: 'demo-row' },
              h('span', null, `${t('account')}: `, h('strong', { class: 'mono', text: number })),
              number ? insertButton(number) : null,
            ),
            acc.address
              ? h('div', { class: 'muted', text: `${t('address')}: ${acc.address}` })
              : null,
            acc.proofHint
              ? h('div', { class: 'muted', text: `${t('proof')}: ${acc.proofHint}` })
              : null,
          ),
        );
      }
      body.append(h('h4', { text: demoLabel(key) }), list);
    } else if (scalar(value)) {
      body.append(h('p', null, h('strong', { text: `${demoLabel(key)}: ` }), String(value)));
    } else if (Array.isArray(value)) {
      const list = h('ul', { class: 'demo-list' });
      for (const item of value) {
        if (scalar(item)) list.append(h('li', { text: String(item) }));
        else if (item && typeof item === 'object') list.append(h('li', null, renderObject(item)));
      }
      body.append(h('h4', { text: demoLabel(key) }), list);
    } else if (value && typeof value === 'object') {
      body.append(h('h4', { text: demoLabel(key) }), renderObject(value));
    }
  }
  $('demo-card').hidden = body.childElementCount === 0;
}

// ---------------------------------------------------------------- selection

function selectUser(userId, opts = {}) {
  state.userId = userId;
  state.chatId = userId;
  store.set('userId', userId);
  store.set('chatId', userId);
  state.unread.clear();
  resetChatView();
  if (!opts.silent) {
    renderUsers();
    renderChats();
    renderHeader();
    renderComposerState();
    loadTranscript();
  }
}

function selectChat(chatId) {
  if (chatId === state.chatId) {
    closeSide();
    return;
  }
  state.chatId = chatId;
  store.set('chatId', chatId);
  resetChatView();
  renderChats();
  renderHeader();
  renderComposerState();
  loadTranscript();
  closeSide();
}

function resetChatView() {
  state.transcript = [];
  state.transcriptChatId = null;
  state.replyTo = null;
  state.stick = true;
  clearAttachment();
  renderReplyBar();
  for (const { node } of state.nodes.values()) node.remove();
  state.nodes.clear();
  renderTranscript();
  renderReplyKeyboard();
}

// ---------------------------------------------------------------- transcript

function previewText(entry) {
  if (!entry) return '…';
  if (entry.text) return entry.text.slice(0, 90);
  if (entry.caption) return entry.caption.slice(0, 90);
  if (entry.photo) return t('photo');
  if (entry.document) return `${t('document')}: ${entry.document.file_name ?? ''}`;
  if (entry.invoice) return `${t('invoice')}: ${entry.invoice.title}`;
  if (entry.contact) return `${t('contact')}: ${entry.contact.phone_number}`;
  return '…';
}

function paidInvoices() {
  const paid = new Set();
  for (const e of state.transcript) {
    if (e.successful_payment && e.reply_to_message_id) paid.add(e.reply_to_message_id);
  }
  return paid;
}

function renderTranscript() {
  const container = $('messages');
  const wrapEmpty = $('empty');
  const user = currentUser();
  const chat = currentChat();
  const nearBottom = state.stick;
  const before = container.scrollHeight;

  if (!user) {
    renderEmpty('welcome');
  } else if (state.transcriptChatId === state.chatId && state.transcript.length === 0) {
    renderEmpty(isGroup(chat) ? 'group' : 'private');
  } else {
    wrapEmpty.hidden = true;
    wrapEmpty.replaceChildren();
  }

  const byId = new Map(state.transcript.map((e) => [e.message_id, e]));
  const paid = paidInvoices();
  const ctx = { byId, paid, group: isGroup(chat), me: state.userId };
  const nodes = [];
  const next = new Map();
  let lastDay = '';
  for (const entry of state.transcript) {
    if (entry.deleted && !state.showDeleted) continue;
    const day = dayKey(entry.date);
    if (day !== lastDay) {
      lastDay = day;
      const key = `d${day}`;
      const sig = `${formatDay(entry.date)}`;
      nodes.push(keyed(next, key, sig, () => dayNode(entry.date)));
    }
    const quoted = entry.reply_to_message_id ? byId.get(entry.reply_to_message_id) : undefined;
    const sig = JSON.stringify([
      entry,
      quoted ? previewText(quoted) : null,
      paid.has(entry.message_id),
      state.userId,
      state.lang,
      ctx.group,
    ]);
    nodes.push(keyed(next, `m${entry.message_id}`, sig, () => messageNode(entry, ctx)));
  }
  const added = [...next.keys()].some((k) => k.startsWith('m') && !state.nodes.has(k));
  state.nodes = next;

  let ref = container.firstChild;
  for (const node of nodes) {
    if (node === ref) {
      ref = ref.nextSibling;
      continue;
    }
    container.insertBefore(node, ref);
  }
  while (ref) {
    const after = ref.nextSibling;
    ref.remove();
    ref = after;
  }

  if (nearBottom) scrollToBottom();
  else if (added && container.scrollHeight !== before) $('to-bottom').hidden = false;
}

function keyed(next, key, sig, make) {
  const old = state.nodes.get(key);
  const node = old && old.sig === sig ? old.node : make();
  next.set(key, { node, sig });
  return node;
}

function scrollToBottom() {
  const container = $('messages');
  container.scrollTop = container.scrollHeight;
  state.stick = true;
  $('to-bottom').hidden = true;
}

function renderEmpty(kind) {
  const box = $('empty');
  box.replaceChildren();
  box.hidden = false;
  const botName = state.info?.bot?.first_name ?? 'Bot';
  if (kind === 'welcome') {
    box.append(
      h(
        'div',
        { class: 'empty-card' },
        h('h2', { text: t('welcomeTitle') }),
        h('p', { text: t('welcomeText') }),
        h('button', {
          type: 'button',
          class: 'btn primary',
          text: t('welcomeButton'),
          onclick: () => {
            openSide();
            $('new-user').open = true;
            $('user-first').focus();
          },
        }),
      ),
    );
  } else if (kind === 'private') {
    box.append(
      h(
        'div',
        { class: 'empty-card' },
        h('div', {
          class: 'avatar big',
          'aria-hidden': 'true',
          text: botName[0]?.toUpperCase() ?? '?',
        }),
        h('h2', { text: botName }),
        h('p', { text: t('emptyChat') }),
        h('button', {
          type: 'button',
          class: 'btn primary big',
          text: t('start'),
          onclick: () => sendText('/start'),
        }),
      ),
    );
  } else {
    box.append(h('div', { class: 'empty-card' }, h('p', { text: t('emptyGroup') })));
  }
}

function dayNode(unix) {
  return h('div', { class: 'day', role: 'separator' }, h('span', { text: formatDay(unix) }));
}

function messageNode(entry, ctx) {
  const mine = entry.from?.id === ctx.me && entry.direction === 'in';
  const fromBot = entry.direction === 'out';

  if (entry.successful_payment) {
    const sp = entry.successful_payment;
    return h(
      'div',
      { class: 'row service', dataset: { id: entry.message_id } },
      h('span', {
        class: 'service-pill',
        text: `✓ ${t('paidService', formatMoney(sp.total_amount, sp.currency))}`,
      }),
    );
  }

  const bubble = h('div', { class: 'bubble' });
  if (ctx.group && !mine) {
    bubble.append(
      h('div', { class: `sender${fromBot ? ' is-bot' : ''}`, text: fullName(entry.from) }),
    );
  }
  if (entry.forwarded_from) {
    bubble.append(
      h('div', { class: 'forwarded', text: t('forwardedFrom', fullName(entry.forwarded_from)) }),
    );
  }
  if (entry.reply_to_message_id) {
    const quoted = ctx.byId.get(entry.reply_to_message_id);
    bubble.append(
      h(
        'button',
        {
          type: 'button',
          class: 'quote',
          onclick: () => jumpTo(entry.reply_to_message_id),
        },
        h('span', { class: 'quote-name', text: quoted ? fullName(quoted.from) : t('replyTo') }),
        h('span', { class: 'quote-text', text: previewText(quoted) }),
      ),
    );
  }
  let hasContent = false;
  if (Array.isArray(entry.photo) && entry.photo.length > 0) {
    const size = entry.photo[entry.photo.length - 1];
    const img = h('img', {
      src: size.url,
      alt: entry.caption ? entry.caption.slice(0, 120) : t('photo'),
      width: size.width || null,
      height: size.height || null,
      loading: 'lazy',
    });
    img.addEventListener('load', () => {
      if (state.stick) scrollToBottom();
    });
    bubble.append(
      h(
        'button',
        {
          type: 'button',
          class: 'photo-btn',
          'aria-label': t('openPhoto'),
          onclick: () => openPhoto(size.url, img.alt),
        },
        img,
      ),
    );
    bubble.classList.add('has-photo');
    hasContent = true;
  }
  if (entry.document) bubble.append(documentNode(entry.document));
  if (entry.invoice) bubble.append(invoiceNode(entry, ctx));
  if (entry.contact) {
    const c = entry.contact;
    bubble.append(
      h(
        'div',
        { class: 'contact-card' },
        h('span', { class: 'contact-icon' }, icon('person')),
        h(
          'div',
          null,
          h('div', { class: 'contact-name', text: fullName(c) || t('contact') }),
          h('div', { class: 'mono', text: c.phone_number }),
        ),
      ),
    );
  }
  hasContent ||= Boolean(entry.document || entry.invoice || entry.contact);
  const text = entry.text ?? entry.caption;
  const entities = entry.text !== undefined ? entry.entities : entry.caption_entities;
  if (text) {
    bubble.append(h('div', { class: 'text' }, renderRich(text, entities, fromBot)));
    hasContent = true;
  }
  if (!hasContent) bubble.append(h('div', { class: 'text muted', text: t('unsupported') }));

  const meta = h('span', { class: 'meta' });
  if (entry.edits > 0 || entry.edit_date) {
    meta.append(h('span', { class: 'edited', title: t('editedFull'), text: t('edited') }), ' ');
  }
  if (entry.deleted) meta.append(h('span', { class: 'deleted-mark', text: t('deleted') }), ' ');
  const iso = new Date(entry.date * 1000).toISOString();
  meta.append(
    h('time', { datetime: iso, title: formatDateTime(entry.date), text: formatTime(entry.date) }),
  );
  bubble.append(meta);

  const row = h(
    'div',
    {
      class: `row ${mine ? 'mine' : 'theirs'}${entry.deleted ? ' deleted' : ''}`,
      dataset: { id: entry.message_id, direction: entry.direction },
    },
    bubble,
  );
  const markup = entry.reply_markup;
  if (markup && Array.isArray(markup.inline_keyboard)) {
    const kb = inlineKeyboardNode(entry, markup.inline_keyboard, ctx);
    if (kb) row.append(kb);
  }
  return row;
}

function documentNode(doc) {
  const name = doc.file_name ?? t('document');
  const isPdf = doc.mime_type === 'application/pdf' || /\.pdf$/i.test(name);
  const details = [isPdf ? 'PDF' : doc.mime_type, formatSize(doc.file_size)]
    .filter(Boolean)
    .join(' · ');
  const main = link(doc.url, 'doc-link');
  main.setAttribute('aria-label', `${name}, ${details}, ${t('opensInNewTab')}`);
  main.append(
    isPdf
      ? h('span', { class: 'doc-icon', 'aria-hidden': 'true', text: 'PDF' })
      : h('span', { class: 'doc-icon' }, icon('doc')),
    h(
      'span',
      { class: 'doc-text' },
      h('span', { class: 'doc-name', text: name }),
      h('span', { class: 'doc-details', text: details }),
    ),
  );
  const download = h('a', {
    href: doc.url,
    download: name,
    class: 'doc-download',
    text: t('download'),
  });
  return h('div', { class: 'doc' }, main, download);
}

function invoiceNode(entry, ctx) {
  const inv = entry.invoice;
  const amount = formatMoney(inv.total_amount, inv.currency);
  const paid = ctx.paid.has(entry.message_id);
  const card = h(
    'div',
    { class: 'invoice' },
    h('div', { class: 'invoice-kicker' }, icon('receipt'), h('span', { text: t('invoice') })),
    h('div', { class: 'invoice-title', text: inv.title }),
    inv.description ? h('div', { class: 'invoice-desc', text: inv.description }) : null,
    h('div', { class: 'invoice-amount', text: amount }),
  );
  // The pay button lives in the card. Telegram labels it "Pay <amount>" unless
  // the bot gave its own text; the sandbox shows the localized default then.
  const custom = entry.reply_markup?.inline_keyboard?.flat().find((b) => b?.pay)?.text;
  const label = custom && !/^Pay [\d.]+ [A-Z]{3}$/.test(custom) ? custom : t('pay', amount);
  card.append(payButton(entry, paid, label, 'btn primary pay-btn'));
  return card;
}

function payButton(entry, paid, label, cls) {
  const btn = h('button', {
    type: 'button',
    class: cls,
    text: paid ? `✓ ${t('paid')}` : label,
    disabled: paid,
  });
  btn.addEventListener('click', () => payInvoice(entry, btn, label));
  return btn;
}

function inlineKeyboardNode(entry, rows, ctx) {
  if (!Array.isArray(rows) || rows.length === 0) return null;
  const box = h('div', { class: 'inline-kb', role: 'group', 'aria-label': t('botKeyboard') });
  const paid = ctx.paid.has(entry.message_id);
  for (const row of rows) {
    if (!Array.isArray(row)) continue;
    const line = h('div', { class: 'inline-row' });
    for (const b of row) {
      if (!b || typeof b.text !== 'string') continue;
      if (b.pay) {
        // rendered inside the invoice card (invoiceNode)
        if (!entry.invoice) line.append(payButton(entry, paid, b.text, 'ikb-btn pay'));
      } else if (b.url) {
        const href = safeUrl(b.url);
        const a = href ? link(href, 'ikb-btn') : h('span', { class: 'ikb-btn' });
        a.append(b.text, h('span', { class: 'ikb-corner', 'aria-hidden': 'true', text: '↗' }));
        line.append(a);
      } else if (typeof b.callback_data === 'string') {
        const btn = h('button', { type: 'button', class: 'ikb-btn', text: b.text });
        btn.addEventListener('click', () => pressCallback(entry, b.callback_data, btn));
        line.append(btn);
      } else if (b.copy_text && typeof b.copy_text.text === 'string') {
        const btn = h('button', { type: 'button', class: 'ikb-btn', text: b.text });
        btn.addEventListener('click', () => copyText(b.copy_text.text));
        line.append(btn);
      } else {
        const btn = h('button', { type: 'button', class: 'ikb-btn', text: b.text });
        btn.addEventListener('click', () => toast(t('unsupportedButton')));
        line.append(btn);
      }
    }
    if (line.childElementCount > 0) box.append(line);
  }
  return box.childElementCount > 0 ? box : null;
}

function jumpTo(messageId) {
  const node = state.nodes.get(`m${messageId}`)?.node;
  if (!node) return;
  node.scrollIntoView({ block: 'center', behavior: 'smooth' });
  node.classList.remove('flash');
  void node.offsetWidth;
  node.classList.add('flash');
}

function openPhoto(url, alt) {
  const img = $('photo-full');
  img.src = url;
  img.alt = alt;
  $('photo-dialog').showModal();
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    toast(t('copied'));
  } catch {
    insertIntoComposer(text);
  }
}

// ---------------------------------------------------------------- actions

function busy(btn, on) {
  if (!btn.isConnected && on === false) return;
  btn.disabled = on;
  btn.classList.toggle('busy', on);
  if (on) btn.setAttribute('aria-busy', 'true');
  else btn.removeAttribute('aria-busy');
}

async function pressCallback(entry, data, btn) {
  if (!canWrite()) return;
  busy(btn, true);
  try {
    const res = await api(`/chats/${state.chatId}/callback`, {
      body: { from: state.userId, message_id: entry.message_id, data },
    });
    const answer = await waitCallbackAnswer(res.callback_query_id);
    if (!answer?.answered) toast(t('noCallbackAnswer'), { error: true });
    else {
      if (answer.text) {
        if (answer.show_alert) alertDialog(answer.text);
        else toast(answer.text);
      }
      const href = safeUrl(answer.url);
      if (href) window.open(href, '_blank', 'noopener');
    }
  } catch (err) {
    toastError(err);
  } finally {
    busy(btn, false);
  }
}

async function waitCallbackAnswer(id) {
  const deadline = Date.now() + CALLBACK_WAIT_MS;
  while (Date.now() < deadline) {
    const answer = await api(`/callbacks/${encodeURIComponent(id)}`);
    if (answer?.answered) return answer;
    await new Promise((resolve) => {
      const wake = () => {
        state.callbackWake.delete(wake);
        resolve();
      };
      state.callbackWake.add(wake);
      setTimeout(wake, 400);
    });
  }
  return null;
}

async function payInvoice(entry, btn, label) {
  if (!canWrite()) return;
  btn.disabled = true;
  btn.textContent = t('paying');
  btn.setAttribute('aria-busy', 'true');
  try {
    const res = await api(`/chats/${state.chatId}/pay`, {
      body: { from: state.userId, message_id: entry.message_id },
    });
    if (res?.status === 'paid') {
      toast(`✓ ${t('paid')}`);
    } else {
      alertDialog(t('payFailed', res?.error ?? '?'));
      btn.disabled = false;
      btn.textContent = label;
    }
  } catch (err) {
    alertDialog(t('payFailed', err.message));
    btn.disabled = false;
    btn.textContent = label;
  } finally {
    btn.removeAttribute('aria-busy');
    scheduleTranscript();
  }
}

async function sendText(text, opts = {}) {
  if (!canWrite()) return false;
  const body = { from: state.userId, text };
  if (opts.replyTo) body.reply_to_message_id = opts.replyTo;
  try {
    await api(`/chats/${state.chatId}/messages`, { body });
    state.stick = true;
    scheduleTranscript();
    return true;
  } catch (err) {
    toast(t('sendFailed', err.message), { error: true });
    return false;
  }
}

function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

async function submitComposer() {
  const area = $('composer-text');
  const text = area.value;
  const file = state.attachment;
  if (!file && text.trim() === '') return;
  if (text.length > 4096) {
    toast(t('textTooLong'), { error: true });
    return;
  }
  if (!canWrite()) return;
  const sendBtn = $('send-btn');
  sendBtn.disabled = true;
  try {
    let ok;
    if (file) {
      const kind = PHOTO_TYPES.has(file.type) ? 'photo' : 'document';
      const body = {
        from: state.userId,
        [kind]: {
          filename: file.name || 'file',
          mime_type: file.type || 'application/octet-stream',
          base64: await readBase64(file),
        },
      };
      if (text.trim() !== '') body.caption = text;
      if (state.replyTo) body.reply_to_message_id = state.replyTo;
      try {
        await api(`/chats/${state.chatId}/messages`, { body });
        state.stick = true;
        scheduleTranscript();
        ok = true;
      } catch (err) {
        toast(t('sendFailed', err.message), { error: true });
        ok = false;
      }
    } else {
      ok = await sendText(text, { replyTo: state.replyTo });
    }
    if (ok) {
      area.value = '';
      autosize();
      clearAttachment();
      state.replyTo = null;
      renderReplyBar();
      renderComposerState();
    }
  } finally {
    sendBtn.disabled = false;
    area.focus();
  }
}

function insertIntoComposer(value) {
  const area = $('composer-text');
  area.value = value;
  autosize();
  closeSide();
  area.focus();
}

// ---------------------------------------------------------------- composer

function renderComposerState() {
  const writable = canWrite();
  const area = $('composer-text');
  for (const id of ['composer-text', 'send-btn', 'attach-btn', 'commands-btn']) {
    $(id).disabled = !writable;
  }
  const kb = activeKeyboard();
  const force = state.replyTo ? state.transcript.find((e) => e.message_id === state.replyTo) : null;
  let placeholder = t('messagePlaceholder');
  if (!currentUser()) placeholder = t('chooseFirst');
  else if (!writable) placeholder = t('notMemberComposer');
  else if (force?.reply_markup?.input_field_placeholder)
    placeholder = force.reply_markup.input_field_placeholder;
  else if (kb?.markup.input_field_placeholder) placeholder = kb.markup.input_field_placeholder;
  area.placeholder = placeholder;
}

function autosize() {
  const area = $('composer-text');
  area.style.height = 'auto';
  area.style.height = `${Math.min(area.scrollHeight, 180)}px`;
}

function renderReplyBar() {
  const bar = $('reply-bar');
  if (!state.replyTo) {
    bar.hidden = true;
    return;
  }
  const target = state.transcript.find((e) => e.message_id === state.replyTo);
  $('reply-bar-quote').textContent = previewText(target);
  bar.hidden = false;
}

function clearAttachment() {
  state.attachment = null;
  const input = document.getElementById('file-input');
  if (input) input.value = '';
  const bar = document.getElementById('attach-bar');
  if (bar) bar.hidden = true;
}

function onFileChosen(file) {
  if (!file) return;
  if (file.size > MAX_UPLOAD_BYTES) {
    toast(t('fileTooLarge'), { error: true });
    clearAttachment();
    return;
  }
  state.attachment = file;
  $('attach-name').textContent = `${file.name} · ${formatSize(file.size)}`;
  $('attach-bar').hidden = false;
  $('composer-text').focus();
}

/** The reply keyboard in force: the last keyboard/remove_keyboard the bot sent. */
function activeKeyboard() {
  let found = null;
  for (const e of state.transcript) {
    if (e.direction !== 'out' || !e.reply_markup) continue;
    if (Array.isArray(e.reply_markup.keyboard))
      found = { id: e.message_id, markup: e.reply_markup };
    else if (e.reply_markup.remove_keyboard) found = null;
  }
  return found;
}

function keyboardOpen(kb) {
  const override = state.keyboardOverride.get(`${state.chatId}:${kb.id}`);
  if (override !== undefined) return override;
  if (!kb.markup.one_time_keyboard) return true;
  return !state.transcript.some(
    (e) => e.message_id > kb.id && e.direction === 'in' && e.from?.id === state.userId,
  );
}

function renderReplyKeyboard() {
  const panel = $('reply-keyboard');
  const toggle = $('keyboard-btn');
  const kb = canWrite() ? activeKeyboard() : null;
  panel.replaceChildren();
  if (!kb) {
    panel.hidden = true;
    toggle.hidden = true;
    renderComposerState();
    return;
  }
  const open = keyboardOpen(kb);
  toggle.hidden = false;
  toggle.setAttribute('aria-expanded', String(open));
  toggle.classList.toggle('active', open);
  panel.hidden = !open;
  for (const row of kb.markup.keyboard) {
    if (!Array.isArray(row)) continue;
    const line = h('div', { class: 'rk-row' });
    for (const raw of row) {
      const b = typeof raw === 'string' ? { text: raw } : raw;
      if (!b || typeof b.text !== 'string') continue;
      const btn = h('button', { type: 'button', class: 'rk-btn' });
      if (b.request_contact) btn.append(icon('phone'));
      if (b.request_location) btn.append(icon('pin'));
      btn.append(h('span', { text: b.text }));
      btn.addEventListener('click', () => pressReplyButton(kb, b));
      line.append(btn);
    }
    panel.append(line);
  }
  renderComposerState();
}

async function pressReplyButton(kb, b) {
  if (b.request_contact) {
    shareContact();
    return;
  }
  if (b.request_location) {
    toast(t('locationUnsupported'));
    return;
  }
  if (kb.markup.one_time_keyboard) state.keyboardOverride.delete(`${state.chatId}:${kb.id}`);
  await sendText(b.text);
}

function shareContact() {
  const me = currentUser();
  if (!me || !canWrite()) return;
  const dialog = $('contact-dialog');
  const input = $('contact-phone');
  input.value = store.get(`phone.${me.id}`, '+7 9');
  dialog.returnValue = '';
  dialog.showModal();
  input.focus();
  input.setSelectionRange(input.value.length, input.value.length);
  dialog.addEventListener(
    'close',
    async () => {
      if (dialog.returnValue !== 'ok') return;
      const phone = input.value.trim();
      if (!phone) return;
      store.set(`phone.${me.id}`, phone);
      try {
        const body = { from: me.id, phone_number: phone, first_name: me.first_name };
        if (me.last_name) body.last_name = me.last_name;
        await api(`/chats/${state.chatId}/contact`, { body });
        state.stick = true;
        scheduleTranscript();
      } catch (err) {
        toastError(err);
      }
    },
    { once: true },
  );
}

/** A bot message with force_reply makes the client start a reply to it. */
function handleForceReply() {
  const last = [...state.transcript].reverse().find((e) => e.direction === 'out' && !e.deleted);
  const handled = state.forceReplyHandled.get(state.chatId) ?? 0;
  if (last?.reply_markup?.force_reply && last.message_id > handled && canWrite()) {
    state.forceReplyHandled.set(state.chatId, last.message_id);
    state.replyTo = last.message_id;
    renderReplyBar();
    renderComposerState();
    if (!document.querySelector('dialog[open]')) $('composer-text').focus();
  }
}

// ---------------------------------------------------------------- commands menu

async function toggleCommands() {
  const menu = $('commands-menu');
  const btn = $('commands-btn');
  if (!menu.hidden) {
    closeCommands();
    return;
  }
  let commands = [];
  const me = currentUser();
  try {
    const q = new URLSearchParams({
      user_id: String(state.userId ?? ''),
      language_code: me?.language_code ?? '',
    });
    const list = await api(`/chats/${state.chatId}/commands?${q}`);
    if (Array.isArray(list)) commands = list;
  } catch {
    commands = [];
  }
  menu.replaceChildren();
  if (commands.length === 0) {
    menu.append(h('p', { class: 'menu-note', text: t('noCommands') }));
    commands = [{ command: 'start', description: t('start') }];
  }
  for (const c of commands) {
    menu.append(
      h(
        'button',
        {
          type: 'button',
          role: 'menuitem',
          class: 'menu-item',
          onclick: () => {
            closeCommands();
            sendText(`/${c.command}`);
          },
        },
        h('span', { class: 'menu-cmd', text: `/${c.command}` }),
        h('span', { class: 'menu-desc', text: c.description }),
      ),
    );
  }
  menu.hidden = false;
  btn.setAttribute('aria-expanded', 'true');
  menu.querySelector('[role="menuitem"]')?.focus();
}

function closeCommands(restoreFocus = true) {
  const menu = $('commands-menu');
  if (menu.hidden) return;
  menu.hidden = true;
  $('commands-btn').setAttribute('aria-expanded', 'false');
  if (restoreFocus) $('commands-btn').focus();
}

// ---------------------------------------------------------------- mail

function renderMailBadge() {
  const unseen = state.mail.filter((m) => !state.mailSeen.has(m.id)).length;
  const badge = $('mail-badge');
  badge.hidden = unseen === 0;
  badge.textContent = String(unseen);
  $('mail-btn').setAttribute('aria-label', unseen > 0 ? `${t('mail')} (${unseen})` : t('mail'));
}

function openMail(id) {
  state.openMailId = id ?? null;
  renderMail();
  const dialog = $('mail-dialog');
  if (!dialog.open) dialog.showModal();
  $('mail-close').focus();
}

function renderMail() {
  const body = $('mail-body');
  body.replaceChildren();
  const item = state.openMailId ? state.mail.find((m) => m.id === state.openMailId) : null;
  $('mail-back').hidden = !item;
  if (item) {
    state.mailSeen.add(item.id);
    store.set('mailSeen', [...state.mailSeen].slice(-500));
    renderMailBadge();
    const codes = [...new Set(item.text.match(/(?<!\d)\d{6}(?!\d)/g) ?? [])].slice(0, 3);
    body.append(
      h(
        'article',
        { class: 'mail-item-full' },
        h('h3', { text: item.subject || '—' }),
        h('p', {
          class: 'muted',
          text: `${t('mailTo')}: ${item.to} · ${formatMailDate(item.date)}`,
        }),
        ...codes.map((code) =>
          h('button', {
            type: 'button',
            class: 'btn primary',
            text: t('insertCode', code),
            onclick: () => {
              $('mail-dialog').close();
              insertIntoComposer(code);
            },
          }),
        ),
        h('div', { class: 'mail-text', text: item.text }),
      ),
    );
    return;
  }
  if (state.mail.length === 0) {
    body.append(h('p', { class: 'muted', text: t('mailEmpty') }));
    return;
  }
  const list = h('ul', { class: 'mail-list' });
  for (const m of state.mail) {
    const unseen = !state.mailSeen.has(m.id);
    list.append(
      h(
        'li',
        null,
        h(
          'button',
          {
            type: 'button',
            class: `mail-row${unseen ? ' unseen' : ''}`,
            onclick: () => {
              state.openMailId = m.id;
              renderMail();
              $('mail-back').focus();
            },
          },
          h('span', { class: 'mail-subject', text: m.subject || '—' }),
          h('span', { class: 'mail-meta', text: `${m.to} · ${formatMailDate(m.date)}` }),
          h('span', { class: 'mail-snippet', text: m.text.slice(0, 120) }),
        ),
      ),
    );
  }
  body.append(list);
}

function formatMailDate(raw) {
  const d = new Date(raw);
  if (Number.isNaN(d.getTime())) return String(raw);
  return d.toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' });
}

// ---------------------------------------------------------------- side panel (mobile)

function openSide() {
  document.body.classList.add('side-open');
  $('scrim').hidden = false;
  $('menu-btn').setAttribute('aria-expanded', 'true');
  $('menu-btn').setAttribute('aria-label', t('closeMenu'));
}

function closeSide() {
  if (!document.body.classList.contains('side-open')) return;
  document.body.classList.remove('side-open');
  $('scrim').hidden = true;
  $('menu-btn').setAttribute('aria-expanded', 'false');
  $('menu-btn').setAttribute('aria-label', t('openMenu'));
}

// ---------------------------------------------------------------- i18n of static markup

function applyLanguage() {
  document.documentElement.lang = state.lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-aria]')) {
    el.setAttribute('aria-label', t(el.dataset.i18nAria));
  }
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) {
    el.setAttribute('placeholder', t(el.dataset.i18nPlaceholder));
  }
  const langBtn = $('lang-btn');
  langBtn.textContent = state.lang === 'ru' ? 'EN' : 'RU';
  langBtn.setAttribute('aria-label', t('switchLanguage'));
  $('menu-btn').setAttribute(
    'aria-label',
    document.body.classList.contains('side-open') ? t('closeMenu') : t('openMenu'),
  );
  if (
    !$('group-title').value ||
    Object.values(STRINGS).some((s) => s.groupDefaultTitle === $('group-title').value)
  ) {
    $('group-title').value = t('groupDefaultTitle');
  }
  renderHeader();
  renderUsers();
  renderChats();
  renderDemo();
  renderMailBadge();
  renderTranscript();
  renderReplyKeyboard();
  renderReplyBar();
  if ($('mail-dialog').open) renderMail();
}

// ---------------------------------------------------------------- live updates

let events = null;
let retryMs = 1000;
let wasDown = false;
let bannerTimer = 0;

function connectEvents() {
  events = new EventSource(`${API}/events`);
  events.onopen = () => {
    clearTimeout(bannerTimer);
    $('conn-banner').hidden = true;
    retryMs = 1000;
    if (wasDown) {
      wasDown = false;
      refreshAll();
    }
  };
  events.onmessage = (ev) => {
    let data;
    try {
      data = JSON.parse(ev.data);
    } catch {
      return;
    }
    onEvent(data);
  };
  events.onerror = () => {
    wasDown = true;
    clearTimeout(bannerTimer);
    bannerTimer = setTimeout(() => {
      $('conn-banner').hidden = false;
    }, 1500);
    if (events.readyState === EventSource.CLOSED) {
      events.close();
      setTimeout(connectEvents, retryMs);
      retryMs = Math.min(retryMs * 2, 15_000);
    }
  };
}

function onEvent(ev) {
  switch (ev?.type) {
    case 'message':
    case 'edit':
    case 'delete':
      if (ev.chat_id === undefined || ev.chat_id === state.chatId) scheduleTranscript();
      else if (
        ev.type === 'message' &&
        isMember(
          state.chats.find((c) => c.id === ev.chat_id),
          state.userId,
        )
      ) {
        state.unread.set(ev.chat_id, (state.unread.get(ev.chat_id) ?? 0) + 1);
        renderChats();
      }
      break;
    case 'callback_answer':
      for (const wake of [...state.callbackWake]) wake();
      break;
    case 'mail':
      loadMail(true);
      break;
    case 'user':
    case 'chat':
      scheduleLists();
      break;
    default:
      break;
  }
}

async function refreshAll() {
  try {
    await loadLists();
  } catch (err) {
    toastError(err);
  }
  await Promise.all([loadTranscript(), loadMail(false)]);
}

// ---------------------------------------------------------------- wiring

function wire() {
  $('menu-btn').addEventListener('click', () => {
    if (document.body.classList.contains('side-open')) closeSide();
    else openSide();
  });
  $('scrim').addEventListener('click', closeSide);
  document.addEventListener('keydown', (ev) => {
    if (ev.key !== 'Escape') return;
    if (!$('commands-menu').hidden) closeCommands();
    else if (document.body.classList.contains('side-open')) {
      closeSide();
      $('menu-btn').focus();
    }
  });

  $('lang-btn').addEventListener('click', () => {
    state.lang = state.lang === 'ru' ? 'en' : 'ru';
    store.set('lang', state.lang);
    applyLanguage();
  });

  $('user-select').addEventListener('change', (ev) => {
    const value = ev.target.value;
    selectUser(value === '' ? null : Number(value));
  });

  $('blocked-check').addEventListener('change', async (ev) => {
    const me = currentUser();
    if (!me) return;
    try {
      await api(`/users/${me.id}/block`, { body: { blocked: ev.target.checked } });
      await loadLists();
    } catch (err) {
      toastError(err);
    }
  });

  $('user-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const first = $('user-first').value.trim();
    if (!first) {
      $('user-first').focus();
      return;
    }
    const body = { first_name: first, language_code: $('user-lang').value };
    const last = $('user-last').value.trim();
    if (last) body.last_name = last;
    try {
      const user = await api('/users', { body });
      $('user-first').value = '';
      $('user-last').value = '';
      $('new-user').open = false;
      await loadLists();
      selectUser(user.id);
      toast(t('userCreated', fullName(user)));
      closeSide();
      $('composer-text').focus();
    } catch (err) {
      toastError(err);
    }
  });

  $('group-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (state.userId === null) {
      toast(t('welcomeText'));
      return;
    }
    const title = $('group-title').value.trim() || t('groupDefaultTitle');
    try {
      const chat = await api('/groups', { body: { title, member_ids: [state.userId] } });
      await loadLists();
      selectChat(chat.id);
      toast(t('groupCreated', title));
    } catch (err) {
      toastError(err);
    }
  });

  $('show-deleted').checked = state.showDeleted;
  $('show-deleted').addEventListener('change', (ev) => {
    state.showDeleted = ev.target.checked;
    store.set('showDeleted', state.showDeleted);
    renderTranscript();
  });

  $('rate-limits').addEventListener('change', async (ev) => {
    try {
      const res = await api('/settings', { body: { rate_limits: ev.target.checked } });
      ev.target.checked = Boolean(res?.rate_limits);
    } catch (err) {
      toastError(err);
    }
  });

  const messages = $('messages');
  // Only the reader scrolling up lets go of the bottom: a scroll event that arrives after the area
  // shrank (a reply keyboard opened) must not, or the newest message ends up hidden under it.
  let lastTop = messages.scrollTop;
  messages.addEventListener('scroll', () => {
    const gap = messages.scrollHeight - messages.scrollTop - messages.clientHeight;
    if (gap < 80) state.stick = true;
    else if (messages.scrollTop < lastTop) state.stick = false;
    lastTop = messages.scrollTop;
    if (state.stick && gap >= 1) scrollToBottom();
    // «↓» whenever the newest message is out of sight, not only when one arrives meanwhile.
    $('to-bottom').hidden = state.stick;
  });
  // The chat area shrinks when a reply keyboard appears under it (the main menu after login) and
  // bubbles grow when pictures and fonts load: no scroll event fires, so keep to the bottom here.
  if (typeof ResizeObserver === 'function') {
    const keepToBottom = new ResizeObserver(() => {
      if (state.stick) scrollToBottom();
    });
    keepToBottom.observe(messages);
    const observeBubbles = new MutationObserver(() => {
      for (const child of messages.children) keepToBottom.observe(child);
    });
    observeBubbles.observe(messages, { childList: true });
  }
  messages.addEventListener('click', (ev) => {
    const target = ev.target instanceof Element ? ev.target : null;
    const spoiler = target?.closest('.spoiler');
    if (spoiler) {
      spoiler.classList.add('revealed');
      spoiler.setAttribute('aria-pressed', 'true');
      return;
    }
    const cmd = target?.closest('.cmd-link');
    if (cmd) sendText(cmd.dataset.command ?? cmd.textContent ?? '');
  });
  messages.addEventListener('keydown', (ev) => {
    const target = ev.target instanceof Element ? ev.target : null;
    if ((ev.key === 'Enter' || ev.key === ' ') && target?.classList.contains('spoiler')) {
      ev.preventDefault();
      target.classList.add('revealed');
      target.setAttribute('aria-pressed', 'true');
    }
  });
  $('to-bottom').addEventListener('click', scrollToBottom);

  const area = $('composer-text');
  area.addEventListener('input', autosize);
  area.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      submitComposer();
    }
  });
  $('composer-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    submitComposer();
  });
  $('attach-btn').addEventListener('click', () => $('file-input').click());
  $('file-input').addEventListener('change', (ev) => onFileChosen(ev.target.files?.[0]));
  $('attach-cancel').addEventListener('click', () => {
    clearAttachment();
    area.focus();
  });
  $('reply-cancel').addEventListener('click', () => {
    state.replyTo = null;
    renderReplyBar();
    renderComposerState();
    area.focus();
  });
  $('keyboard-btn').addEventListener('click', () => {
    const kb = activeKeyboard();
    if (!kb) return;
    state.keyboardOverride.set(`${state.chatId}:${kb.id}`, !keyboardOpen(kb));
    renderReplyKeyboard();
  });

  $('commands-btn').addEventListener('click', toggleCommands);
  $('commands-menu').addEventListener('keydown', (ev) => {
    const items = [...$('commands-menu').querySelectorAll('[role="menuitem"]')];
    const i = items.indexOf(document.activeElement);
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      const step = ev.key === 'ArrowDown' ? 1 : -1;
      items[(i + step + items.length) % items.length]?.focus();
    } else if (ev.key === 'Tab') {
      closeCommands(false);
    }
  });
  document.addEventListener('click', (ev) => {
    const menu = $('commands-menu');
    if (menu.hidden) return;
    const target = ev.target instanceof Node ? ev.target : null;
    if (target && !menu.contains(target) && !$('commands-btn').contains(target))
      closeCommands(false);
  });

  $('mail-btn').addEventListener('click', () => openMail(null));
  $('mail-close').addEventListener('click', () => $('mail-dialog').close());
  $('mail-back').addEventListener('click', () => {
    state.openMailId = null;
    renderMail();
    $('mail-close').focus();
  });
  $('photo-dialog').addEventListener('click', (ev) => {
    if (ev.target === $('photo-dialog') || ev.target === $('photo-full')) $('photo-dialog').close();
  });
}

async function init() {
  wire();
  applyLanguage();
  connectEvents();
  await loadInfo();
  try {
    const settings = await api('/settings');
    $('rate-limits').checked = Boolean(settings?.rate_limits);
  } catch {
    // older emulator without GET /settings: leave the box unchecked
  }
  await refreshAll();
  if (!currentUser()) $('new-user').open = true;
  document.body.classList.add('ready');
}

init().catch(toastError);
