"""The load test's own parts (bench/load/): its arithmetic, the codes its staff sign in with, the mail it counts and
the forms it reads. Locust itself is not needed here."""

import datetime
import json

import pytest
from django.core import mail
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from bench.load.arith import StepWindow, deliveries, ledger, nodes_for, percentile, step_ok, sustainable
from bench.load.forms import PDF, form_fields
from bench.load.totp import totp
from tests.conftest import require_service
from tests.factories import StaffUserFactory


def test_percentiles_are_nearest_rank():
    values = list(range(100, 0, -1))
    assert (percentile(values, 0.5), percentile(values, 0.95), percentile(values, 0.99)) == (50, 95, 99)
    assert percentile([], 0.95) is None


def test_a_step_is_carried_only_without_failures_and_with_p95_under_a_second():
    assert step_ok([100] * 95 + [5000] * 5, 0)
    assert not step_ok([100] * 94 + [5000] * 6, 0)
    assert not step_ok([100] * 100, 1)
    assert not step_ok([], 0)
    window = StepWindow()
    window.start(3)
    window.add(1200, False)
    assert window.step == 3 and not window.sustainable()


def test_the_sustainable_rate_is_the_last_step_before_the_first_one_over_the_line():
    steps = [
        {"users": 40, "times": [2000], "failures": 0},
        {"users": 10, "times": [100], "failures": 0},
        {"users": 80, "times": [100], "failures": 0},
        {"users": 20, "times": [300], "failures": 0},
    ]
    assert sustainable(steps)["users"] == 20
    assert sustainable([{"users": 10, "times": [100], "failures": 2}]) is None


def test_the_ledger_counts_acknowledged_submissions_missing_from_the_database():
    assert ledger([1, 2, 2, 3], {1, 2, 9}) == {"acknowledged": 3, "lost": 1, "acknowledged_twice": 1}


def test_deliveries_count_lost_and_duplicated_messages_and_set_apart_other_notices():
    owed = [("a@x.cn", "受理"), ("b@x.cn", "受理"), ("a@x.cn", "补正")]
    sent = [("a@x.cn", "受理"), ("a@x.cn", "受理"), ("a@x.cn", "补正"), ("c@x.cn", "旧通知")]
    assert deliveries(owed, sent) == {"owed": 3, "delivered": 4, "lost": 1, "duplicated": 1, "other": 1}


@pytest.mark.django_db
def test_the_code_a_load_test_reviewer_types_is_accepted_by_the_portals_two_factor_check():
    device = TOTPDevice.objects.create(user=StaffUserFactory(), name="loadtest", confirmed=True)
    assert device.verify_token(totp(device.key, device.step, device.digits))
    assert not device.verify_token(totp(device.key, device.step, device.digits, at=0))


def test_the_counting_mail_backend_writes_one_line_per_recipient(tmp_path, monkeypatch, settings):
    mailbox = tmp_path / "mailbox.jsonl"
    monkeypatch.setenv("LOAD_MAILBOX", str(mailbox))
    settings.EMAIL_BACKEND = "bench.load.mailbox.CountingBackend"
    mail.send_mail("申请已受理", "正文", "portal@example.cn", ["a@x.cn", "b@x.cn"])
    mail.send_mail("申请已退回补正", "正文", "portal@example.cn", ["a@x.cn"])
    lines = [json.loads(line) for line in mailbox.read_text().splitlines()]
    assert lines == [["a@x.cn", "申请已受理"], ["b@x.cn", "申请已受理"], ["a@x.cn", "申请已退回补正"]]


def test_the_form_posted_is_the_pages_own_not_the_headers_sign_out_form():
    page = """
    <form id="logout-form" method="post" action="/admin/logout/"><input type="hidden" name="csrfmiddlewaretoken"
      value="header"></form>
    <form method="get" action="/search/"><input name="q" value="x"></form>
    <form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="own">
      <input type="hidden" name="seen" value="7"><textarea name="comment">请补充</textarea>
      <select name="kind"><option value="a">a</option><option value="b" selected>b</option></select>
      <input type="checkbox" name="unticked"><input type="checkbox" name="ticked" checked>
      <input type="submit" value="确定"></form>"""
    assert form_fields(page, "/admin/applications/application/5/act/accept/") == {
        "csrfmiddlewaretoken": "own",
        "seen": "7",
        "comment": "请补充",
        "kind": "b",
        "ticked": "on",
    }


@pytest.mark.django_db
def test_every_enterprise_readied_for_the_load_test_can_submit_the_form_it_was_given(policy_data):
    """The cast's plans, sent through the workflow as the Locust user sends them through the pages, are submitted."""
    require_service("PostgreSQL", connection.vendor == "postgresql", "the generator writes with COPY")
    from django.core.files.uploadedfile import SimpleUploadedFile

    from accounts.models import Enterprise
    from applications.models import Application
    from applications.workflow import services
    from bench.generate import generate
    from bench.load.accounts import enterprise_plans
    from measures.materials import materials_of
    from measures.models import Measure

    generate(enterprises=12, applications=40, log=lambda message: None)
    plans = enterprise_plans(3)
    assert len(plans) == 3
    for plan in plans:
        enterprise = Enterprise.objects.get(owner__username=plan["username"])
        measure = Measure.objects.get(pk=plan["measure"])
        application, _created = services.application_start(
            enterprise=enterprise, measure=measure, user=enterprise.owner
        )
        fields = plan["fields"]
        application.inputs = {k[6:]: v for k, v in fields.items() if k.startswith("input_")}
        application.declarations = {k[8:]: True for k in fields if k.startswith("declare_")}
        if "event_date" in fields:
            application.event_date = datetime.date.fromisoformat(fields["event_date"])
        application.save()
        for material in materials_of(measure):
            if f"material_{material.key}" in plan["files"]:
                upload = SimpleUploadedFile("材料.pdf", PDF, "application/pdf")
                services.attachment_add(
                    application=application, user=enterprise.owner, upload=upload, material=material
                )
        services.application_submit(application_id=application.pk, user=enterprise.owner)
        assert Application.objects.get(pk=application.pk).status == "submitted"


def test_nodes_are_counted_from_cpu_per_request_with_headroom():
    need = nodes_for(
        users=5000,
        submissions_per_second=50,
        requests_per_user_second=0.4,
        web_ms_per_request=20,
        db_ms_per_request=4,
        web_ms_per_submission=200,
        db_ms_per_submission=40,
        cores_per_node=8,
        utilisation=0.5,
    )
    # 2,000 requests/s × 20 ms + 50 × 200 ms = 50 cores of web CPU; 8-core nodes kept half busy: 13 nodes.
    assert need == {"requests_per_second": 2000, "web_cores": 50, "web_nodes": 13, "db_cores": 10}
