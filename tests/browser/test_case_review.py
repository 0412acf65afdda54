"""A Chaoyang reviewer opens a case from the queue and reads who is applying and whether they qualify: the figures
the measure tests as submitted and now, the SME size, each condition then and now; every link on the page opens."""

from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.services import profile_record_version
from applications.models import Application
from applications.workflow import services
from measures.models import Measure
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.browser

QUEUE = "/admin/applications/application/"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def submitted_case(chaoyang_owner, private_media):
    """8号 16. submitted by the software firm (revenue -85% then), whose profile now says -50%, with a roster."""
    enterprise = chaoyang_owner.enterprise
    training = Measure.objects.get(document__number="朝政办发〔2020〕8号", clause="16.")
    application = ApplicationFactory(
        measure=training, created_by=chaoyang_owner, enterprise=enterprise, inputs={"persons": "12"}
    )
    services.attachment_add(
        application=application, user=chaoyang_owner, upload=SimpleUploadedFile("参培职工名单.pdf", PDF)
    )
    version = profile_record_version(enterprise=enterprise, user=chaoyang_owner)
    Application.objects.filter(pk=application.pk).update(
        status="submitted", profile_version=version, submitted_at=timezone.now(), estimate_amount=Decimal("12000.00")
    )
    enterprise.revenue_change = Decimal("-50")
    enterprise.save()
    return Application.objects.get(pk=application.pk)


def same_site_links(page) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    base = urlsplit(page.base_url)
    found = []
    for href in hrefs:
        url = urlsplit(href)
        if href.startswith("#") or (url.netloc and url.netloc != base.netloc):
            continue
        found.append(href if url.netloc else page.base_url + href)
    return sorted(set(found))


def test_a_chaoyang_reviewer_reads_the_applicant_on_the_case_page_and_every_link_opens(
    page, shot, admin_sign_in, demo_staff, submitted_case
):
    admin_sign_in(page, "cy-rsj")
    page.goto(page.base_url + QUEUE)
    page.locator("#result_list").get_by_role("link", name=submitted_case.reference).click()
    applicant = page.locator("#applicant")
    assert "北京朝阳云帆软件有限公司" in applicant.locator("h2").inner_text()

    figures = page.locator("#tested-figures").inner_text()
    drop = page.locator("#tested-figures tr", has_text="2020年2-4月营业收入同比变化").inner_text().split("\t")
    assert [cell.strip() for cell in drop] == ["2020年2-4月营业收入同比变化（%）", "-85", "-50 （已变更）"]
    assert "从业人员（人）\t40\t40" in figures and "小型" in figures and "工信部联企业〔2011〕300号" in figures

    conditions = page.locator("#conditions")
    drop = conditions.locator("tr", has_text="营业收入同比下降").inner_text()
    assert "符合" in drop and "不符合" in drop and "80%（含）以上" in drop
    place = conditions.locator("tbody tr").first.inner_text()  # registered in Chaoyang, or a Chaoyang measure
    assert "朝阳区" in place and "符合" in place and "企业规模为中型、小型、微型" in conditions.inner_text()
    shot(page, "case")

    links = same_site_links(page)
    assert any("/enterprise/" in link for link in links) and any("/library/?district=" in link for link in links)
    assert any("/attachments/" in link for link in links)
    for link in links:
        response = page.request.get(link)
        assert response.status not in (403, 404), (link, response.status)
        assert "/login/" not in response.url, link

    page.locator("#applicant h2").get_by_role("link").click()
    assert submitted_case.enterprise.credit_code in page.locator("#enterprise-profile").inner_text()
    shot(page, "enterprise")


# The contrast of each outcome (符合 / 不符合 / 需人工核实) with the background it is shown on, as WCAG counts it.
OUTCOME_CONTRAST = """() => {
  const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const [r, g, b, a = 1] = rgb(getComputedStyle(e).backgroundColor);
      if (a > 0) return [r, g, b];
    }
    return [255, 255, 255];
  };
  return [...document.querySelectorAll("#conditions td[class^='outcome-'] strong")].map((word) => {
    const [hi, lo] = [lum(rgb(getComputedStyle(word).color)), lum(background(word))].sort((x, y) => y - x);
    return [word.textContent.trim(), Math.round(((hi + 0.05) / (lo + 0.05)) * 10) / 10];
  });
}"""


def test_each_conditions_outcome_is_readable_on_the_case_page(page, admin_sign_in, demo_staff, submitted_case):
    """符合 was printed in the admin's pale success background colour (#dfd on white, 1.2:1): nearly invisible."""
    admin_sign_in(page, "cy-rsj")
    page.goto(f"{page.base_url}{QUEUE}{submitted_case.pk}/change/")
    outcomes = page.evaluate(OUTCOME_CONTRAST)
    assert "符合" in [word for word, _ratio in outcomes], outcomes
    assert all(ratio >= 4.5 for _word, ratio in outcomes), outcomes
