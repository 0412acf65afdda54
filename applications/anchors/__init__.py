"""The audit chains' anchor outside the database.

Once a day (beat, `tasks.anchor_audit_chains`) a digest of every case's chain head, as it stood at the start of the
day, is appended to a log file (`AUDIT_ANCHOR_LOG`, kept append-only by the operators) and e-mailed to the auditors
(`AUDIT_ANCHOR_RECIPIENTS`). The database alone can then no longer vouch for itself: a history removed whole along
with its case's record of its end, or rewritten by someone holding the key, changes that day's digest, which
`manage.py verify_audit_chain` recomputes and compares with the log.
"""
