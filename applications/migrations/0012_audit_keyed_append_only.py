"""The audit chain becomes keyed and the database refuses to change or remove an event.

Each case's chain, written with the unkeyed SHA-256, is checked with it first and, if whole, re-hashed with
HMAC-SHA256 under AUDIT_HMAC_KEY (and the case's record of its end with it). A chain that does not verify is left as
it is, so that `verify_audit_chain` goes on reporting it rather than the migration vouching for it. On PostgreSQL a
trigger then refuses every UPDATE and DELETE of an event (the production role should also lack those grants, see
the README); on SQLite the trigger step does nothing.
"""

from django.db import migrations, models

APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION applications_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % on applications_event refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS applications_event_append_only ON applications_event;
CREATE TRIGGER applications_event_append_only BEFORE UPDATE OR DELETE ON applications_event
    FOR EACH ROW EXECUTE FUNCTION applications_event_append_only();
"""
DROP_SQL = """
DROP TRIGGER IF EXISTS applications_event_append_only ON applications_event;
DROP FUNCTION IF EXISTS applications_event_append_only();
"""


def _rekeyed(events, case, keyed, unkeyed, verify) -> list:
    """Return the case's events re-hashed with the key, or [] if the chain is already keyed or does not verify."""
    if verify(events, case, keyed) == [] or verify(events, case, unkeyed) != []:
        return []
    prev_hash = ""
    for event in events:
        event.prev_hash = prev_hash
        event.hash = prev_hash = keyed(event)
    return events


def key_the_chains(apps, schema_editor):
    from applications.audit import event_hash, unkeyed_event_hash, verify_chain

    Application = apps.get_model("applications", "Application")
    Event = apps.get_model("applications", "Event")
    db = schema_editor.connection.alias
    cases = Application.objects.using(db).filter(audit_sequence__gt=0).order_by("pk")
    last = 0
    while batch := list(cases.filter(pk__gt=last).only("pk", "audit_sequence", "audit_hash")[:500]):
        by_case = {case.pk: [] for case in batch}
        for event in (
            Event.objects.using(db).filter(application_id__in=list(by_case)).order_by("application_id", "sequence")
        ):
            by_case[event.application_id].append(event)
        changed_events, changed_cases = [], []
        for case in batch:
            events = _rekeyed(by_case[case.pk], case, event_hash, unkeyed_event_hash, verify_chain)
            if events:
                changed_events += events
                case.audit_hash = events[-1].hash
                changed_cases.append(case)
        # QuerySet.bulk_update goes through the plain manager of the migration's model copy (the model's own
        # manager refuses updates).
        Event.objects.using(db).bulk_update(changed_events, ["prev_hash", "hash"], batch_size=1000)
        Application.objects.using(db).bulk_update(changed_cases, ["audit_hash"], batch_size=1000)
        last = batch[-1].pk


def refuse_changes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND_ONLY_SQL, params=None)


def allow_changes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0011_rule_version_on_cases"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notice",
            name="kind",
            field=models.CharField(
                choices=[
                    ("event", "办理进度"),
                    ("draft_closing_7", "草稿：申报期7天后截止"),
                    ("draft_closing_3", "草稿：申报期3天后截止"),
                    ("draft_closing_1", "草稿：申报期明天截止"),
                    ("correction_due_3", "补正期限3天后届满"),
                    ("correction_due_1", "补正期限明天届满"),
                    ("waiting_overdue", "超过办理时限"),
                    ("escalation", "超时上报部门负责人"),
                    ("digest", "每日待办汇总"),
                    ("recovery_due_7", "退回资金7天后到期"),
                    ("recovery_due_1", "退回资金明天到期"),
                    ("recovery_overdue", "退回资金逾期"),
                    ("recovery_escalation", "退回资金逾期上报"),
                    ("sanction", "查处决定"),
                    ("ban_ended", "禁止申请期届满"),
                    ("ban_changed", "禁止申请期变更"),
                    ("audit_anchor", "办理记录锚点"),
                ],
                max_length=30,
                verbose_name="类型",
            ),
        ),
        migrations.RunPython(key_the_chains, migrations.RunPython.noop),
        migrations.RunPython(refuse_changes, allow_changes),
    ]
