"""The matching page's cards, kept rendered and shared between enterprises.

Rendering a card per measure was most of the matching page's work (bench/FINDINGS.md, first looks), and most
enterprises' matches of a measure read the same: the same group, the same checks with the same messages. A card's
HTML depends only on what its key holds: the library's version (measures.matching.library_version, renewed on every
change to a measure, document, district or condition), the measure, the match (group, every check's outcome, label,
message, quote, field and kind, the document's status, the window, the months it is for), the day (whether those
months are over), the language and whether the links to the profile form are shown. A kept card is never another
enterprise's: its key holds all of the match it shows, and nothing else of the enterprise is on it.
`MATCH_CARD_CACHE_SECONDS` (900) bounds how long an unused card stays; 0 renders every card each time.
"""

from __future__ import annotations

import dataclasses
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from .condition_checks import Check
from .matching import MeasureMatch, library_version

TEMPLATE = "measures/_match_card.html"
CHECK_FIELDS = [field.name for field in dataclasses.fields(Check)]


def _key(version: str, match: MeasureMatch, from_profile: bool, today: str, language: str) -> str:
    checks = [tuple(str(getattr(check, name)) for name in CHECK_FIELDS) for check in match.checks]
    parts = (
        version,
        match.measure.pk,
        match.group,
        checks,
        str(match.document_status),
        str(match.window_state),
        str(match.period_ends),
        from_profile,
        today,
        language,
    )
    return "match-card:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def attach_cards(groups: list[dict], from_profile: bool) -> None:
    """Give each match of the groups (current and closed) its rendered card, as `match.card`."""
    matches = [match for group in groups for match in (*group["matches"], *group["closed"])]
    seconds = settings.MATCH_CARD_CACHE_SECONDS
    if not seconds or not matches:
        for match in matches:
            match.card = _render(match, from_profile)
        return
    try:
        version = library_version()
    except Exception:  # an unreachable cache: render every card
        version = None
    today, language = timezone.localdate().isoformat(), translation.get_language()
    keys = [_key(version, match, from_profile, today, language) for match in matches] if version else []
    kept = cache.get_many(keys) if keys else {}
    rendered = {}
    for index, match in enumerate(matches):
        key = keys[index] if keys else None
        html = kept.get(key) if key else None
        if html is None:
            html = _render(match, from_profile)
            if key:
                rendered[key] = str(html)
        match.card = mark_safe(html)
    if rendered:
        cache.set_many(rendered, seconds)


def _render(match: MeasureMatch, from_profile: bool) -> str:
    return render_to_string(TEMPLATE, {"match": match, "from_profile": from_profile})
