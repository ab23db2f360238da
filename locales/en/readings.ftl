## Readings
command-reading = Send meter readings
command-readings = Readings history
command-reminders = Reading reminders
button-reading = 📟 Send readings
readings-login-first = To send readings, please log in first: /login (or register: /register).
readings-no-account = To send readings, link a personal account: /link
readings-no-meters = Account { $account } has no meters that take readings.
readings-account-line = 🏠 Account { $account }, { $address }
readings-choose-meter-here = Choose the meter:
readings-fix-which = Which reading do you want to correct?
readings-fix-zone-button = { $zone }: { $value }
readings-choose-meter = Account { $account }. Choose the meter:
readings-meter-button = Meter No. { $serial }
readings-meter-button-refused = Meter No. { $serial } (not accepted)
readings-window-refused =
    Readings are not accepted now: they are taken from day { $start } to day { $end } of each month.
    The next window opens on { $opens }.
readings-window-late =
    This month's readings window has closed. A reading sent now will count for { $period }.
    The next window opens on { $opens }.
readings-window-early =
    The readings window opens on { $opens }. A reading sent now will count for { $period }.
readings-refused-automated =
    Meter No. { $serial } is on automated metering: its readings arrive by themselves, you need not send them.
readings-refused-verification =
    The verification of meter No. { $serial } expired ({ $date }). Readings of an unverified meter are not accepted.
    What to do: order a verification or a new meter and let us know. Phone: { $phone }.
readings-refused-billed = The readings for { $period } are already billed and cannot be replaced. To correct them, call { $phone }.
readings-refused-not-linked = This meter does not belong to your accounts.
readings-ask-zone =
    { $zone } — meter No. { $serial }.
    Previous reading (the new one cannot be lower): { $previous } kWh on { $date }.
    Type the digits from the display (e.g. 12345 or 12345,6):
readings-ask-zone-first =
    { $zone } — meter No. { $serial }.
    Type the digits from the display (e.g. 12345 or 12345,6):
readings-sent-this-period = For { $month } you already sent the meter reading { $value } kWh — a new one will replace it.
readings-bad-empty = Please send the reading as digits.
readings-bad-not-a-number = That does not look like a reading: digits only, e.g. 12345 or 12345,6.
readings-bad-negative = A reading cannot be negative.
readings-bad-too-many-digits = Too many digits: this meter's display has { $digits } digits before the decimal point.
readings-bad-too-many-decimals = Too many digits after the decimal point: one or two are enough.
readings-bad-below =
    The reading is below the last accepted one ({ $previous } kWh on { $date }). Check the digits and type it again.
    Was the meter replaced? Press «Meter replaced» to file an appeal about it.
readings-text-expected = Send the reading as digits, or press Cancel.
readings-too-many-tries = The reading could not be taken. Please try again: /reading
readings-implausible =
    The consumption in zone { $zone } — { $consumption } kWh — is much higher than usual.
    Are you sure the digits are right?
button-readings-sure = ✅ Yes, that's right
button-readings-fix = ✏️ Correct
readings-summary-title = Please check, meter No. { $serial } (for { $period }):
readings-summary-line = { $zone }: { $previous } → { $value } kWh, consumption { $consumption } kWh, about { $charge }
readings-summary-line-rollover = { $zone }: { $previous } → { $value } kWh (the display passed zero), consumption { $consumption } kWh, about { $charge }. If the meter was replaced, press «Meter replaced» below.
readings-summary-line-first = { $zone }: { $value } kWh (first reading)
readings-summary-total = Total about { $total } (at the current tariff)
readings-summary-flagged = ⚠️ Unusually high consumption: a specialist will check the readings.
button-readings-send = ✅ Send
button-readings-edit = ✏️ Correct
button-readings-replaced = 🔁 Meter replaced
readings-accepted = Readings accepted, No. { $number }. Thank you!
readings-accepted-replaced = The earlier readings for this month were replaced.
readings-choose-button = Please choose with a button below.
readings-history-title = 📋 Readings, account { $account } (page { $page } of { $pages }):
readings-history-empty = No readings for account { $account } yet.
readings-history-line = { $date } · No. { $serial } · { $zone }: { $value } — { $status }
readings-status-accepted = accepted
readings-status-billed = taken into billing
readings-status-rejected = rejected: { $reason }
readings-status-replaced = replaced
readings-status-flagged = under review
readings-reject-unknown = no reason given
button-readings-reminders-on = 🔔 Reminders: on
button-readings-reminders-off = 🔕 Reminders: off
readings-reminders-state-on = Reading reminders are on: once a month I will remind you if there is no reading yet.
readings-reminders-state-off = Reading reminders are off.
button-readings-reminders-turn-off = 🔕 Turn reminders off
button-readings-reminders-turn-on = 🔔 Turn reminders on
readings-access-denied = This action is not available.
readings-reminder =
    A reminder: it is time to send the meter readings for account { $account }.
    Readings are accepted until { $until } inclusive. Tap /reading
readings-verification-notice =
    The verification of meter No. { $serial } (account { $account }) expires on { $date }.
    After that date its readings are not accepted: please order a verification in advance.
readings-not-sent = The reading was not sent: the entry was interrupted, and this button no longer works. To send a reading, please start again.
