"""In Chinese the admin has no English left: the app lists' screen-reader headers and the periodic tasks' pages."""

import pytest
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule, PeriodicTask

pytestmark = pytest.mark.django_db


def test_the_screen_reader_headers_of_the_app_lists_are_in_chinese(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "模型名称" in html and "Model name" not in html and "Add link" not in html


def test_the_periodic_tasks_pages_are_in_chinese(admin_client):
    crontab = CrontabSchedule.objects.create(minute="*/15", hour="*", timezone="Asia/Shanghai")
    task = PeriodicTask.objects.create(
        name="sweep", task="applications.deadlines.tasks.sweep_deadlines", crontab=crontab
    )
    listing = admin_client.get(reverse("admin:django_celery_beat_periodictask_changelist")).content.decode()
    assert "任务名称" in listing and "Task Name" not in listing
    assert "每 15 分钟" in listing
    form = admin_client.get(reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])).content.decode()
    for english in ("Crontab translation", "Execution Options", ">Schedule<", ">Arguments<"):
        assert english not in form
    assert "执行计划" in form and "执行选项" in form and "每 15 分钟" in form
