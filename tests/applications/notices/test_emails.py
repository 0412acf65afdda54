"""E-mails: to the enterprise at every change of its case, to the staff whose queue it reaches, after commit."""

from decimal import Decimal

import pytest
from django.utils import timezone

from applications.workflow import apply_transition

pytestmark = pytest.mark.django_db


def act(application, action, actor, **kwargs):
    return apply_transition(application_id=application.pk, action=action, actor=actor, **kwargs)


def test_nothing_is_sent_before_the_commit(make_application, owner, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        act(make_application(), "submit", owner)
    assert len(callbacks) == 1 and mailoutbox == []


def test_submission_tells_the_enterprise_and_the_lead_departments_reviewers(
    make_application, owner, reviewer, other_reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = act(make_application(), "submit", owner)
    recipients = sorted(to for m in mailoutbox for to in m.to)
    assert recipients == sorted([owner.email, reviewer.email])
    assert all(application.reference in m.subject for m in mailoutbox)


def test_the_enterprise_gets_an_email_at_every_step(
    make_application, owner, reviewer, finance, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application()
    steps = [
        ("submit", owner, {}),
        ("return_for_correction", reviewer, {"comment": "请补充名单"}),
        ("resubmit", owner, {}),
        ("accept", reviewer, {}),
        ("final_review_pass", reviewer, {"amount": Decimal("12000")}),
        ("start_publicity", reviewer, {}),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for action, actor, kwargs in steps:
            act(application, action, actor, **kwargs)
    to_owner = [m for m in mailoutbox if m.to == [owner.email]]
    assert len(to_owner) == len(steps) and "请补充名单" in to_owner[1].body and "公示期" in to_owner[-1].body


def test_finance_is_told_when_the_announcement_ends(
    make_application, finance, other_finance, mailoutbox, django_capture_on_commit_callbacks
):
    application = make_application("publicity", publicity_ends_on=timezone.localdate() - timezone.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        act(application, "end_publicity", None)
    assert finance.email in [to for m in mailoutbox for to in m.to]
    assert other_finance.email not in [to for m in mailoutbox for to in m.to]


def test_a_payment_email_states_the_amounts(
    make_application, owner, finance, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act(
            make_application("approved"),
            "record_payment",
            finance,
            amount=Decimal("5000"),
            paid_on=timezone.localdate(),
            bank_reference="BJ-1",
        )
    [email] = mailoutbox
    assert "5,000.00 元" in email.body and "12,000.00 元" in email.body and "登记拨付" in email.subject
