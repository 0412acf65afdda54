"""Look for linked enterprises whenever a case is submitted or resubmitted (in the transition's transaction)."""

from __future__ import annotations

from django.dispatch import receiver

from ..models import Event
from ..workflow.signals import transition_applied
from .links import find_links

SUBMISSIONS = frozenset({"submit", "resubmit"})


@receiver(transition_applied, dispatch_uid="integrity.find_links")
def on_transition_applied(sender, event: Event, **kwargs) -> None:
    if event.action in SUBMISSIONS:
        find_links(event.application)
