"""The periodic tasks' admin (django-celery-beat) in the reader's language.

The package leaves a few labels untranslated ("Task Name", "Crontab translation") and describes crontab schedules in
English whatever the language; here they are named in the catalogue and described by cron-descriptor in Chinese for a
Chinese page. The package's own missing Chinese strings are in locale/zh_Hans.
"""

from cron_descriptor import ExpressionDescriptor, Options
from django.contrib import admin
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import PeriodicTaskAdmin
from django_celery_beat.models import CrontabSchedule, PeriodicTask

PeriodicTask._meta.get_field("task").verbose_name = _("任务名称")


def crontab_description(crontab: CrontabSchedule | None) -> str:
    """Return when the schedule runs, in the page's language ("每 15 分钟", "At 08:00")."""
    if crontab is None:
        return ""
    options = Options()
    options.locale_code = "en_US" if (get_language() or "").startswith("en") else "zh_CN"
    options.use_24hour_time_format = True
    expression = " ".join(
        [crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year, crontab.day_of_week]
    )
    try:
        return f"{ExpressionDescriptor(expression, options).get_description()} ({crontab.timezone})"
    except Exception:  # an expression cron-descriptor cannot read: the package's own description
        return crontab.human_readable


class LocalPeriodicTaskAdmin(PeriodicTaskAdmin):
    list_display = ("name", "enabled", "schedule_shown", "start_time", "last_run_at", "one_off")

    @admin.display(description=_("执行时间"))
    def schedule_shown(self, obj):
        return crontab_description(obj.crontab) if obj.crontab_id else str(obj.scheduler)

    @admin.display(description=_("执行时间说明"))
    def crontab_translation(self, obj):
        return crontab_description(obj.crontab)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The package's own view describes every crontab in English for the form's script; skip it for ours.
        readable = {crontab.pk: crontab_description(crontab) for crontab in CrontabSchedule.objects.all()}
        extra_context = {**(extra_context or {}), "readable_crontabs": readable}
        return admin.ModelAdmin.changeform_view(self, request, object_id, form_url, extra_context)


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, LocalPeriodicTaskAdmin)
