## Appeals
appeals-topic-billing = Начисления
appeals-topic-readings = Показания
appeals-topic-payment = Оплата
appeals-topic-meter-replacement = Замена счётчика
appeals-topic-quality = Качество и отключения
appeals-topic-other = Другое
appeals-status-new = новое
appeals-status-in-progress = в работе
appeals-status-answered = есть ответ
appeals-status-closed = закрыто
appeals-card-title = 📨 Обращение { $number } — { $topic }
appeals-card-status = Статус: { $status }. Ответить до { $due } включительно.
appeals-card-status-closed = Статус: { $status }.
appeals-card-overdue = ⏰ Срок ответа прошёл
appeals-card-taken = В работе у: { $staff }
appeals-card-answered-by = Автор ответа: { $staff }
appeals-card-closed-by = Кто закрыл: { $staff }
appeals-card-closed-by-resident = Закрыл житель
appeals-card-account = Лицевой счёт: { $account }
appeals-card-resident = Житель: { $name }, { $email }, тел. { $phone }
appeals-card-telegram-name = { $name } (имя в Telegram)
appeals-file-photo = 🖼 фото
appeals-file-document = 📄 { $name } (тип: { $type })
appeals-card-attachments = Вложений: { $n }
appeals-staff-take = 🛠 Взять в работу
appeals-staff-answer = ✍️ Ответить
appeals-staff-close = ✅ Закрыть
appeals-staff-files = 📎 Вложения ({ $n })
appeals-staff-overdue = ⏰ По обращению { $number } прошёл срок ответа.
appeals-staff-resident-answer =
    ↩️ Житель ответил по обращению { $number }:

    { $text }
appeals-staff-resident-closed = Житель закрыл обращение { $number }.
appeals-staff-answer-prompt = Ответ на обращение { $number }: напишите его (или пришлите фото, документ) ответом (reply) на это сообщение.
appeals-staff-kinds-accepted = Принимаются текст, фото и документы (голосовые, видео и стикеры — нет). Ответьте (reply) на карточку ещё раз.
appeals-staff-correction-sent = Исправленный ответ по обращению { $number } отправлен жителю.
appeals-staff-answer-sent = Ответ по обращению { $number } отправлен жителю.
appeals-staff-taken = Обращение { $number } взято в работу.
appeals-staff-closed = Обращение { $number } закрыто.
appeals-staff-not-allowed = С обращением { $number } так нельзя: сейчас оно «{ $status }».
appeals-staff-not-found = Такого обращения нет.
appeals-notice-status = Обращение { $number }: статус «{ $status }».
appeals-notice-corrected =
    ✏️ Исправлено. Ответ на ваше обращение { $number } теперь такой:

    { $answer }
appeals-notice-answer =
    Ответ на ваше обращение { $number }:

    { $answer }

    Можно ответить или закрыть обращение кнопками ниже.
appeals-reply-button = ✍️ Ответить
appeals-close-button = ✅ Закрыть обращение
appeals-list-title = Ваши обращения (страница { $page } из { $pages }):
appeals-list-empty = У вас пока нет обращений. Написать нам: /appeal
appeals-list-line = { $number } — { $topic }, { $status } ({ $date })
appeals-thread-title = Обращение { $number } — { $topic }
appeals-thread-resident = Вы, { $date }:
appeals-thread-staff = Специалист, { $date }:
appeals-thread-continued = (продолжение)
appeals-thread-page = Страница { $page } из { $pages }
appeals-not-found = Такого обращения нет в вашем кабинете.
appeals-not-allowed = Это обращение уже закрыто.
appeals-closed-by-you = Обращение { $number } закрыто. Спасибо!
appeals-login-first = Чтобы писать нам и видеть ответы, войдите в личный кабинет: /login (или зарегистрируйтесь: /register).
appeals-reply-prompt = Ваш ответ по обращению { $number }: напишите его здесь или пришлите фото или документ.
appeals-reply-kinds = Пришлите ответ текстом, фото или документом (голосовые и видео не принимаются). Отменить — /cancel.
appeals-answer-sent = Ваш ответ по обращению { $number } передан специалисту. Статус: «в работе».
appeals-attachment-only = (вложение)
command-appeal = Написать нам (обращение)
command-appeals = Мои обращения
button-appeal = ✉️ Написать нам
appeals-ask-topic = О чём ваше обращение? Выберите тему:
appeals-ask-account = Какого лицевого счёта оно касается?
appeals-no-account = Не касается счёта
appeals-ask-text = Опишите, пожалуйста, вопрос одним сообщением.
appeals-ask-text-meter = Напишите заводской номер нового счётчика, его первые показания и дату замены.
appeals-ask-new-serial = Вместо счётчика № { $serial } поставили новый? Напишите заводской номер нового счётчика (он на корпусе и в акте замены).
appeals-ask-files-meter = Пришлите фото акта замены или нового счётчика (до { $max } фото или документов). Когда закончите — нажмите кнопку.
appeals-replacement-text =
    Замена счётчика, лицевой счёт { $account }.
    Старый счётчик № { $old }: последнее принятое показание { $zone } — { $previous } кВт·ч.
    Новый счётчик № { $serial }: первое показание { $zone } — { $value } кВт·ч.
appeals-text-too-long = Слишком длинное сообщение: не больше { $max } знаков. Сократите, пожалуйста.
appeals-ask-files = Можно приложить до { $max } фото или документов (например, акт замены или фото счётчика). Когда закончите — нажмите кнопку.
appeals-files-none = ➡️ Без вложений
appeals-files-done = ✅ Готово
appeals-files-expected = Пришлите фото или документ — или нажмите кнопку ниже.
appeals-file-added = Вложение { $n } из { $max } добавлено. Пришлите ещё или нажмите «Готово».
appeals-confirm =
    Проверьте обращение:
    Тема: { $topic }
    Лицевой счёт: { $account }
    Вложений: { $files }

    { $text }
appeals-send = 📨 Отправить
appeals-created =
    Обращение принято, номер { $number }.
    Тема: { $topic }. Статус: «{ $status }».
    Ответим до { $due } включительно. Следить за ответом: /appeals
appeals-create-rate-limited = За последний час вы уже отправили несколько обращений. Новое можно будет отправить через { $minutes } мин. На отправленные мы обязательно ответим.
appeals-create-account-denied = Этот лицевой счёт не подключён к вашему кабинету. Обращение не отправлено.
appeals-create-empty-text = Пустое обращение не отправлено.
appeals-create-too-long = Слишком длинное сообщение. Обращение не отправлено.
appeals-create-too-many-attachments = Слишком много вложений. Обращение не отправлено.
appeals-from-text-too-long = Это сообщение длиннее { $max } знаков — такое обращение не отправить. Сократите его, пожалуйста, и пришлите ещё раз.
appeals-closed-offer-new = Обращение { $number } уже закрыто, и ответ в нём не отправлен. Отправить ваше сообщение как новое обращение?
appeals-send-as-appeal = ✉️ Отправить это как обращение
appeals-unhandled-hint = Я не понял сообщение. Если это вопрос к нам — его можно отправить как обращение, специалист ответит.
appeals-thread-status = Статус: { $status }. Ответим до { $due } включительно.
appeals-thread-status-closed = Статус: { $status }.
