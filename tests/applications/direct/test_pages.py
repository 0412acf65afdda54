"""The 免申即享 pages: staff verify a profile, generate a list and approve it in the admin; the enterprise reads its
offer (the amount and each condition) and confirms or declines it."""

import pytest
from django.urls import reverse

from applications.models import DirectEntry, DirectList, Notice, NoticeKind, ProfileVerification, Status

pytestmark = pytest.mark.django_db


def test_the_whole_path_in_the_pages(client, measure, reviewer, head, district_admin, make_owner):
    owner = make_owner("北京甲科技有限公司")

    # The district administrator verifies the enterprise's profile by its credit code.
    client.force_login(district_admin)
    add = reverse("admin:applications_profileverification_add")
    assert "核验企业画像" in client.get(add).content.decode()
    response = client.post(
        add, {"credit_code": owner.enterprise.credit_code.lower(), "evidence": "纳税申报表核对一致。"}
    )
    verification = ProfileVerification.objects.get(enterprise=owner.enterprise)
    assert response.url == reverse("admin:applications_profileverification_change", args=[verification.pk])
    page = client.get(response.url).content.decode()
    assert "北京市专精特新中小企业" in page and "纳税申报表核对一致。" in page

    # A reviewer of the lead department generates the list; the head approves it.
    client.force_login(reviewer)
    changelist = client.get(reverse("admin:applications_directlist_changelist")).content.decode()
    assert reverse("admin:applications_directlist_generate") in changelist
    response = client.post(reverse("admin:applications_directlist_generate"), {"measure": measure.pk})
    direct_list = DirectList.objects.get()
    page = client.get(response.url).content.decode()
    assert "北京甲科技有限公司" in page and "300,000.00" in page
    assert reverse("admin:applications_directlist_approve", args=[direct_list.pk]) not in page  # not by its author
    client.force_login(head)
    page = client.get(response.url).content.decode()
    assert reverse("admin:applications_directlist_approve", args=[direct_list.pk]) in page
    client.post(reverse("admin:applications_directlist_approve", args=[direct_list.pk]), {"comment": "同意。"})
    entry = DirectEntry.objects.get(enterprise=owner.enterprise)
    assert entry.state == DirectEntry.State.OFFERED

    # The enterprise finds the offer in its inbox, reads it and confirms it.
    client.force_login(owner)
    notice = Notice.objects.get(kind=NoticeKind.DIRECT_OFFER)
    assert "免申即享" in client.get(reverse("applications:notice", args=[notice.pk])).content.decode()
    assert reverse("applications:direct_offers") in client.get(reverse("applications:list")).content.decode()
    offers = client.get(reverse("applications:direct_offers")).content.decode()
    assert reverse("applications:direct_offer", args=[entry.pk]) in offers
    page = client.get(reverse("applications:direct_offer", args=[entry.pk])).content.decode()
    assert "300,000.00" in page and "北京市专精特新" in page and "本企业承诺所填信息" in page
    response = client.post(
        reverse("applications:direct_offer", args=[entry.pk]),
        {
            "bank_name": "中国银行北京西城支行",
            "bank_account_name": owner.enterprise.name,
            "bank_account": "3380 6800 0000 1234",
            "declare_truthful": "on",
        },
    )
    entry.refresh_from_db()
    assert entry.state == DirectEntry.State.CONFIRMED
    assert response.url == entry.application.get_absolute_url()
    detail = client.get(response.url).content.decode()
    assert entry.application.status == Status.PUBLICITY
    assert "生成免申即享名单" in detail and "确认免申即享奖励，进入公示" in detail


def test_a_wrong_account_comes_back_with_the_message_and_another_enterprise_sees_no_offer(
    client, measure, reviewer, head, make_owner, verify
):
    from applications.direct.lists import list_approve, list_generate

    owner = make_owner("北京甲科技有限公司")
    verify(owner.enterprise)
    direct_list = list_generate(measure_id=measure.pk, user=reviewer)
    list_approve(list_id=direct_list.pk, user=head)
    entry = DirectEntry.objects.get(enterprise=owner.enterprise)
    url = reverse("applications:direct_offer", args=[entry.pk])

    client.force_login(owner)
    data = {
        "bank_name": "中国银行",
        "bank_account_name": "别的公司",
        "bank_account": "33806800",
        "declare_truthful": "on",
    }
    page = client.post(url, data).content.decode()
    assert "账户名称须与企业名称" in page
    entry.refresh_from_db()
    assert entry.state == DirectEntry.State.OFFERED

    client.force_login(make_owner("北京乙科技有限公司"))
    assert client.get(url).status_code == 404
    assert client.post(reverse("applications:direct_decline", args=[entry.pk])).status_code == 404

    client.force_login(owner)
    response = client.post(reverse("applications:direct_decline", args=[entry.pk]), {"reason": "不需要。"})
    assert response.url == reverse("applications:direct_offers")
    entry.refresh_from_db()
    assert entry.state == DirectEntry.State.DECLINED and entry.application.status == Status.WITHDRAWN
