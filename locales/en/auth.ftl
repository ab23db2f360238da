## Auth
button-forgot-password = 🔁 Forgot password?
button-resend-code = ✉️ Send the code again
button-logout = 🚪 Log out
auth-already-logged-in = You are already logged in. To log in with another address, first send /logout.
auth-register-email = Enter your e-mail address — a confirmation code will be sent there.
auth-email-invalid = That does not look like an e-mail address. Example: ivanova@mail.ru. Please try again.
auth-email-text-only = Please type the e-mail address as text.
auth-too-many-tries = Too many unsuccessful tries. Start again: /start
auth-password-new =
    Choose a password: 8 to 128 characters. A phrase of several words is easier to remember.

    I will delete the message with the password from the chat at once.
auth-password-again = Enter the same password again.
auth-password-expected = A password is needed now — type it as a message. To leave, send /cancel.
auth-password-too-short = The password is too short: at least 8 characters. Please choose another.
auth-password-too-long = The password is too long: at most 128 characters. Please choose another.
auth-password-common = This password is too common — attackers try it first. Please choose another, e.g. a phrase of several words.
auth-password-weak = This password is easy to guess. Please choose a longer one or a phrase of several words.
auth-password-lost = The password did not arrive. Please enter it again.
auth-password-mismatch = The passwords did not match. Choose a password and enter it again.
auth-register-code-sent =
    We sent a letter to { $email }. If the address is new, it has a 6-digit code — enter it here. The code is valid for 10 minutes.

    If a cabinet with this address already exists, the letter explains how to log in or recover the password.
auth-code-format = The code is the 6 digits from the letter. Please enter it again.
auth-code-wrong = Wrong code. Tries left: { $left }.
auth-code-expired = The code has expired. Press “Send the code again”.
auth-code-used = This code has already been used. Press “Send the code again”.
auth-code-too-many = Too many wrong tries. Press “Send the code again” to get a new code.
auth-code-resent = A new code has been sent. Check your mail.
auth-code-resend-wait = You can ask for a new code in { $seconds } s.
auth-registered = Done! The address is confirmed and you are logged in.
auth-login-email = Enter the e-mail address you registered with.
auth-login-password = Enter your password. I will delete the message with it from the chat at once.
auth-login-invalid = Wrong address or password. Enter the e-mail address again or press “Forgot password?”.
auth-limited = Too many unsuccessful tries. Please try again in { $minutes } min.
auth-login-busy = Another login attempt is still being checked. Please wait a few seconds and send /login again.
auth-logged-in = You are logged in.
auth-logged-out = You have logged out.
auth-not-logged-in = You are not logged in.
auth-recover-email = Enter the e-mail address you registered with — we will send a code to change the password.
auth-recover-code-sent = If there is a cabinet with the address { $email }, we sent a 6-digit code to it. Enter it here. The code is valid for 10 minutes.
auth-recover-done = The password has been changed. You are logged in; other devices have been logged out.
auth-session-ended = The cabinet's password was changed, so you have been logged out here. To log in again, send /login.

## Mail
mail-verify-subject = Address confirmation code
mail-verify-body =
    Hello!

    Your confirmation code: { $code }
    The code is valid for { $minutes } minutes. Enter it in the chat with the bot.

    If you did not register, simply delete this letter.
mail-reset-subject = Password change code
mail-reset-body =
    Hello!

    The code to change your cabinet's password: { $code }
    The code is valid for { $minutes } minutes. Enter it in the chat with the bot.

    If you did not ask to change the password, do nothing: it stays the same.
mail-register-existing-subject = Registration attempt with your address
mail-register-existing-body =
    Hello!

    Someone tried to register a new cabinet with this address, but a cabinet with it already exists.
    If it was you, log in with /login, or if you forgot the password, use /recover.
    If it was not you, there is nothing to do.
mail-password-changed-subject = Password changed
mail-password-changed-body =
    Hello!

    Your cabinet's password has just been changed and other devices have been logged out.
    If it was not you, recover the password with /recover and call us.

## Auth commands
command-register = Register
command-login = Log in
command-logout = Log out
command-recover = Recover the password

# After a session-ended notice: the guest's buttons.
session-ended-guest-menu = Log in again or register:
