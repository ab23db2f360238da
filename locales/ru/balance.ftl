## Balance
command-balance = Баланс и история начислений
button-balance = 💰 Баланс
button-history = 📜 История по месяцам
button-chart = 📊 График
balance-title = 💰 Баланс на { $date }
balance-debt = Задолженность: { $amount }
balance-advance = Переплата (аванс): { $amount }
balance-zero = Задолженности нет.
balance-last-charge = Начислено за { $period }: { $amount }
balance-due = Оплатить до { $date }.
balance-overdue = ⚠️ Срок оплаты прошёл { $date }. Пожалуйста, оплатите задолженность.
balance-last-payment = Последняя оплата: { $amount } от { $date }
balance-no-payments = Оплат пока не было.
balance-no-charges = Начислений пока не было.
balance-no-accounts = Чтобы видеть баланс, подключите лицевой счёт: /link
balance-history-title = 📜 { $period }
balance-history-charge = { $zone }: { $volume } кВт·ч × { $tariff } = { $amount }
balance-history-charges-total = Начислено за месяц: { $amount }
balance-history-adjustment = Перерасчёт: { $amount } — { $description }
balance-history-payment = Оплата от { $date }: { $amount }
balance-history-empty = За этот месяц записей нет.
balance-history-page = Месяц { $page } из { $pages }
balance-chart-caption = 📊 Потребление по зонам и начисления, { $from } — { $to }. Счёт № { $number }
balance-chart-empty = Для графика пока нет начислений.
balance-chart-title = Потребление и начисления
balance-chart-volume = кВт·ч
balance-chart-charges = Начислено, ₽
