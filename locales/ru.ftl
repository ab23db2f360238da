## Common
button-cancel = ✖️ Отмена
button-back = ⬅️ Назад
button-profile = 👤 Профиль
button-menu = 🏠 Главное меню
cancelled = Действие отменено. Вы в главном меню.
nothing-to-cancel = Отменять нечего. Вы в главном меню.
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

## Errors
error-apology = Извините, что-то пошло не так. Мы уже разбираемся. Попробуйте ещё раз чуть позже или нажмите /start.

## Admin
admin-help =
    Команды сотрудников (работают только в этом чате):

    /help — эта справка
    /chatid — номер этого чата (для настройки ADMIN_CHAT_ID)
admin-chat-id = Номер этого чата: { $id }
admin-only-staff = Эта команда доступна только в чате сотрудников.

## Commands
command-start = Начало и главное меню
command-help = Справка
command-language = Язык / Language
command-cancel = Отменить текущее действие
command-admin-help = Справка для сотрудников
command-admin-chatid = Номер этого чата
