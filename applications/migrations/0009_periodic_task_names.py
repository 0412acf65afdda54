"""The applications app's Celery tasks moved from applications.tasks into the parts they belong to (notices,
deadlines, sanctions): rename the periodic tasks that beat stored in the database under the old names."""

from django.db import migrations

RENAMED = {
    "applications.tasks.sweep_deadlines": "applications.deadlines.tasks.sweep_deadlines",
    "applications.tasks.close_due_publicity": "applications.deadlines.tasks.close_due_publicity",
    "applications.tasks.end_expired_bans": "applications.deadlines.tasks.end_expired_bans",
    "applications.tasks.send_daily_digests": "applications.deadlines.tasks.send_daily_digests",
    "applications.tasks.lapse_due_corrections": "applications.deadlines.tasks.lapse_due_corrections",
    "applications.tasks.dispatch_pending_notices": "applications.notices.tasks.dispatch_pending_notices",
}


def rename(apps, schema_editor, mapping=RENAMED):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in mapping.items():
        PeriodicTask.objects.filter(task=old).update(task=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, {new: old for old, new in RENAMED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0008_sweep_index_only"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
