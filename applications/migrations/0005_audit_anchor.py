from django.db import migrations, models


def record_chain_heads(apps, schema_editor):
    """Record on each case the sequence and hash of its last event: one set-based UPDATE, not a loop over cases."""
    Application = apps.get_model("applications", "Application")
    Event = apps.get_model("applications", "Event")
    qn = schema_editor.connection.ops.quote_name
    application, event = qn(Application._meta.db_table), qn(Event._meta.db_table)
    if schema_editor.connection.vendor == "postgresql":
        # Read backwards along the (application, sequence) unique index: the last event of each case comes first.
        schema_editor.execute(
            f"UPDATE {application} AS a SET audit_sequence = head.sequence, audit_hash = head.hash "
            f"FROM (SELECT DISTINCT ON (application_id) application_id, sequence, hash FROM {event} "
            "ORDER BY application_id DESC, sequence DESC) AS head "
            "WHERE a.id = head.application_id"
        )
    else:
        schema_editor.execute(
            f"UPDATE {application} SET "
            f"audit_sequence = (SELECT MAX(e.sequence) FROM {event} e WHERE e.application_id = {application}.id), "
            f"audit_hash = (SELECT e.hash FROM {event} e WHERE e.application_id = {application}.id "
            "ORDER BY e.sequence DESC LIMIT 1) "
            f"WHERE EXISTS (SELECT 1 FROM {event} e WHERE e.application_id = {application}.id)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0004_relative_deadlines"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="audit_sequence",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="办理记录末条序号"),
        ),
        migrations.AddField(
            model_name="application",
            name="audit_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="办理记录末条哈希"),
        ),
        migrations.RunPython(record_chain_heads, migrations.RunPython.noop, elidable=True),
    ]
