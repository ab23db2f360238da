## Privacy
button-consent-agree = ✅ Agree
consent-ask = To register, read the agreement above and press “✅ Agree”. Until you agree, I store nothing about you.
consent-changed = The personal data processing agreement has changed. Please read the new version.
consent-reaccept-ask = To go on using the cabinet, press “✅ Agree”. If you do not agree, send /logout.
consent-reaccepted = Thank you! Your consent is saved. Send /start to continue.
