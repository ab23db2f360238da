## Profile
profile-login-first = Сначала войдите в личный кабинет или зарегистрируйтесь.
profile-card =
    👤 Ваш профиль

    ФИО: { $name }
    Телефон: { $phone }
    Адрес проживания: { $address }
    Эл. почта: { $email }
    Язык: { $language }

    Чтобы изменить данные, нажмите кнопку.
profile-not-set = не указано
button-profile-name = ✏️ ФИО
button-profile-phone = 📞 Телефон
button-profile-address = 🏠 Адрес
button-profile-email = ✉️ Эл. почта
button-profile-language = 🌐 Язык
button-profile-password = 🔑 Сменить пароль
button-profile-security = 🛡 Входы и безопасность
button-profile-back = ⬅️ К профилю
button-share-phone = 📱 Отправить мой номер
profile-text-expected = Пожалуйста, напишите ответ текстом. Чтобы выйти, нажмите «Отмена».
profile-too-many-tries = Слишком много попыток. Откройте профиль снова: /profile
profile-left = Изменение отменено.
profile-ask-name = Напишите фамилию, имя и отчество. Например: Иванова Анна Петровна.
profile-name-digits = В ФИО не может быть цифр. Напишите ещё раз, только буквами.
profile-name-symbols = В ФИО можно писать только буквы, пробел, дефис и апостроф — без смайликов и других знаков. Напишите ещё раз.
profile-name-too-short = Слишком коротко: нужно хотя бы 2 буквы. Напишите ещё раз.
profile-name-too-long = Слишком длинно: не больше 200 символов. Напишите ещё раз.
profile-name-saved = ФИО сохранено.
profile-ask-phone = Нажмите кнопку «📱 Отправить мой номер» внизу экрана или напишите номер, например 8 914 123-45-67.
profile-phone-invalid = Не получилось распознать номер. Напишите его так: 8 914 123-45-67 или +7 914 123-45-67.
profile-phone-foreign = Это чужой контакт. Можно отправить только свой номер — кнопкой «📱 Отправить мой номер».
profile-phone-saved = Телефон сохранён: { $phone }.
profile-ask-address = Напишите адрес проживания: населённый пункт, улица, дом, квартира.
profile-address-too-short = Слишком коротко: нужно не меньше 5 символов. Напишите адрес ещё раз.
profile-address-too-long = Слишком длинно: не больше 500 символов. Напишите адрес короче.
profile-address-symbols = В адресе есть невидимые или служебные символы. Напишите адрес обычным текстом.
profile-address-saved = Адрес сохранён.
profile-choose-language = Выберите язык:
profile-language-saved = Язык изменён.
profile-ask-email = Напишите новый адрес электронной почты. На него придёт код подтверждения.
profile-email-invalid = Это не похоже на адрес электронной почты. Пример: ivanova@mail.ru. Напишите ещё раз.
profile-email-same = Это ваш текущий адрес. Напишите другой или нажмите «Отмена».
profile-email-wait = Новый код можно запросить через { $seconds } с. Подождите и напишите адрес ещё раз.
profile-email-limited = Слишком много запросов на смену адреса. Попробуйте снова через { $minutes } мин.
profile-email-code-sent = Мы отправили письмо на { $email }. Введите код из 6 цифр из письма. Код действует 10 минут.
profile-code-format = Код — это 6 цифр из письма. Введите его ещё раз.
profile-code-wrong = Неверный код. Осталось попыток: { $left }.
profile-code-expired = Срок действия кода истёк. Начните заново: /profile
profile-code-used = Этот код уже использован. Начните заново: /profile
profile-code-too-many = Слишком много неверных попыток. Начните заново: /profile
profile-code-taken = Этот адрес уже занят другим кабинетом. Адрес не изменён.
profile-email-saved = Адрес электронной почты изменён на { $email }. На прежний адрес отправлено уведомление.
profile-ask-current-password = Введите текущий пароль. Сообщение с паролем я сразу удалю из чата.
profile-password-wrong = Неверный пароль. Введите текущий пароль ещё раз.
profile-password-limited = Слишком много неверных попыток. Попробуйте снова через { $minutes } мин.
profile-password-saved = Пароль изменён. На других устройствах вход завершён, на почту отправлено уведомление.

## Security
security-title = 🛡 Входы и события безопасности
security-page = Страница { $page } из { $pages }. Время — местное.
security-empty = Событий пока нет.
security-line = { $time } — { $action } — { $who }
security-you = вы
security-device = Telegram { $id }
security-nobody = —
security-action-login-ok = вход
security-action-login-failed = неудачная попытка входа
security-action-login-limited = вход заблокирован на время
security-action-logout = выход
security-action-logout-everywhere = выход на всех устройствах
security-action-register-started = регистрация
security-action-register-confirmed = адрес подтверждён
security-action-register-existing-email = попытка повторной регистрации
security-action-recovery-requested = запрос восстановления пароля
security-action-recovery-completed = пароль восстановлен
security-action-profile-full-name = изменено ФИО
security-action-profile-phone = изменён телефон
security-action-profile-phone-refused = отклонён чужой контакт
security-action-profile-address = изменён адрес
security-action-profile-language = изменён язык
security-action-profile-email = изменена эл. почта
security-action-email-change-requested = запрошена смена эл. почты
security-action-password-change-wrong-current = неверный текущий пароль
security-action-password-change-done = пароль изменён
security-action-privacy-export = выгрузка моих данных
security-action-consent-withdrawn = согласие отозвано
security-action-account-link-ok = подключён лицевой счёт
security-action-account-link-failed = неудачная попытка подключить лицевой счёт
security-action-account-link-limited = подключение счетов заблокировано на время
security-action-account-unlink = лицевой счёт отключён
security-action-account-access-denied = отказано в доступе к чужому счёту
security-action-billing-import = загрузка данных из биллинга
security-action-billing-export = выгрузка данных в биллинг
security-action-payment-credited = оплата зачислена
security-action-payment-credited-unlinked = оплата зачислена на отключённый счёт
security-action-payment-unknown-invoice = оплата по неизвестному счёту
security-action-appeal-access-denied = отказано в доступе к чужому обращению
security-action-appeal-resident-answer = ответ на обращение
security-action-appeal-resident-close = обращение закрыто вами
security-action-appeal-staff-answer = ответ специалиста на обращение
security-action-appeal-staff-close = обращение закрыто специалистом
security-action-appeal-staff-correct = ответ на обращение исправлен специалистом
security-action-appeal-staff-take = обращение взято в работу
security-action-billing-export-chat = выгрузка данных в биллинг из чата сотрудников
security-action-reading-review-accepted = показание принято после проверки
security-action-reading-review-rejected = показание отклонено после проверки
security-action-staff-add = добавлен сотрудник
security-action-staff-denied = отказано в действии сотрудника
security-action-staff-remove = удалён сотрудник
security-action-other = событие «{ $action }»
button-logout-everywhere = 🚪 Выйти на всех устройствах
button-logout-everywhere-yes = ✅ Да, выйти везде
button-security-back = ⬅️ Назад
security-logout-confirm = Выйти из личного кабинета на всех устройствах, включая это? Пароль не изменится; войти снова можно командой /login.
security-logged-out-everywhere = Готово: выход выполнен на всех устройствах ({ $count }).
security-session-ended = В личном кабинете выполнен выход на всех устройствах, поэтому вход здесь завершён. Чтобы войти снова, нажмите /login.

## Profile mail
mail-email-change-subject = Код для смены адреса почты
mail-email-change-body =
    Здравствуйте!

    Код для привязки этого адреса к личному кабинету: { $code }
    Код действует { $minutes } минут. Введите его в чате с ботом.

    Если вы ничего не меняли, просто удалите это письмо.
mail-email-changed-subject = Адрес почты личного кабинета изменён
mail-email-changed-body =
    Здравствуйте!

    Адрес электронной почты вашего личного кабинета только что изменён на { $email }. Письма теперь приходят туда.
    Если это сделали не вы, срочно позвоните нам.
mail-email-taken-subject = Попытка привязать ваш адрес
mail-email-taken-body =
    Здравствуйте!

    Кто-то пытался привязать этот адрес к другому личному кабинету, но с ним уже есть кабинет. Адрес не привязан.
    Если это были не вы, ничего делать не нужно.

## Profile commands
command-profile = Мой профиль
command-security = Входы и безопасность
