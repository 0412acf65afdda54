"""Subscriptions to new measures: an enterprise user asks to hear of new measures the enterprise qualifies or might
qualify for (and of chosen districts, beneficiary types or kinds of help), and one e-mail a night tells them.

    services.py   subscribe, change, cancel; the signed unsubscribe link (no sign-in needed)
    rematch.py    the nightly re-match: every subscribed enterprise against the measures open or changed since the
                  last run, in chunks, one digest per person, each measure told once (MeasureAlert)
    tasks.py      the beat task (CELERY_BEAT_SCHEDULE "send-measure-digests")
"""
