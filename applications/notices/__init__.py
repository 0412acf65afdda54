"""The outbox: every e-mail is first a `Notice` row written in the transaction of what it reports (`outbox`),
addressed to those it concerns (`recipients`), queued after the commit and sent by Celery (`tasks`, `delivery`).
The e-mails of workflow events are written when the workflow announces a transition (`receivers`).
"""
