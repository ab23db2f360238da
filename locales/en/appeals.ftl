## Appeals
appeals-topic-billing = Charges
appeals-topic-readings = Meter readings
appeals-topic-payment = Payment
appeals-topic-meter-replacement = Meter replacement
appeals-topic-quality = Supply quality and outages
appeals-topic-other = Other
appeals-status-new = new
appeals-status-in-progress = in progress
appeals-status-answered = answered
appeals-status-closed = closed
appeals-card-title = 📨 Appeal { $number } — { $topic }
appeals-card-status = Status: { $status }. Answer by { $due } inclusive.
appeals-card-status-closed = Status: { $status }.
appeals-card-overdue = ⏰ The answer is overdue
appeals-card-taken = Handled by: { $staff }
appeals-card-answered-by = Answered by: { $staff }
appeals-card-closed-by = Closed by: { $staff }
appeals-card-closed-by-resident = Closed by the resident
appeals-card-account = Account: { $account }
appeals-card-resident = Resident: { $name }, { $email }, phone { $phone }
appeals-card-telegram-name = { $name } (Telegram name)
appeals-file-photo = 🖼 photo
appeals-file-document = 📄 { $name } (type: { $type })
appeals-card-attachments = Attachments: { $n }
appeals-staff-take = 🛠 Take
appeals-staff-answer = ✍️ Answer
appeals-staff-close = ✅ Close
appeals-staff-files = 📎 Attachments ({ $n })
appeals-staff-overdue = ⏰ Appeal { $number } is past its answer deadline.
appeals-staff-resident-answer =
    ↩️ The resident replied on appeal { $number }:

    { $text }
appeals-staff-resident-closed = The resident closed appeal { $number }.
appeals-staff-answer-prompt = Answer to appeal { $number }: write it (or send a photo or a document) as a reply to this message.
appeals-staff-kinds-accepted = Text, photos and documents are accepted (not voice, video or stickers). Reply to the card again.
appeals-staff-correction-sent = The corrected answer on appeal { $number } was sent to the resident.
appeals-staff-answer-sent = The answer on appeal { $number } was sent to the resident.
appeals-staff-taken = Appeal { $number } is taken.
appeals-staff-closed = Appeal { $number } is closed.
appeals-staff-not-allowed = Appeal { $number } cannot be changed that way: it is “{ $status }”.
appeals-staff-not-found = There is no such appeal.
appeals-notice-status = Appeal { $number }: status “{ $status }”.
appeals-notice-corrected =
    ✏️ Corrected. The answer to your appeal { $number } now reads:

    { $answer }
appeals-notice-answer =
    The answer to your appeal { $number }:

    { $answer }

    You can reply or close the appeal with the buttons below.
appeals-reply-button = ✍️ Reply
appeals-close-button = ✅ Close the appeal
appeals-list-title = Your appeals (page { $page } of { $pages }):
appeals-list-empty = You have no appeals yet. Write to us: /appeal
appeals-list-line = { $number } — { $topic }, { $status } ({ $date })
appeals-thread-title = Appeal { $number } — { $topic }
appeals-thread-resident = You, { $date }:
appeals-thread-staff = Specialist, { $date }:
appeals-thread-continued = (continued)
appeals-thread-page = Page { $page } of { $pages }
appeals-not-found = There is no such appeal in your cabinet.
appeals-not-allowed = This appeal is already closed.
appeals-closed-by-you = Appeal { $number } is closed. Thank you!
appeals-login-first = To write to us and see the answers, log in to your cabinet: /login (or sign up: /register).
appeals-reply-prompt = Your reply on appeal { $number }: type it here, or send a photo or a document.
appeals-reply-kinds = Send your reply as text, a photo or a document (voice and video are not accepted). To cancel: /cancel.
appeals-answer-sent = Your reply on appeal { $number } was passed to a specialist. Status: “in progress”.
appeals-attachment-only = (attachment)
command-appeal = Write to us (appeal)
command-appeals = My appeals
button-appeal = ✉️ Write to us
appeals-ask-topic = What is your appeal about? Choose a topic:
appeals-ask-account = Which personal account does it concern?
appeals-no-account = Not about an account
appeals-ask-text = Please describe the matter in one message.
appeals-ask-text-meter = Write the new meter's serial number, its first reading and the date it was replaced.
appeals-ask-new-serial = Was meter No. { $serial } replaced by a new one? Write the new meter's serial number (it is on the meter and in the replacement act).
appeals-ask-files-meter = Send a photo of the replacement act or of the new meter (up to { $max } photos or documents). Press the button when done.
appeals-replacement-text =
    Meter replaced, account { $account }.
    Old meter No. { $old }: last accepted reading { $zone } — { $previous } kWh.
    New meter No. { $serial }: first reading { $zone } — { $value } kWh.
appeals-text-too-long = Too long: at most { $max } characters. Please shorten it.
appeals-ask-files = You may attach up to { $max } photos or documents (e.g. the replacement act or a photo of the meter). Press the button when done.
appeals-files-none = ➡️ No attachments
appeals-files-done = ✅ Done
appeals-files-expected = Send a photo or a document — or press the button below.
appeals-file-added = Attachment { $n } of { $max } added. Send more or press “Done”.
appeals-confirm =
    Please check your appeal:
    Topic: { $topic }
    Account: { $account }
    Attachments: { $files }

    { $text }
appeals-send = 📨 Send
appeals-created =
    Your appeal is accepted, number { $number }.
    Topic: { $topic }. Status: “{ $status }”.
    We will answer by { $due } inclusive. Follow it: /appeals
appeals-create-rate-limited = You have sent several appeals in the last hour. You can send a new one in { $minutes } min. We will answer the ones already sent.
appeals-create-account-denied = This account is not linked to your cabinet. The appeal was not sent.
appeals-create-empty-text = An empty appeal was not sent.
appeals-create-too-long = The message is too long. The appeal was not sent.
appeals-create-too-many-attachments = Too many attachments. The appeal was not sent.
appeals-from-text-too-long = This message is longer than { $max } characters, too long for an appeal. Please shorten it and send it again.
appeals-closed-offer-new = Appeal { $number } is already closed, so the reply was not sent there. Send your message as a new appeal?
appeals-send-as-appeal = ✉️ Send this as an appeal
appeals-unhandled-hint = I did not understand the message. If it is a question for us, you can send it as an appeal and a specialist will answer.
appeals-thread-status = Status: { $status }. We will answer by { $due } inclusive.
appeals-thread-status-closed = Status: { $status }.
