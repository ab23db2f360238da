## Common
button-cancel = ✖️ Отмена
button-back = ⬅️ Назад
button-profile = 👤 Профиль
button-menu = 🏠 Главное меню
cancelled = Действие отменено. Вы в главном меню.
cancelled-plain = Действие отменено.
nothing-to-cancel = Отменять нечего. Вы в главном меню.
# A command typed inside a flow leaves it: the person is told which one, then the command runs.
flow-left-reading = Ввод показаний отменён.
flow-left-link-account = Подключение счёта отменено.
flow-left-appeal = Обращение не отправлено.
flow-left-pay-amount = Оплата отменена.
flow-left-register = Регистрация отменена.
flow-left-login = Вход отменён.
flow-left-recover = Восстановление пароля отменено.
flow-left-profile-edit = Изменение профиля отменено.
flow-left-profile-email = Смена e-mail отменена.
flow-left-profile-password = Смена пароля отменена.
flow-left-withdraw = Отзыв согласия отменён, ничего не удалено.
flow-left-language = Выбор языка отменён.
flow-left-appeal-answer = Ответ по обращению не отправлен.
flow-left-broadcast-text = Рассылка не подготовлена.
not-yet-available = Эта функция скоро появится. Пока вы можете посмотреть /help.

## Start
start-welcome =
    Здравствуйте! Это личный кабинет абонента { $operator }.

    Здесь можно в любое время:
    • смотреть баланс и историю платежей;
    • передавать показания счётчиков;
    • оплачивать и получать квитанции;
    • писать обращения и следить за ответом.

    Чтобы начать, войдите или зарегистрируйтесь.
start-welcome-back = Здравствуйте, { $name }! Выберите, что нужно сделать.
button-login = 🔑 Войти
button-register = 📝 Зарегистрироваться
button-help = ❓ Помощь

## Help
help-text =
    Что умеет бот:

    { $commands }

    Если что-то пошло не так, нажмите /cancel — и вы вернётесь в главное меню.
    Телефон { $operator }: { $phone }

## Language
language-choose = Выберите язык:
language-changed = Готово: теперь я говорю по-русски.
language-timeout = Язык не выбран. Если захотите, нажмите /language ещё раз.

## Unhandled
unhandled-text = Я не понял сообщение. Выберите действие кнопкой ниже или нажмите /help.
unhandled-command = Такой команды нет. Список команд — /help.
unhandled-media = Я пока не умею работать с таким сообщением. Выберите действие кнопкой ниже или нажмите /help.
callback-expired = Эта кнопка устарела. Откройте меню заново: /start
callback-expired-group = Эта кнопка устарела: действие с ней уже недоступно.

## Errors
error-apology = Извините, что-то пошло не так. Мы уже разбираемся. Попробуйте ещё раз чуть позже или нажмите /start.
# Every render thread busy and the queue full (the pool refused the chart or PDF): ask again soon.
render-busy = Сейчас много запросов. Попробуйте через минуту.
button-retry = 🔄 Попробовать ещё раз

## Admin
admin-help =
    Команды сотрудников (работают только в этом чате):

    /help — эта справка
    /find — найти счёт по номеру, e-mail или телефону жителя
    /stats — сводка: жители, показания, оплаты, обращения
    /export readings|payments [ГГГГ-ММ] — выгрузка для биллинга файлом
    /broadcast текст — рассылка жителям (только администратор); первой строкой можно указать settlement=Посёлок или debtors>=Сумма
    /import вид — подпись к CSV-файлу: загрузка из биллинга (accounts, meters, tariffs, charges, payments)
    /chatid — номер этого чата (для настройки ADMIN_CHAT_ID)

    Обращения приходят карточками: «Взять в работу», «Ответить», «Закрыть». Ответить можно и ответом (reply) на карточку.
    Показания на проверку: «Принять» или «Отклонить с причиной».
admin-chat-id = Номер этого чата: { $id }
admin-only-staff = Эта команда доступна только в чате сотрудников.

## Commands
command-start = Начало и главное меню
command-help = Справка
command-language = Язык / Language
command-cancel = Отменить текущее действие
command-admin-help = Справка для сотрудников
command-admin-chatid = Номер этого чата
