"""Why a transition cannot be applied: each error carries a Chinese message for the person who tried."""

from __future__ import annotations


class TransitionError(Exception):
    """A transition that cannot be applied; the message is Chinese and shown to the person who tried."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class NotAllowedNow(TransitionError):
    """The case is not (or no longer) in a state the action starts from."""


class Stale(NotAllowedNow):
    """The case changed after the person opened the page the action was taken on."""


class Forbidden(TransitionError):
    """The person may not take this action on this case."""


class Invalid(TransitionError):
    """A comment, amount or date is missing or wrong, or a rule refuses the action today."""
