## Personal data rights
rights-consent-given = Вы дали согласие { $time } (редакция от { $version }).
rights-consent-none = Действующего согласия не найдено (редакция текста от { $version }).
rights-actions = Что можно сделать:
button-rights-mydata = 📦 Скачать мои данные
button-rights-withdraw = 🗑 Отозвать согласие
rights-mydata-preparing = Собираю всё, что мы о вас храним…
rights-mydata-limited = Выгрузку ваших данных недавно уже готовили. Следующую можно получить после { $time }.
rights-mydata-json = Все данные о вас в машиночитаемом виде (JSON).
rights-mydata-pdf = Те же данные в виде документа (PDF).
rights-withdraw-step1 =
    Отзыв согласия на обработку персональных данных.

    Что будет удалено: ФИО, телефон, адрес, адрес почты, пароль; вход с этого и всех других устройств; привязка лицевых счетов к кабинету.

    Что останется (без связи с вами): начисления и платежи по лицевому счёту и переданные показания счётчиков — их требует хранить закон, они относятся к договору энергоснабжения, а не к кабинету.

    Продолжить?
rights-withdraw-step2 = Последний шаг. Удаление нельзя отменить: чтобы снова пользоваться ботом, нужно будет зарегистрироваться заново. Удалить ваши данные?
button-rights-withdraw-continue = ➡️ Продолжить
button-rights-withdraw-confirm = 🗑 Да, удалить мои данные
button-rights-keep = ✖️ Нет, оставить
rights-withdraw-kept = Хорошо, ничего не изменилось.
rights-withdraw-expired = Подтверждение устарело. Если хотите отозвать согласие, начните заново: /withdraw
rights-withdraw-done =
    Согласие отозвано, ваши данные удалены.

    Удалено: ФИО, телефон, адрес, адрес почты и пароль; выполнен выход на устройствах: { $sessions }; отвязано лицевых счетов: { $accounts }.

    Сохранено без связи с вами: начисления и платежи по лицевым счетам (бухгалтерский учёт, ст. 29 Федерального закона № 402-ФЗ) и переданные показания счётчиков: { $readings } (данные договора энергоснабжения, ПП РФ № 354). Журнал безопасности хранится без ваших персональных данных.

    Этот адрес почты снова свободен: зарегистрироваться можно в любой момент командой /register.
rights-session-ended = Согласие на обработку персональных данных этого кабинета отозвано, данные удалены, вход здесь завершён.

## Personal data rights: PDF
rights-pdf-title = Ваши персональные данные
rights-pdf-subtitle = { $operator }. Сформировано { $time } (местное время).
rights-pdf-empty = Нет записей.
rights-pdf-profile = Профиль
rights-pdf-full-name = ФИО
rights-pdf-phone = Телефон
rights-pdf-address = Адрес
rights-pdf-email = Эл. почта
rights-pdf-language = Язык
rights-pdf-registered = Дата регистрации
rights-pdf-password = Пароль
rights-pdf-password-note = хранится только как необратимый хеш (argon2id)
rights-pdf-identities = Входы через Telegram
rights-pdf-telegram-id = Telegram ID
rights-pdf-logged-in = Вход выполнен
rights-pdf-accounts = Лицевые счета
rights-pdf-account = Лицевой счёт
rights-pdf-linked = Привязан
rights-pdf-readings = Переданные показания
rights-pdf-meter = Счётчик
rights-pdf-period = Период
rights-pdf-value = Показание
rights-pdf-reading-status = Статус
rights-pdf-submitted = Передано
rights-pdf-appeals = Обращения
rights-pdf-appeal = Обращение
rights-pdf-appeal-status = Статус
rights-pdf-appeal-filed = Подано
rights-pdf-appeal-progress = Ответ и закрытие
rights-pdf-appeal-account = лицевой счёт { $account }
rights-pdf-appeal-answered = ответ: { $time }
rights-pdf-appeal-closed = закрыто: { $time }
rights-pdf-appeal-due = ответим до: { $time }
rights-pdf-appeal-messages = Переписка по обращениям
rights-pdf-author = Кто написал
rights-pdf-text = Текст
rights-pdf-author-resident = вы
rights-pdf-author-staff = специалист
rights-pdf-consents = Согласия на обработку данных
rights-pdf-version = Редакция
rights-pdf-accepted = Дано
rights-pdf-withdrawn = Отозвано
rights-pdf-audit = Журнал безопасности
rights-pdf-time = Время
rights-pdf-event = Событие

## Personal data rights: commands
command-privacy = Согласие на обработку данных
command-mydata = Скачать мои данные
