"""Subscriptions to new measures: subscribing, the nightly digest (each measure told once), unsubscribing from the
e-mail's link without signing in."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from applications.models import Ban, MeasureAlert, MeasureSubscription, Notice, NoticeKind
from applications.subscriptions import rematch, services, tasks
from measures.models import Measure, MeasureCondition, PolicyDocument

TODAY = datetime.date(2026, 11, 23)


def digests():
    return Notice.objects.filter(kind=NoticeKind.MEASURE_DIGEST)


def new_measure(district: str, title: str = "朝阳区小微企业数字化转型补贴", **fields) -> Measure:
    """A measure loaded today into an in-force document of the district that states no end."""
    document = PolicyDocument.objects.filter(
        district__slug=district, status="in_force", valid_until__isnull=True
    ).first()
    return Measure.objects.create(
        document=document, key=f"new-{Measure.objects.count()}", title=title, text="……", **fields
    )


def nightly(day=TODAY) -> dict:
    return rematch.send_measure_digests(today=day)


@pytest.fixture
def subscribed(owner):
    services.subscription_save(
        user=owner, matching=True, districts=[], beneficiary_types=[], rule_families=[], today=TODAY
    )
    return owner


def test_an_enterprise_user_subscribes_on_the_page(client, owner):
    client.force_login(owner)
    response = client.post(reverse("applications:subscriptions"), {"matching": "on", "action": "save"})
    assert response.status_code == 302
    assert MeasureSubscription.objects.get(user=owner).active
    assert "当前状态：已订阅" in client.get(reverse("applications:subscriptions")).content.decode()


def test_what_matches_when_subscribing_is_known_and_not_mailed(subscribed):
    assert MeasureAlert.objects.filter(user=subscribed, group=rematch.KNOWN, notice=None).exists()
    assert nightly()["digests"] == 0 and not digests().exists()


def test_a_new_measure_is_told_in_one_digest_once(subscribed):
    nightly()
    measure = new_measure("chaoyang")
    assert nightly()["digests"] == 1
    [digest] = digests()
    assert digest.user == subscribed and digest.recipients == [subscribed.email]
    assert measure.title in digest.body and "符合条件" in digest.body
    assert MeasureAlert.objects.get(user=subscribed, measure=measure).notice == digest
    assert nightly()["digests"] == 0  # the same night again
    assert nightly(TODAY + datetime.timedelta(days=1))["digests"] == 0  # and the next
    assert digests().count() == 1


def test_a_measure_the_firm_does_not_qualify_for_is_not_told_until_it_does(subscribed):
    measure = new_measure("chaoyang")
    MeasureCondition.objects.create(measure=measure, kind="max_staff", value="30", quote="从业人员30人以下")
    assert nightly()["digests"] == 0  # 40 staff
    subscribed.enterprise.employees = 25
    subscribed.enterprise.save()
    assert nightly(TODAY + datetime.timedelta(days=1))["digests"] == 1  # still open: matched again, now it qualifies
    assert measure.title in digests().get().body


def test_a_closed_or_banned_districts_measure_is_not_told(subscribed, chaoyang):
    new_measure("chaoyang", window_opens=datetime.date(2026, 1, 1), window_closes=datetime.date(2026, 3, 31))
    Ban.objects.create(
        enterprise=subscribed.enterprise,
        district=chaoyang,
        starts_on=TODAY,
        ends_on=TODAY.replace(year=2029),
        decision_number="朝查〔2026〕2号",
        decision_date=TODAY,
        reason="虚报",
        clause_quote="三年内不得申请",
    )
    new_measure("chaoyang", title="另一项新措施")
    assert nightly()["digests"] == 0


def test_a_followed_district_is_told_of_whatever_the_match(owner):
    services.subscription_save(
        user=owner, matching=False, districts=["haidian"], beneficiary_types=[], rule_families=[], today=TODAY
    )
    new_measure("chaoyang")
    haidian = new_measure("haidian", title="海淀区新措施")
    assert nightly()["digests"] == 1
    body = digests().get().body
    assert haidian.title in body and "按企业资料不符合" in body and "朝阳区小微企业" not in body


def test_the_unsubscribe_link_works_without_signing_in(client, subscribed):
    new_measure("chaoyang")
    nightly()
    link = re.search(r"https?://\S+/subscriptions/unsubscribe/\S+/", digests().get().body).group(0)
    path = link.split("//", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")
    assert page.status_code == 200 and "确认退订" in page.content.decode()
    page = client.post(f"/{path}")
    assert page.status_code == 200 and "已退订" in page.content.decode()
    assert not MeasureSubscription.objects.get(user=subscribed).active
    new_measure("chaoyang", title="退订后的新措施")
    assert nightly(TODAY + datetime.timedelta(days=1))["digests"] == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_wrong_token_is_refused(client, subscribed, method):
    token = services.unsubscribe_token(subscribed)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = getattr(client, method)(reverse("applications:unsubscribe", args=[forged]))
    assert response.status_code == 400 and "退订链接无效" in response.content.decode()
    assert MeasureSubscription.objects.get(user=subscribed).active


def test_a_signed_in_user_unsubscribes_on_the_page(client, subscribed):
    client.force_login(subscribed)
    client.post(reverse("applications:subscriptions"), {"action": "cancel"})
    assert not MeasureSubscription.objects.get(user=subscribed).active


def test_the_nightly_task_is_scheduled_and_runs(subscribed):
    entry = settings.CELERY_BEAT_SCHEDULE["send-measure-digests"]
    assert import_string(entry["task"]) is tasks.send_measure_digests
    new_measure("chaoyang")
    assert tasks.send_measure_digests()["digests"] == 1
