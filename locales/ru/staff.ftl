## Staff: readings to check
review-card =
    ⚠️ Показания на проверку #R{ $id }
    Лицевой счёт: { $account }, счётчик № { $serial }, зона { $zone }, период { $period }
    Передано: { $value } кВт·ч (прошлое: { $previous } кВт·ч)
    Почему проверить: { $reason }
review-reason-over-3x-average = расход больше чем втрое выше среднего
review-reason-over-daily-cap = расход выше суточного предела
review-reason-unknown = показание выглядит неправдоподобно
review-accept = ✅ Принять
review-reject = ❌ Отклонить с причиной
review-reject-prompt = Причина отклонения показаний #R{ $id }: напишите её ответом (reply) на это сообщение.
review-accepted = Показания #R{ $id } приняты.
review-rejected = Показания #R{ $id } отклонены.
review-card-accepted = ✅ Приняты. Проверил(а): { $staff }.
review-card-rejected =
    ❌ Отклонены. Проверил(а): { $staff }.
    Причина: { $reason }
review-already = Эти показания уже проверены.
review-not-found = Таких показаний на проверке нет.
review-notice-accepted = Показания счётчика № { $serial } за { $period } ({ $value } кВт·ч) проверены специалистом и приняты.
review-notice-rejected =
    Показания счётчика № { $serial } за { $period } ({ $value } кВт·ч) отклонены специалистом.
    Причина: { $reason }
    Передайте, пожалуйста, показания ещё раз: /reading
admin-summary-title = 📋 Сводка на { $date }: открытых обращений { $open }, просрочено { $overdue }.
admin-summary-line = { $number } — { $status }, ответить до { $due }{ $overdue }
admin-summary-overdue-mark = , ⏰ просрочено
command-admin-find = Найти счёт: номер, e-mail или телефон
command-admin-stats = Сводка: жители, показания, оплаты, обращения
admin-find-usage = Напишите так: /find 4100000001 (номер счёта), e-mail или телефон жителя.
admin-find-none = Ничего не нашлось.
admin-find-account = 🏠 Счёт { $number } ({ $status }): { $holder }, { $address }
admin-find-status-active = действует
admin-find-status-closed = закрыт
admin-find-resident = 👤 { $name }, { $email }, тел. { $phone }
admin-find-no-residents = Никто из жителей не подключил этот счёт.
admin-stats =
    📊 Сводка за { $period }
    Жителей в кабинете: { $residents }
    Подключённых счетов: { $accounts }
    Показаний за период: { $readings } (не хватает: { $missing })
    Оплат за месяц: { $payments } на { $rubles }
    Открытых обращений: { $open }, просрочено: { $overdue }
    Медиана до первого ответа: { $median } мин
command-admin-export = Выгрузка для биллинга: readings или payments [ГГГГ-ММ]
admin-export-usage = Напишите так: /export readings 2026-11 или /export payments 2026-11 (без месяца — текущий).
admin-export-done = Выгрузка: { $kind } за { $period }: строк { $rows }. Не вошло (ждут проверки специалиста): { $held }.
admin-export-kind-readings = показания
admin-export-kind-payments = оплаты
