"""An enterprise's owner invites colleagues: a few a day, and the e-mail carries nothing the owner typed."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from tests.factories import EnterpriseUserFactory

pytestmark = pytest.mark.django_db

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def owner(client):
    owner = EnterpriseUserFactory()
    client.force_login(owner)
    return owner


def invite(client, n: int, **data):
    return client.post(reverse("accounts:team"), {"name": f"同事{n}", "email": f"colleague{n}@example.cn", **data})


def test_an_owner_invites_at_most_the_daily_number_of_colleagues(
    client, owner, settings, django_capture_on_commit_callbacks, mailoutbox
):
    settings.INVITATIONS_PER_DAY = 3
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, tzinfo=BEIJING), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            for n in range(3):
                assert invite(client, n).status_code == 302
            refused = invite(client, 3)
        assert refused.status_code == 200 and "每天最多邀请 3 位同事" in refused.content.decode()
        assert not User.objects.filter(email="colleague3@example.cn").exists() and len(mailoutbox) == 3
        assert "今天还可以邀请 0 位同事" in client.get(reverse("accounts:team")).content.decode()
    with time_machine.travel(datetime.datetime(2026, 11, 24, 9, tzinfo=BEIJING), tick=False):
        assert invite(client, 3).status_code == 302
    assert User.objects.filter(email="colleague3@example.cn", invited_by=owner).exists()


def test_the_invitation_mail_carries_no_text_the_owner_typed(
    client, owner, django_capture_on_commit_callbacks, mailoutbox
):
    owner.enterprise.name = "您的账户已冻结，请登录 http://evil.example 解冻"
    owner.enterprise.save()
    owner.first_name = "平台客服"
    owner.save()
    with django_capture_on_commit_callbacks(execute=True):
        invite(client, 1, name="请立即点击 http://evil.example 领取补贴")
    [message] = mailoutbox
    text = message.subject + message.body
    assert "evil.example" not in text and "平台客服" not in text and "领取补贴" not in text
    assert owner.enterprise.credit_code in message.body and "/accounts/password-reset/" in message.body
    assert User.objects.get(email="colleague1@example.cn").first_name == "请立即点击 http://evil.example 领取补贴"
