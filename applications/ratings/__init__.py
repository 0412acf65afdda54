"""好差评: an enterprise rates the service of a decided case; a 差评 opens a rectification task for the department.

`services.py` records a rating (once per case and stage) and opens the task, due in 15 working days.
"""
