"""A mail backend for the load test's Celery workers: each message is one line appended to LOAD_MAILBOX (recipient,
subject), so the ledger can count what was delivered, by every worker process, without a mail server."""

from __future__ import annotations

import json
import os

from django.core.mail.backends.base import BaseEmailBackend


class CountingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        path = os.environ["LOAD_MAILBOX"]
        lines = "".join(
            json.dumps([to, message.subject], ensure_ascii=False) + "\n"
            for message in email_messages
            for to in message.recipients()
        )
        # One write in append mode: lines from several processes do not interleave.
        with open(path, "a", encoding="utf-8") as mailbox:
            mailbox.write(lines)
        return len(email_messages)
