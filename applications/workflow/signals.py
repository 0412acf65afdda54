"""What the workflow tells the rest of the portal, so that it never has to know who listens.

`transition_applied` is sent inside the transaction of the transition, after its audit event is written, with
`event=` that Event. A receiver that writes rows (the notices' outbox) writes them in that same transaction: a
transition that rolls back leaves nothing behind, and a receiver that fails rolls the transition back.
"""

from django.dispatch import Signal

transition_applied = Signal()
