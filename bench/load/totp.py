"""The code an authenticator app shows (RFC 6238, HMAC-SHA1), for the Locust users of staff: plain Python."""

from __future__ import annotations

import hashlib
import hmac
import struct
import time


def totp(key_hex: str, step: int = 30, digits: int = 6, at: float | None = None) -> str:
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{code % 10**digits:0{digits}d}"
