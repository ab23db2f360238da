## Profile
profile-login-first = Please log in to your cabinet or register first.
profile-card =
    👤 Your profile

    Full name: { $name }
    Phone: { $phone }
    Address of residence: { $address }
    E-mail: { $email }
    Language: { $language }

    To change something, press a button.
profile-not-set = not set
button-profile-name = ✏️ Full name
button-profile-phone = 📞 Phone
button-profile-address = 🏠 Address
button-profile-email = ✉️ E-mail
button-profile-language = 🌐 Language
button-profile-password = 🔑 Change password
button-profile-security = 🛡 Logins and security
button-profile-back = ⬅️ Back to profile
button-share-phone = 📱 Send my number
profile-text-expected = Please type the answer as text. To leave, press “Cancel”.
profile-too-many-tries = Too many attempts. Open your profile again: /profile
profile-left = Change cancelled.
profile-ask-name = Type your full name (surname, first name, patronymic). For example: Anna Petrovna Ivanova.
profile-name-digits = A name cannot contain digits. Please type it again, letters only.
profile-name-symbols = A name may contain only letters, spaces, hyphens and apostrophes — no emoji or other signs. Please type it again.
profile-name-too-short = Too short: at least 2 letters. Please type it again.
profile-name-too-long = Too long: at most 200 characters. Please type it again.
profile-name-saved = Full name saved.
profile-ask-phone = Press “📱 Send my number” at the bottom of the screen or type the number, e.g. 8 914 123-45-67.
profile-phone-invalid = That number could not be read. Type it like 8 914 123-45-67 or +7 914 123-45-67.
profile-phone-foreign = That is someone else’s contact. Only your own number can be sent — with “📱 Send my number”.
profile-phone-saved = Phone saved: { $phone }.
profile-ask-address = Type your address of residence: town, street, house, flat.
profile-address-too-short = Too short: at least 5 characters. Please type the address again.
profile-address-too-long = Too long: at most 500 characters. Please shorten the address.
profile-address-symbols = The address contains invisible or control characters. Please type it as plain text.
profile-address-saved = Address saved.
profile-choose-language = Choose the language:
profile-language-saved = Language changed.
profile-ask-email = Type the new e-mail address. A confirmation code will be sent to it.
profile-email-invalid = That does not look like an e-mail address. Example: ivanova@mail.ru. Please type it again.
profile-email-same = That is your current address. Type another one or press “Cancel”.
profile-email-wait = A new code can be requested in { $seconds } s. Wait a little and type the address again.
profile-email-limited = Too many address change requests. Try again in { $minutes } min.
profile-email-code-sent = We sent a letter to { $email }. Type the 6-digit code from it. The code is valid for 10 minutes.
profile-code-format = The code is the 6 digits from the letter. Please type it again.
profile-code-wrong = Wrong code. Attempts left: { $left }.
profile-code-expired = The code has expired. Start again: /profile
profile-code-used = This code was already used. Start again: /profile
profile-code-too-many = Too many wrong attempts. Start again: /profile
profile-code-taken = This address already belongs to another cabinet. The address was not changed.
profile-email-saved = Your e-mail address is now { $email }. A notice was sent to the previous address.
profile-ask-current-password = Type your current password. I will delete the message with the password at once.
profile-password-wrong = Wrong password. Type your current password again.
profile-password-limited = Too many wrong attempts. Try again in { $minutes } min.
profile-password-saved = Password changed. Other devices were logged out and a notice was sent to your e-mail.

## Security
security-title = 🛡 Logins and security events
security-page = Page { $page } of { $pages }. Times are local.
security-empty = No events yet.
security-line = { $time } — { $action } — { $who }
security-you = you
security-device = Telegram { $id }
security-nobody = —
security-action-login-ok = login
security-action-login-failed = failed login attempt
security-action-login-limited = login temporarily blocked
security-action-logout = logout
security-action-logout-everywhere = logged out everywhere
security-action-register-started = registration
security-action-register-confirmed = address confirmed
security-action-register-existing-email = repeated registration attempt
security-action-recovery-requested = password recovery requested
security-action-recovery-completed = password recovered
security-action-profile-full-name = full name changed
security-action-profile-phone = phone changed
security-action-profile-phone-refused = someone else’s contact refused
security-action-profile-address = address changed
security-action-profile-language = language changed
security-action-profile-email = e-mail changed
security-action-email-change-requested = e-mail change requested
security-action-password-change-wrong-current = wrong current password
security-action-password-change-done = password changed
security-action-privacy-export = my data downloaded
security-action-consent-withdrawn = consent withdrawn
security-action-account-link-ok = personal account linked
security-action-account-link-failed = failed attempt to link a personal account
security-action-account-link-limited = account linking temporarily blocked
security-action-account-unlink = personal account unlinked
security-action-account-access-denied = access to someone else’s account refused
security-action-billing-import = billing data imported
security-action-billing-export = data exported to billing
security-action-payment-credited = payment credited
security-action-payment-credited-unlinked = payment credited to an unlinked account
security-action-payment-unknown-invoice = payment for an unknown invoice
security-action-appeal-access-denied = access to someone else’s appeal refused
security-action-appeal-resident-answer = reply to an appeal
security-action-appeal-resident-close = appeal closed by you
security-action-appeal-staff-answer = staff answered an appeal
security-action-appeal-staff-close = appeal closed by staff
security-action-appeal-staff-correct = answer to an appeal corrected by staff
security-action-appeal-staff-take = appeal taken up by staff
security-action-billing-export-chat = data exported to billing from the staff chat
security-action-reading-review-accepted = reading accepted after review
security-action-reading-review-rejected = reading rejected after review
security-action-staff-add = staff member added
security-action-staff-denied = staff action refused
security-action-staff-remove = staff member removed
security-action-other = event “{ $action }”
button-logout-everywhere = 🚪 Log out everywhere
button-logout-everywhere-yes = ✅ Yes, log out everywhere
button-security-back = ⬅️ Back
security-logout-confirm = Log out of the cabinet on all devices, this one included? The password stays the same; log in again with /login.
security-logged-out-everywhere = Done: logged out on all devices ({ $count }).
security-session-ended = The cabinet was logged out on all devices, so this session has ended. To log in again, press /login.

## Profile mail
mail-email-change-subject = Code to change your e-mail address
mail-email-change-body =
    Hello!

    The code to attach this address to your cabinet: { $code }
    The code is valid for { $minutes } minutes. Type it in the chat with the bot.

    If you did not change anything, just delete this letter.
mail-email-changed-subject = The e-mail address of your cabinet has changed
mail-email-changed-body =
    Hello!

    The e-mail address of your cabinet was just changed to { $email }. Letters will go there from now on.
    If this was not you, call us at once.
mail-email-taken-subject = Someone tried to attach your address
mail-email-taken-body =
    Hello!

    Someone tried to attach this address to another cabinet, but a cabinet with it already exists. Nothing was changed.
    If this was not you, there is nothing to do.

## Profile commands
command-profile = My profile
command-security = Logins and security
