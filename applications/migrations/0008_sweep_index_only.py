"""Indexes the deadline sweep's "waiting too long" reminders read alone, without the tables (bench/FINDINGS.md).

At a million cases each of the two anti-joins of `reminders.waiting_reminders` read ~36,000 case rows and scanned
every notice; with the case's id in `application_waiting` and the new `notice_reminded`, both sides come from the
indexes. Building them took a few seconds at that size.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0007_queue_version_index"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="application", name="application_waiting"),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["status", "status_changed_at", "id"], name="application_waiting"),
        ),
        migrations.AddIndex(
            model_name="notice",
            index=models.Index(
                condition=models.Q(("application__isnull", False)),
                fields=["kind", "audience", "application", "created_at"],
                name="notice_reminded",
            ),
        ),
    ]
