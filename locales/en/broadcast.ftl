## Broadcast and import (admin chat)
broadcast-usage =
    Broadcast: /broadcast and the message text.
    The first line may say to whom:
    settlement=Name — residents of one settlement
    debtors>=Amount — residents owing at least this many rubles
    Example:
    /broadcast debtors>=1000
    A reminder to pay by the 25th.
    Or just /broadcast, and the bot asks for the text.
broadcast-ask-text = Write the text of the broadcast as one message (up to 4096 characters). A preview with the number of recipients follows. To cancel: /cancel or the button below.
broadcast-too-long = The text is longer than 4096 characters. Please shorten it.
broadcast-admin-only = Only an administrator can send a broadcast.
broadcast-preview =
    Broadcast{ $filter ->
        [none] {""}
       *[other] {" "}({ $filter })
    }. Recipients: { $count }.

    { $text }
broadcast-button-send = ✅ Send
broadcast-button-cancel = ✖️ Cancel
broadcast-cancelled = The broadcast was cancelled.
broadcast-not-found = This broadcast was already sent or cancelled.
broadcast-starting = Preparing the broadcast…
broadcast-progress = Broadcast #{ $id }: sent { $sent } of { $total }, blocked the bot { $blocked }, errors { $failed }, left { $left }.
broadcast-progress-done = Broadcast #{ $id } finished: sent { $sent } of { $total }, blocked the bot { $blocked }, errors { $failed }.
import-usage = Send a CSV file with the caption /import and its kind: accounts, meters, tariffs, charges or payments. For example: /import charges
import-attach = Send the CSV file as a document (📎 → File) with the caption /import and the kind: accounts, meters, tariffs, charges or payments. For example: /import accounts
import-error-line = Line { $line }: { $message }
import-failed = The file was not loaded; nothing changed.
import-done = Import { $kind } done: rows { $rows }, added { $inserted }, updated { $updated }, unchanged { $unchanged }.
import-errors = The file was not loaded; nothing changed. Errors:
command-admin-broadcast = Broadcast to residents (admin)
command-admin-import = Load a CSV (file caption)
security-action-broadcast-denied = a broadcast attempt without admin rights
security-action-broadcast-start = a broadcast to residents from the staff chat
security-action-billing-import-chat = a billing import in the staff chat
