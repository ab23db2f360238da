## Readings
command-reading = Передать показания счётчика
command-readings = История показаний
command-reminders = Напоминания о показаниях
button-reading = 📟 Передать показания
readings-login-first = Чтобы передать показания, сначала войдите в личный кабинет: /login (или зарегистрируйтесь: /register).
readings-no-account = Чтобы передавать показания, подключите лицевой счёт: /link
readings-no-meters = На счёте { $account } нет счётчиков, по которым можно передать показания.
readings-account-line = 🏠 Счёт { $account }, { $address }
readings-choose-meter-here = Выберите счётчик:
readings-fix-which = Какое показание исправить?
readings-fix-zone-button = { $zone }: { $value }
readings-choose-meter = Счёт { $account }. Выберите счётчик:
readings-meter-button = Счётчик № { $serial }
readings-meter-button-refused = Счётчик № { $serial } (приём недоступен)
readings-window-refused =
    Приём показаний сейчас закрыт: показания принимаются с { $start } по { $end } число каждого месяца.
    Следующий приём откроется { $opens }.
readings-window-late =
    Приём показаний за этот месяц уже закрыт. Если передадите показания сейчас, они будут учтены за { $period }.
    Следующий приём откроется { $opens }.
readings-window-early =
    Приём показаний откроется { $opens }. Если передадите показания сейчас, они будут учтены за { $period }.
readings-refused-automated =
    Счётчик № { $serial } подключён к автоматизированной системе учёта (АСКУЭ): показания передаются сами, вам ничего делать не нужно.
readings-refused-verification =
    У счётчика № { $serial } истёк срок поверки ({ $date }). Показания непроверенного счётчика не принимаются.
    Что делать: закажите поверку или замену счётчика и сообщите нам. Телефон: { $phone }.
readings-refused-billed = Показания за { $period } уже учтены в расчёте, заменить их нельзя. Чтобы исправить, позвоните: { $phone }.
readings-refused-not-linked = Этот счётчик не относится к вашим лицевым счетам.
readings-ask-zone =
    { $zone } — счётчик № { $serial }.
    Предыдущее показание (новое не может быть меньше): { $previous } кВт·ч от { $date }.
    Введите цифры с табло (например, 12345 или 12345,6):
readings-ask-zone-first =
    { $zone } — счётчик № { $serial }.
    Введите цифры с табло (например, 12345 или 12345,6):
readings-sent-this-period = За { $month } вы уже передали показание { $value } кВт·ч — новое заменит его.
readings-bad-empty = Пришлите показание цифрами.
readings-bad-not-a-number = Это не похоже на показание: нужны только цифры, например 12345 или 12345,6.
readings-bad-negative = Показание не может быть отрицательным.
readings-bad-too-many-digits = Слишком много цифр: на табло этого счётчика { $digits } цифр до запятой.
readings-bad-too-many-decimals = Слишком много цифр после запятой: достаточно одной-двух.
readings-bad-below =
    Показание меньше последнего принятого ({ $previous } кВт·ч от { $date }). Проверьте цифры и введите ещё раз.
    Счётчик заменили? Нажмите кнопку «Счётчик заменили» — оформим обращение о замене.
readings-text-expected = Пришлите показание цифрами или нажмите «Отмена».
readings-too-many-tries = Не получилось принять показание. Попробуйте ещё раз: /reading
readings-implausible =
    Расход по зоне { $zone } — { $consumption } кВт·ч — намного больше обычного.
    Вы уверены, что цифры верные?
button-readings-sure = ✅ Да, всё верно
button-readings-fix = ✏️ Исправить
readings-summary-title = Проверьте показания, счётчик № { $serial } (за { $period }):
readings-summary-line = { $zone }: { $previous } → { $value } кВт·ч, расход { $consumption } кВт·ч, примерно { $charge }
readings-summary-line-rollover = { $zone }: { $previous } → { $value } кВт·ч (табло прошло через ноль), расход { $consumption } кВт·ч, примерно { $charge }. Если счётчик заменили — нажмите кнопку «Счётчик заменили» ниже.
readings-summary-line-first = { $zone }: { $value } кВт·ч (первое показание)
readings-summary-total = Итого примерно: { $total } (по действующему тарифу)
readings-summary-flagged = ⚠️ Расход необычно большой: показания проверит специалист.
button-readings-send = ✅ Отправить
button-readings-edit = ✏️ Исправить
button-readings-replaced = 🔁 Счётчик заменили
readings-accepted = Показания приняты, № { $number }. Спасибо!
readings-accepted-replaced = Предыдущие показания за этот месяц заменены.
readings-choose-button = Выберите действие кнопкой ниже.
readings-history-title = 📋 Показания, счёт { $account } (стр. { $page } из { $pages }):
readings-history-empty = По счёту { $account } показаний пока нет.
readings-history-line = { $date } · № { $serial } · { $zone }: { $value } — { $status }
readings-status-accepted = принято
readings-status-billed = учтено в расчёте
readings-status-rejected = отклонено: { $reason }
readings-status-replaced = заменено новым
readings-status-flagged = на проверке
readings-reject-unknown = причина не указана
button-readings-reminders-on = 🔔 Напоминания: включены
button-readings-reminders-off = 🔕 Напоминания: выключены
readings-reminders-state-on = Напоминания о показаниях включены: раз в месяц я напомню, если показаний ещё нет.
readings-reminders-state-off = Напоминания о показаниях выключены.
button-readings-reminders-turn-off = 🔕 Выключить напоминания
button-readings-reminders-turn-on = 🔔 Включить напоминания
readings-access-denied = Это действие недоступно.
readings-reminder =
    Напоминаем: пора передать показания счётчика по счёту { $account }.
    Приём до { $until } включительно. Нажмите /reading
readings-verification-notice =
    Срок поверки счётчика № { $serial } (счёт { $account }) истекает { $date }.
    После этой даты показания счётчика не принимаются: закажите поверку заранее.
readings-not-sent = Показание не отправлено: ввод был прерван, и эта кнопка больше не действует. Чтобы передать показание, начните заново.
