"""Writing notices: each e-mail is a `Notice` row, with its recipients and text, inserted in the caller's
transaction and queued for sending after the commit (`tasks.queue_after_commit`)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from ..models import Notice
from .inbox import hold_for_digests, write_receipts
from .tasks import queue_after_commit

# Writing notices (inside the caller's transaction).


def render(template: str, context: dict, language: str | None = None) -> tuple[str, str]:
    """Render applications/email/<template>.txt and its _subject.txt in the language (the portal's by default)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {"portal": translation.gettext(settings.PORTAL_NAME), **context}
        subject = " ".join(render_to_string(f"applications/email/{template}_subject.txt", context).split())
        body = render_to_string(f"applications/email/{template}.txt", context)
    return subject[:200], body


def build_notice(template: str, context: dict, recipients: list[str], **fields) -> Notice:
    """Return an unsaved notice written in the portal's language and, kept beside it, in each other language."""
    subject, body = render(template, context)
    translations = {}
    for language, _name in settings.LANGUAGES:
        if language != settings.LANGUAGE_CODE:
            other_subject, other_body = render(template, context, language)
            translations[language] = {"subject": other_subject, "body": other_body}
    state = Notice.State.PENDING if recipients else Notice.State.NO_RECIPIENT
    return Notice(recipients=recipients, subject=subject, body=body, translations=translations, state=state, **fields)


def write_notices(notices: Iterable[Notice]) -> list[Notice]:
    """Insert notices, skipping any whose key is already taken; put them in their readers' inboxes; queue the new
    ones for after the commit (but not the e-mails held for their recipients' daily digests).

    Returns the notices written now (a reminder that an earlier run had written is not returned).
    """
    notices = list(notices)
    if not notices:
        return []
    hold_for_digests(notices)
    try:
        with transaction.atomic():
            written = Notice.objects.bulk_create(notices)
    except IntegrityError:
        # Some key was taken (a sweep running twice, or two at once): one savepoint per row keeps the others.
        written = []
        for notice in notices:
            notice.pk, notice._state.adding = None, True
            try:
                with transaction.atomic():
                    notice.save()
            except IntegrityError:
                continue
            written.append(notice)
    write_receipts(written)
    queue_after_commit([n.pk for n in written if n.state == Notice.State.PENDING])
    return written
