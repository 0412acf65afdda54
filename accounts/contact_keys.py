"""The comparable form of a registered address and of a bank account: what the integrity signals compare.

Two enterprises typing the same address differently (全角/半角 digits, spaces, punctuation, with or without 北京市)
have the same key; so do the same account number typed with spaces or hyphens. The keys are stored on the enterprise
(`address_key`, `bank_account`) with an index each, so a lookup is one index probe whatever the number of
enterprises.
"""

from __future__ import annotations

import re
import unicodedata

# An address shorter than this once normalised says too little to link two enterprises ("朝阳区", "望京").
MIN_ADDRESS_KEY = 8
_PREFIXES = ("中华人民共和国", "中国", "北京市", "北京")
_NOISE = re.compile(r"[\s\-－—–_,，.。、·;；:：'\"“”‘’()（）\[\]【】<>《》#＃/\\]+")
_ACCOUNT_NOISE = re.compile(r"[\s\-－—–]+")


def address_key(address: str) -> str:
    """Return the comparable form of an address, or "" when it is too short to say where a firm is."""
    text = unicodedata.normalize("NFKC", address or "").lower()
    text = _NOISE.sub("", text)
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if text.startswith(prefix):
                text, changed = text[len(prefix) :], True
    return text if len(text) >= MIN_ADDRESS_KEY else ""


def bank_account_key(account: str) -> str:
    """Return an account number as digits only (spaces and hyphens removed, full-width digits made half-width)."""
    return _ACCOUNT_NOISE.sub("", unicodedata.normalize("NFKC", account or ""))
