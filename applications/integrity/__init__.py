"""Integrity signals: at each submission, the other enterprises that share the applicant's contact details, registered
address or bank account (both compared in the form accounts.contact_keys gives them).

`links.py` finds and stores the links (IntegrityLink rows); `receivers.py` runs it when a case is submitted or
resubmitted (answering `workflow.signals.transition_applied`, so the workflow never imports this package). A link
to an enterprise under a ban in any district marks the case 抽中核实 (`Application.sampled`, a queue filter).
"""
