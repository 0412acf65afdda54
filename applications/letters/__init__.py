"""Decision letters: the PDF a case's decision is written down in (批准决定书, 拨付通知, 不予支持决定书, 撤销决定书).

`facts.py` gathers what a letter states from the event of the decision, as of that event (so a letter of an approval
reads the same after the case is paid or revoked); `render.py` turns those facts into a PDF with the CJK fonts
embedded. The facts are frozen on the decision's e-mail (`Notice.attachment_facts`) when it is written, so that the
e-mail, each retry of it and every later download carry the same document.
"""

from .facts import LETTER_ACTIONS, LetterKind, frozen_or_fresh_facts, letter_events, letter_facts
from .render import letter_filename, render_letter

__all__ = [
    "LETTER_ACTIONS",
    "LetterKind",
    "frozen_or_fresh_facts",
    "letter_events",
    "letter_facts",
    "letter_filename",
    "render_letter",
]
