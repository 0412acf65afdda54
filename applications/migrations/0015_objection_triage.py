import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import applications.models
import applications.models.objections


def settle_earlier_objections(apps, schema_editor):
    """Before triage, an objection sent its case back to review at once: those objections are closed with it."""
    Objection = apps.get_model("applications", "Objection")
    for objection in Objection.objects.all().iterator():
        objection.outcome = "closed"
        objection.resolved_at = objection.created_at
        objection.handling_note = objection.handling_note or "收到异议即退回审核（异议核实流程启用前）。"
        objection.save(update_fields=["outcome", "resolved_at", "handling_note"])


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0014_notice_translations"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="objection",
            name="attachment",
            field=models.FileField(
                blank=True,
                max_length=200,
                storage=applications.models.PrivateStorage(),
                upload_to=applications.models.objections.objection_attachment_path,
                verbose_name="证据材料",
            ),
        ),
        migrations.AddField(
            model_name="objection",
            name="attachment_extension",
            field=models.CharField(blank=True, editable=False, max_length=10, verbose_name="证据材料扩展名"),
        ),
        migrations.AddField(
            model_name="objection",
            name="attachment_name",
            field=models.CharField(blank=True, max_length=255, verbose_name="证据材料原文件名"),
        ),
        migrations.AddField(
            model_name="objection",
            name="attachment_type",
            field=models.CharField(blank=True, max_length=120, verbose_name="证据材料文件类型"),
        ),
        migrations.AddField(
            model_name="objection",
            name="email",
            field=models.EmailField(blank=True, max_length=254, verbose_name="电子邮箱"),
        ),
        migrations.AddField(
            model_name="objection",
            name="outcome",
            field=models.CharField(
                choices=[
                    ("pending", "待核实"),
                    ("dismissed", "经核实不成立"),
                    ("upheld", "经核实成立"),
                    ("closed", "随申请结案"),
                ],
                default="pending",
                max_length=12,
                verbose_name="核实结果",
            ),
        ),
        migrations.AddField(
            model_name="objection",
            name="resolved_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="核实时间"),
        ),
        migrations.AddField(
            model_name="objection",
            name="resolved_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="核实人",
            ),
        ),
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
                    ("objection", "公示异议核实结果"),
                ],
                max_length=30,
                verbose_name="类型",
            ),
        ),
        migrations.AlterField(
            model_name="objection",
            name="contact",
            field=models.CharField(max_length=100, verbose_name="联系电话"),
        ),
        migrations.AlterField(
            model_name="objection",
            name="handling_note",
            field=models.TextField(blank=True, verbose_name="核实意见"),
        ),
        migrations.AlterField(
            model_name="objection",
            name="name",
            field=models.CharField(max_length=50, verbose_name="异议人姓名"),
        ),
        migrations.AlterField(
            model_name="objection",
            name="text",
            field=models.TextField(verbose_name="异议事实和理由"),
        ),
        migrations.RunPython(settle_earlier_objections, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="objection",
            name="handled",
        ),
        migrations.AddIndex(
            model_name="objection",
            index=models.Index(
                condition=models.Q(("outcome", "pending")), fields=["application"], name="objection_pending"
            ),
        ),
    ]
