## Common
button-cancel = ✖️ Cancel
button-back = ⬅️ Back
button-profile = 👤 Profile
button-menu = 🏠 Main menu
cancelled = Cancelled. You are in the main menu.
cancelled-plain = Cancelled.
nothing-to-cancel = Nothing to cancel. You are in the main menu.
# A command typed inside a flow leaves it: the person is told which one, then the command runs.
flow-left-reading = Meter reading entry cancelled.
flow-left-link-account = Linking the account cancelled.
flow-left-appeal = The appeal was not sent.
flow-left-pay-amount = Payment cancelled.
flow-left-register = Registration cancelled.
flow-left-login = Login cancelled.
flow-left-recover = Password recovery cancelled.
flow-left-profile-edit = Profile change cancelled.
flow-left-profile-email = E-mail change cancelled.
flow-left-profile-password = Password change cancelled.
flow-left-withdraw = Withdrawal cancelled, nothing was erased.
flow-left-language = Language choice cancelled.
flow-left-appeal-answer = Your reply on the appeal was not sent.
flow-left-broadcast-text = The broadcast was not prepared.
not-yet-available = This feature is coming soon. Meanwhile, see /help.

## Start
start-welcome =
    Hello! This is the customer cabinet of { $operator }.

    Here you can, at any time:
    • see your balance and payment history;
    • submit meter readings;
    • pay and get receipts;
    • send requests and follow the answers.

    To begin, log in or register.
start-welcome-back = Hello, { $name }! Choose what you need.
button-login = 🔑 Log in
button-register = 📝 Register
button-help = ❓ Help

## Help
help-text =
    What this bot can do:

    { $commands }

    If something goes wrong, press /cancel to return to the main menu.
    { $operator } phone: { $phone }

## Language
language-choose = Choose a language:
language-changed = Done: I now speak English.
language-timeout = No language chosen. Press /language again whenever you like.

## Unhandled
unhandled-text = I did not understand that. Choose an action with the buttons below or press /help.
unhandled-command = There is no such command. The list of commands: /help.
unhandled-media = I can't handle this kind of message yet. Choose an action with the buttons below or press /help.
callback-expired = This button is out of date. Open the menu again: /start
callback-expired-group = This button is out of date: it can no longer be used.

## Errors
error-apology = Sorry, something went wrong. We are looking into it. Please try again a little later or press /start.
# Every render thread busy and the queue full (the pool refused the chart or PDF): ask again soon.
render-busy = Many requests right now. Please try again in a minute.
button-retry = 🔄 Try again

## Admin
admin-help =
    Staff commands (they work only in this chat):

    /help — this help
    /find — find an account by its number, a resident's e-mail or phone
    /stats — summary: residents, readings, payments, appeals
    /export readings|payments [YYYY-MM] — the billing export as a file
    /broadcast text — a message to residents (admins only); the first line may be settlement=Name or debtors>=Amount
    /import kind — the caption of a CSV file: a billing import (accounts, meters, tariffs, charges, payments)
    /chatid — this chat's id (to set ADMIN_CHAT_ID)

    Appeals arrive as cards: “Take”, “Answer”, “Close”. You can also answer with a reply to the card.
    Readings to check: “Accept” or “Reject with a reason”.
admin-chat-id = This chat's id: { $id }
admin-only-staff = This command works only in the staff chat.

## Commands
command-start = Start and main menu
command-help = Help
command-language = Language / Язык
command-cancel = Cancel the current action
command-admin-help = Staff help
command-admin-chatid = This chat's id
