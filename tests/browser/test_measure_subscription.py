"""Issue 20's subscription journey in a browser: an enterprise user subscribes to new-measure alerts, a new measure is
loaded from the data files, the nightly re-match tells them in one digest (in the inbox and by e-mail), its link
leads to the measure's page, and the signed unsubscribe link works for someone who is not signed in."""

import datetime
import re

import pytest
import yaml
from django.core import mail

from applications.models import MeasureSubscription, Notice, NoticeKind
from applications.subscriptions.rematch import send_measure_digests
from measures.loading import load_policy_data
from measures.models import Measure
from measures.policydata import read_policy_data

pytestmark = pytest.mark.browser

NEW_TITLE = "中小微企业数字化转型诊断服务"


def add_chaoyang_measure(root) -> None:
    """Add a 19th measure to 朝政办发〔2020〕8号 (in force, no end stated) in a copy of the data files, open to every
    enterprise registered in Chaoyang (the document's own condition), and load the copy."""
    path = root / "measures" / "documents" / "chaoyang.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    [document] = [d for d in data["documents"] if d["key"] == "chaoyang-2020-8"]
    [last] = [m for m in document["measures"] if m["key"] == "18"]
    document["measures"].append(
        {
            **last,
            "key": "19",
            "clause": "19.",
            "title": NEW_TITLE,
            "text": "为辖区中小微企业免费提供数字化转型诊断服务。",
            "notes": "A measure added by the browser test of subscriptions.",
        }
    )
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_policy_data(
        read_policy_data(
            districts_file=root / "measures" / "districts.yaml",
            contacts_dir=root / "contacts",
            documents_dir=root / "measures" / "documents",
        )
    )


def test_an_enterprise_subscribes_hears_of_a_new_measure_and_unsubscribes_from_the_email(
    page, new_page, shot, sign_in, chaoyang_owner, data_copy, settings
):
    settings.PORTAL_BASE_URL = page.base_url  # the e-mail's links lead to this live server
    sign_in(page, chaoyang_owner.username, "correct-horse-battery")

    # Subscribe from the matching page: what matches today is known already and is not mailed.
    page.goto(page.base_url + "/matching/")
    page.locator("#subscribe-link").click()
    assert page.locator("#subscription-state").inner_text() == "当前状态：未订阅。"
    assert page.get_by_label("本企业符合或可能符合条件的新措施").is_checked()
    page.get_by_role("button", name="订阅", exact=True).click()
    assert page.locator("#subscription-state").inner_text() == "当前状态：已订阅。"
    assert chaoyang_owner.email in page.locator(".alert-success").inner_text()
    shot(page, "subscribed")
    assert send_measure_digests()["digests"] == 0

    # A new measure the enterprise qualifies for is loaded; the night's re-match writes one digest.
    add_chaoyang_measure(data_copy)
    measure = Measure.objects.get(document__key="chaoyang-2020-8", key="19")
    mail.outbox.clear()
    assert send_measure_digests()["digests"] == 1
    [email] = [m for m in mail.outbox if chaoyang_owner.email in m.to]
    assert NEW_TITLE in email.body and "符合条件" in email.body and "朝政办发〔2020〕8号 19." in email.body

    # The inbox has it, unread; it opens with the same text.
    page.goto(page.base_url + "/matching/")
    assert page.locator(".nav-inbox .unread-count").inner_text().endswith("1")
    page.locator(".nav-inbox").click()
    row = page.locator("table.inbox tbody tr.notice-unread")
    assert row.count() == 1 and "新措施订阅提醒" in row.inner_text()
    shot(page, "inbox")
    row.get_by_role("link", name=email.subject).click()
    body = page.locator("pre.notice-body").inner_text()
    assert NEW_TITLE in body and page.locator(".nav-inbox .unread-count").count() == 0

    # The e-mail's link to the measure leads to its page in the library.
    link = re.search(rf"{re.escape(page.base_url)}{re.escape(measure.get_absolute_url())}", email.body).group(0)
    page.goto(link)
    assert NEW_TITLE in page.locator("h1").inner_text()
    shot(page, "measure")

    # The unsubscribe link works in a browser that is not signed in: it asks, then stops the digests.
    unsubscribe = re.search(r"https?://\S+/subscriptions/unsubscribe/\S+/", email.body).group(0)
    stranger = new_page()
    stranger.goto(unsubscribe)
    assert chaoyang_owner.email in stranger.locator("main, body").first.inner_text()
    stranger.get_by_role("button", name="确认退订").click()
    assert "已退订" in stranger.locator("#unsubscribe-done").inner_text()
    shot(stranger, "unsubscribed")
    assert not MeasureSubscription.objects.get(user=chaoyang_owner).active
    page.goto(page.base_url + "/subscriptions/")
    assert page.locator("#subscription-state").inner_text() == "当前状态：未订阅。"

    # The next night writes nothing: no repeat, and no digest to someone who unsubscribed.
    assert send_measure_digests(today=datetime.date.today() + datetime.timedelta(days=1))["digests"] == 0
    assert Notice.objects.filter(kind=NoticeKind.MEASURE_DIGEST).count() == 1
