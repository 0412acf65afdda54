"""What a message carries besides its text: made again at each sending from what its notice keeps, so the outbox
stays small and a retry attaches the same document (a decision letter is printed from the facts frozen on the
notice; the same facts make the same bytes)."""

from __future__ import annotations

import json
from functools import lru_cache

from ..letters import letter_filename, render_letter
from ..models import Notice, NoticeKind, NoticeReceipt

PDF = "application/pdf"


@lru_cache(maxsize=16)
def _printed(facts_json: str) -> bytes:
    """Print a letter once for all the recipients of its notice (and the digests it is in)."""
    return render_letter(json.loads(facts_json))


def _letter(facts: dict[str, str]) -> tuple[str, bytes, str]:
    return letter_filename(facts), _printed(json.dumps(facts, sort_keys=True, ensure_ascii=False)), PDF


def attachments_of(notice: Notice) -> list[tuple[str, bytes, str]]:
    """Return the (file name, content, type) of each file the notice's message carries: its decision letter, or,
    for a daily digest, the letters of the notices it brings together."""
    if notice.attachment == Notice.Attachment.LETTER and notice.attachment_facts:
        return [_letter(notice.attachment_facts)]
    if notice.kind == NoticeKind.NOTICE_DIGEST:
        held = NoticeReceipt.objects.filter(digest=notice, notice__attachment=Notice.Attachment.LETTER)
        facts = held.order_by("created_at", "pk").values_list("notice__attachment_facts", flat=True)
        return [_letter(f) for f in facts if f]
    return []
