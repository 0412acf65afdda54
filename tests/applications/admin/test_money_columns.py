"""Staff see money printed as everywhere else: in the admin's columns and in the Excel export's number format."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.applications.workflow.test_payments import pay

pytestmark = pytest.mark.django_db


def test_the_export_formats_amounts_with_thousands_separators_and_two_decimals(client, make_application, finance):
    application = make_application("approved", approved_amount=Decimal("120000.00"))
    pay(application, finance, "20000")
    client.force_login(finance)
    workbook = load_workbook(io.BytesIO(client.get(reverse("admin:applications_application_export")).content))
    amounts = [cell for cell in workbook["已批准"][2] if isinstance(cell.value, (int, float, Decimal))]
    assert amounts and all(cell.number_format == "#,##0.00" for cell in amounts)
    assert [cell.value for cell in amounts][:2] == [120000, 20000]


def test_the_payments_list_prints_money_as_the_portal_does(client, make_application, finance):
    pay(make_application("approved", approved_amount=Decimal("120000.00")), finance, "20000")
    client.force_login(finance)
    html = client.get(reverse("admin:applications_payment_changelist")).content.decode()
    assert "20,000.00 元" in html
