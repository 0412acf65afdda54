"""The measure page offers 在线申请 only to an enterprise that may apply in the measure's district."""

import datetime

import pytest
from django.utils import timezone

from applications.models import Ban

pytestmark = pytest.mark.django_db


def measure_page(client, owner, measure) -> str:
    client.force_login(owner)
    return client.get(measure.get_absolute_url()).content.decode()


def test_an_enterprise_free_to_apply_is_offered_the_form(client, owner, measure):
    assert 'id="apply"' in measure_page(client, owner, measure)


def test_a_banned_enterprise_is_told_why_instead_of_being_offered_the_form(client, owner, measure, chaoyang):
    today = timezone.localdate()
    Ban.objects.create(
        enterprise=owner.enterprise,
        district=chaoyang,
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=700),
        decision_number="朝财监〔2026〕7号",
        decision_date=today - datetime.timedelta(days=30),
        reason="弄虚作假骗取奖励补贴",
        clause_quote="三年内不准其申请区内各类补贴奖励资金",
    )
    html = measure_page(client, owner, measure)
    assert 'id="apply"' not in html
    assert "朝财监〔2026〕7号" in html and "不得申请" in html


def test_a_ban_in_another_district_does_not_hide_the_form(client, owner, measure, mentougou):
    today = timezone.localdate()
    Ban.objects.create(
        enterprise=owner.enterprise,
        district=mentougou,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=700),
        decision_number="门财监〔2026〕1号",
        decision_date=today,
        reason="弄虚作假骗取奖励补贴",
        clause_quote="三年内不准其申请区内各类补贴奖励资金",
    )
    assert 'id="apply"' in measure_page(client, owner, measure)
