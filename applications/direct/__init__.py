"""免申即享 (direct awards): an award offered without an application where the portal's data shows who qualifies.

- verification.py: staff verify an enterprise's profile (ProfileVerification): the figures lists are drawn from;
- eligibility.py: one enterprise against a marked measure, on its verified profile (and on its own, unverified
  one, to say why it is left out), with the amount the rule gives from the data;
- lists.py: who generates and approves a list, generating it and deciding on it (approval sends the offers);
- offers.py: the enterprise's answer (confirm, decline) and the lapse of an unanswered offer, each opening a case
  through the workflow (workflow.transitions.open_case) whose audit chain starts with the list.

It builds on the workflow and the outbox (notices); the deadlines' sweep lapses offers, the pages sit on top
(applications/admin/direct.py, applications/direct_views.py).
"""
