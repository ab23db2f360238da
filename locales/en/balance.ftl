## Balance
command-balance = Balance and charges history
button-balance = 💰 Balance
button-history = 📜 History by month
button-chart = 📊 Chart
balance-title = 💰 Balance on { $date }
balance-debt = Amount owed: { $amount }
balance-advance = Paid in advance: { $amount }
balance-zero = Nothing owed.
balance-last-charge = Charged for { $period }: { $amount }
balance-due = Please pay by { $date }.
balance-overdue = ⚠️ The payment was due on { $date }. Please pay the amount owed.
balance-last-payment = Last payment: { $amount } on { $date }
balance-no-payments = No payments yet.
balance-no-charges = No charges yet.
balance-no-accounts = To see the balance, link a personal account: /link
balance-history-title = 📜 { $period }
balance-history-charge = { $zone }: { $volume } kWh × { $tariff } = { $amount }
balance-history-charges-total = Charged for the month: { $amount }
balance-history-adjustment = Recalculation: { $amount } — { $description }
balance-history-payment = Payment on { $date }: { $amount }
balance-history-empty = Nothing recorded for this month.
balance-history-page = Month { $page } of { $pages }
balance-chart-caption = 📊 Consumption by zone and charges, { $from } — { $to }. Account No. { $number }
balance-chart-empty = There are no charges to chart yet.
balance-chart-title = Consumption and charges
balance-chart-volume = kWh
balance-chart-charges = Charged, ₽
