## Conversation kit (every question of every flow)
kit-text-expected = Please send your answer as an ordinary text message.
kit-secret-expected = Please send the password or code as an ordinary text message. It will be deleted from the chat at once.
kit-secret-lost = The message could not be read. Please send it again.
kit-choose-button = Please choose an option with a button under the message.
kit-button-stale = This button belongs to an earlier question. Answer the latest question or press /cancel.
kit-edit-ignored = Editing an earlier message does not change an answer already taken. Answer the latest question with a new message or press /cancel.
kit-too-many-tries = Too many attempts. Start again when you are ready.
kit-secret-flow-ended = The time to answer ran out; the message was deleted from the chat. Please start again.
kit-already-done = Already done. { $outcome }
kit-already-answered = Already chosen.
kit-chosen = Chosen: { $choice }
