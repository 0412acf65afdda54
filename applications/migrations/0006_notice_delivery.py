import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def record_sent_as_delivered(apps, schema_editor):
    """A notice sent before this migration reached every recipient."""
    Notice = apps.get_model("applications", "Notice")
    Notice.objects.filter(state="sent").update(delivered_to=models.F("recipients"))


def link_ban_ended_notices(apps, schema_editor):
    """Give each ban-ended notice written so far the ban it told of (the one its due date and subject name).

    A ban whose notice was lost to the old key (another district's ban ending the same day) is left without one:
    the next ban-ended sweep sends it, if the ban ended within its lookback.
    """
    Ban = apps.get_model("applications", "Ban")
    Notice = apps.get_model("applications", "Notice")
    notices = Notice.objects.filter(kind="ban_ended", application__isnull=True, ban__isnull=True)
    for notice in notices.iterator(chunk_size=500):
        bans = list(
            Ban.objects.filter(enterprise_id=notice.enterprise_id, ends_on=notice.due_on)
            .select_related("district")
            .order_by("pk")
        )
        named = [ban for ban in bans if ban.district.name in notice.subject]
        if chosen := (named or bans):
            Notice.objects.filter(pk=notice.pk).update(ban=chosen[0])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_staff_heads"),
        ("applications", "0005_audit_anchor"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="notice",
            name="ban",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="notices",
                to="applications.ban",
                verbose_name="禁止申请记录",
            ),
        ),
        migrations.AddField(
            model_name="notice",
            name="delivered_to",
            field=models.JSONField(blank=True, default=list, verbose_name="已送达"),
        ),
        migrations.RunPython(record_sent_as_delivered, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(link_ban_ended_notices, migrations.RunPython.noop, elidable=True),
        migrations.RemoveConstraint(
            model_name="notice",
            name="notice_once_per_enterprise_kind_due",
        ),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.UniqueConstraint(
                condition=models.Q(("application__isnull", True), ("ban__isnull", True), ("enterprise__isnull", False)),
                fields=("enterprise", "kind", "due_on"),
                name="notice_once_per_enterprise_kind_due",
            ),
        ),
        migrations.AddConstraint(
            model_name="notice",
            constraint=models.UniqueConstraint(
                condition=models.Q(("ban__isnull", False)), fields=("ban", "kind"), name="notice_once_per_ban"
            ),
        ),
    ]
