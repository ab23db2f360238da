## Personal data rights
rights-consent-given = You gave your consent on { $time } (version of { $version }).
rights-consent-none = No standing consent was found (text version of { $version }).
rights-actions = What you can do:
button-rights-mydata = 📦 Download my data
button-rights-withdraw = 🗑 Withdraw consent
rights-mydata-preparing = Gathering everything we hold about you…
rights-mydata-limited = Your data was exported a moment ago. You can get the next export after { $time }.
rights-mydata-json = All data about you, machine-readable (JSON).
rights-mydata-pdf = The same data as a document (PDF).
rights-withdraw-step1 =
    Withdrawing consent to the processing of personal data.

    What will be deleted: full name, phone, address, e-mail address, password; the login on this and every other device; the links of personal accounts to the cabinet.

    What stays (without a link to you): charges and payments of the personal account and the meter readings sent — the law requires keeping them; they belong to the supply contract, not to the cabinet.

    Continue?
rights-withdraw-step2 = Last step. Deletion cannot be undone: to use the bot again you will need to register anew. Delete your data?
button-rights-withdraw-continue = ➡️ Continue
button-rights-withdraw-confirm = 🗑 Yes, delete my data
button-rights-keep = ✖️ No, keep it
rights-withdraw-kept = All right, nothing has changed.
rights-withdraw-expired = The confirmation is out of date. To withdraw consent, start again: /withdraw
rights-withdraw-done =
    Consent withdrawn, your data deleted.

    Deleted: full name, phone, address, e-mail address and password; devices logged out: { $sessions }; personal accounts unlinked: { $accounts }.

    Kept without a link to you: charges and payments of the personal accounts (accounting records, Federal Law No. 402-FZ art. 29) and the meter readings sent: { $readings } (supply contract data, Government Decree No. 354). The security log is kept without your personal data.

    This e-mail address is free again: you can register at any time with /register.
rights-session-ended = Consent to personal data processing for this cabinet was withdrawn, the data deleted, and this session has ended.

## Personal data rights: PDF
rights-pdf-title = Your personal data
rights-pdf-subtitle = { $operator }. Generated { $time } (local time).
rights-pdf-empty = No records.
rights-pdf-profile = Profile
rights-pdf-full-name = Full name
rights-pdf-phone = Phone
rights-pdf-address = Address
rights-pdf-email = E-mail
rights-pdf-language = Language
rights-pdf-registered = Registered
rights-pdf-password = Password
rights-pdf-password-note = stored only as an irreversible hash (argon2id)
rights-pdf-identities = Telegram logins
rights-pdf-telegram-id = Telegram ID
rights-pdf-logged-in = Logged in
rights-pdf-accounts = Personal accounts
rights-pdf-account = Account
rights-pdf-linked = Linked
rights-pdf-readings = Meter readings sent
rights-pdf-meter = Meter
rights-pdf-period = Period
rights-pdf-value = Reading
rights-pdf-reading-status = Status
rights-pdf-submitted = Sent
rights-pdf-appeals = Appeals
rights-pdf-appeal = Appeal
rights-pdf-appeal-status = Status
rights-pdf-appeal-filed = Filed
rights-pdf-appeal-progress = Answer and closing
rights-pdf-appeal-account = account { $account }
rights-pdf-appeal-answered = answered: { $time }
rights-pdf-appeal-closed = closed: { $time }
rights-pdf-appeal-due = answer due by: { $time }
rights-pdf-appeal-messages = Appeal messages
rights-pdf-author = Written by
rights-pdf-text = Text
rights-pdf-author-resident = you
rights-pdf-author-staff = specialist
rights-pdf-consents = Consents to data processing
rights-pdf-version = Version
rights-pdf-accepted = Given
rights-pdf-withdrawn = Withdrawn
rights-pdf-audit = Security log
rights-pdf-time = Time
rights-pdf-event = Event

## Personal data rights: commands
command-privacy = Consent to data processing
command-mydata = Download my data
