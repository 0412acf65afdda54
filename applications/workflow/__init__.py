"""The case workflow: the transition table and the one function that applies a transition (`transitions`), the
checks a submission must pass (`checks`), who may act (`permissions`) and the services that start, save and
submit a case (`services`). It records what happened and says so through `signals.transition_applied`; it knows
nothing of e-mail, deadlines or sanctions, which build on it (ARCHITECTURE.md).
"""

from .transitions import (
    AMOUNT_FIELDS,
    CORRECTION_WORKING_DAYS,
    TRANSITIONS,
    Forbidden,
    Invalid,
    NotAllowedNow,
    Stale,
    Transition,
    TransitionError,
    apply_transition,
    available_transitions,
    history_name,
)

__all__ = [
    "AMOUNT_FIELDS",
    "CORRECTION_WORKING_DAYS",
    "TRANSITIONS",
    "Forbidden",
    "Invalid",
    "NotAllowedNow",
    "Stale",
    "Transition",
    "TransitionError",
    "apply_transition",
    "available_transitions",
    "history_name",
]
