## Broadcast and import (admin chat)
broadcast-usage =
    Рассылка: /broadcast и текст сообщения.
    Первой строкой можно указать, кому:
    settlement=Название — жителям одного посёлка
    debtors>=Сумма — жителям с долгом от суммы в рублях
    Пример:
    /broadcast debtors>=1000
    Напоминаем об оплате до 25 числа.
    Или просто /broadcast — бот спросит текст.
broadcast-ask-text = Напишите текст рассылки одним сообщением (до 4096 знаков). Потом покажу, как он будет выглядеть и сколько получателей. Отменить — /cancel или кнопка ниже.
broadcast-too-long = Текст длиннее 4096 знаков. Сократите, пожалуйста.
broadcast-admin-only = Рассылку может отправить только администратор.
broadcast-preview =
    Рассылка{ $filter ->
        [none] {""}
       *[other] {" "}({ $filter })
    }. Получателей: { $count }.

    { $text }
broadcast-button-send = ✅ Отправить
broadcast-button-cancel = ✖️ Отмена
broadcast-cancelled = Рассылка отменена.
broadcast-not-found = Эта рассылка уже отправлена или отменена.
broadcast-starting = Рассылка готовится…
broadcast-progress = Рассылка №{ $id }: отправлено { $sent } из { $total }, заблокировали бота { $blocked }, ошибок { $failed }, осталось { $left }.
broadcast-progress-done = Рассылка №{ $id } завершена: отправлено { $sent } из { $total }, заблокировали бота { $blocked }, ошибок { $failed }.
import-usage = Отправьте CSV-файл с подписью /import и вид файла: accounts, meters, tariffs, charges или payments. Например: /import charges
import-attach = Пришлите CSV-файл документом (📎 → Файл) и в подписи к нему напишите /import и вид файла: accounts, meters, tariffs, charges или payments. Например: /import accounts
import-error-line = Строка { $line }: { $message }
import-failed = Файл не загружен, ничего не изменено.
import-done = Загрузка { $kind } выполнена: строк { $rows }, добавлено { $inserted }, обновлено { $updated }, без изменений { $unchanged }.
import-errors = Файл не загружен, ничего не изменено. Ошибки:
command-admin-broadcast = Рассылка жителям (администратор)
command-admin-import = Загрузка CSV (подпись к файлу)
security-action-broadcast-denied = попытка рассылки без прав администратора
security-action-broadcast-start = рассылка жителям из чата сотрудников
security-action-billing-import-chat = загрузка данных из биллинга в чате сотрудников
