"""The periodic sweeps of beat: reminders before each deadline, lapses after them, waiting-too-long reminders and
escalations, daily digests, the end of bans and the closing of 公示 (`reminders`, scheduled in `tasks`).
"""
