"""Text the portal composed in Chinese and stored (an event's comment, an estimate's steps), shown in English.

Such text is written once, with its figures already in it. It is shown in the reader's language by recognising the
wording it was made from (a msgid with %(name)s placeholders), then filling the translation with the same figures.
Figures keep their numbers; their units are put in the reader's language (units()).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import cache

from django.utils.translation import get_language, gettext, pgettext_lazy

# A number followed by its unit, as the rule engine and the workflow write them.
_UNITS = [
    (re.compile(r"(?<=[\d)]) ?元/平方米/天"), pgettext_lazy("unit", "元/平方米/天")),
    (re.compile(r"(?<=[\d)]) ?元"), pgettext_lazy("unit", "元")),
    (re.compile(r"(?<=[\d)]) ?个月"), pgettext_lazy("unit", "个月")),
    (re.compile(r"(?<=[\d)]) ?人(?![员数])"), pgettext_lazy("unit", "人")),
    (re.compile(r"(?<=[\d)]) ?天"), pgettext_lazy("unit", "天")),
    (re.compile(r"(?<=[\d)]) ?年(?!度)"), pgettext_lazy("unit", "年")),
    (re.compile(r"(?<=[\d)]) ?平方米"), pgettext_lazy("unit", "平方米")),
    (re.compile(r"(?<=[\d)]) ?笔"), pgettext_lazy("unit", "笔")),
]
# Units an input may be asked in, beside those above.
INPUT_UNITS = [pgettext_lazy("unit", "月")]
_PUNCTUATION = str.maketrans({"；": "; ", "，": ", ", "：": ": ", "（": " (", "）": ")", "、": ", "})


def in_chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def units(text: str) -> str:
    """Return the text with each unit after a number in the reader's language ("12 人" -> "12 persons")."""
    if in_chinese():
        return text
    for pattern, unit in _UNITS:
        text = pattern.sub(" " + str(unit).replace("\\", "\\\\"), text)
    return text


def english_punctuation(text: str) -> str:
    return text if in_chinese() else re.sub(r" {2,}", " ", text.translate(_PUNCTUATION)).strip()


@cache
def _pattern(msgid: str) -> re.Pattern:
    parts = re.split(r"%\((\w+)\)s", msgid)
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)), re.S)


def translate_composed(text: str, msgids: Iterable[str], shown: Callable[[str, str], str] | None = None) -> str | None:
    """Return the text in the reader's language if it was made from one of the msgids, else None."""
    for msgid in msgids:
        found = _pattern(msgid).fullmatch(text)
        if found:
            values = {name: (shown or (lambda _n, v: v))(name, value) for name, value in found.groupdict().items()}
            return gettext(msgid) % values
    return None
