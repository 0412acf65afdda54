"""Values a process keeps between requests under a key that names everything they depend on."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


class Kept:
    """At most `size` values, each built once for its key; when full, all are forgotten (the keys are few: roles,
    languages, library versions), so a key that stops being asked for does not stay forever."""

    def __init__(self, size: int = 512):
        self.size = size
        self._values: dict[Hashable, Any] = {}

    def get(self, key: Hashable, build: Callable[[], Any]) -> Any:
        try:
            return self._values[key]
        except KeyError:
            pass
        value = build()
        if len(self._values) >= self.size:
            self._values.clear()
        self._values[key] = value
        return value

    def clear(self) -> None:
        self._values.clear()
