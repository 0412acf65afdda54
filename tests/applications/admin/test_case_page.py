"""The staff's case page, written directly (applications/admin/case_page.py): the case's fields and its histories as
the admin's read-only form showed them, and the way back to the queue as the reviewer left it."""

import re

import pytest
from django.urls import reverse

from tests.applications.workflow.test_payments import pay

pytestmark = pytest.mark.django_db


def case_page(client, user, application, **params):
    client.force_login(user)
    response = client.get(reverse("admin:applications_application_change", args=[application.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, group_id: str) -> str:
    return html.split(f'id="{group_id}"', 1)[1].split("</fieldset>", 1)[0]


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_fields_show_their_labels_and_values(client, make_application, finance):
    application = pay(make_application("approved"), finance, "5000")
    html = case_page(client, finance, application)
    status = text(html.split('class="form-row field-status"', 1)[1].split("</div></div></div>", 1)[0])
    assert "状态" in status
    assert application.get_status_display() in status
    paid = text(html.split('class="form-row field-paid"', 1)[1].split("</div></div></div>", 1)[0])
    assert "5,000.00" in paid
    enterprise = html.split('class="form-row field-enterprise_link"', 1)[1].split("</div></div></div>", 1)[0]
    assert application.enterprise.name in enterprise and "<a href=" in enterprise


def test_the_histories_list_every_step_payment_in_order(client, make_application, finance):
    application = pay(make_application("approved"), finance, "5000")
    pay(application, finance, "2000")
    html = case_page(client, finance, application)
    groups = re.findall(r'<div class="js-inline-admin-formset inline-group" id="([a-z_]+)-group"', html)
    assert len(groups) == 4, groups  # events, payments, files, objections
    payment_rows = re.findall(r"<tr class=\"form-row has_original\" id=\"" + groups[1] + r"-\d+\">(.*?)</tr>", html)
    assert [("BJ-5000" in row, "BJ-2000" in row) for row in payment_rows] == [(True, False), (False, True)]
    assert "5,000.00" in payment_rows[0] and finance.get_full_name() in payment_rows[0]
    events = text(section(html, f"{groups[0]}-heading"))
    assert events.count("5,000.00") >= 1 and events.index("5,000.00") < events.index("2,000.00")


def test_the_breadcrumb_leads_back_to_the_queue_as_filtered(client, make_application, reviewer):
    application = make_application("submitted")
    html = case_page(client, reviewer, application, _changelist_filters="status__exact=submitted")
    crumbs = html.split('class="breadcrumbs"', 1)[1].split("</div>", 1)[0]
    queue = reverse("admin:applications_application_changelist")
    back = re.search(rf'href="({queue}[^"]*)"', crumbs).group(1)
    assert back == f"{queue}?status__exact=submitted"
    assert application.reference in client.get(back).content.decode()
