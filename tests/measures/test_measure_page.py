"""A measure page prints its conditions' figures as the portal prints them: shares as percentages, amounts as money."""

import pytest

from measures.models import MeasureCondition

pytestmark = pytest.mark.django_db


def conditions(client, condition) -> str:
    html = client.get(condition.measure.get_absolute_url()).content.decode()
    return html.split('id="conditions"', 1)[1].split("</ul>", 1)[0]


def test_a_share_is_printed_as_a_percentage(client, policy_data):
    condition = MeasureCondition.objects.filter(kind="min_revenue_drop", value="0.80").first()
    shown = conditions(client, condition)
    assert "80%" in shown and "0.80" not in shown


def test_an_amount_is_printed_as_money(client, policy_data):
    condition = MeasureCondition.objects.filter(kind="max_revenue", value="10000000").first()
    assert "10,000,000.00 元" in conditions(client, condition)


def test_the_estimates_footnote_does_not_end_a_clause_number_with_a_full_stop(client, policy_data):
    from measures.models import Measure

    measure = Measure.objects.get(document__number="朝政办发〔2020〕8号", clause="16.")
    html = client.get(measure.get_absolute_url(), {"estimate": "1", "persons": "3"}).content.decode()
    assert "16.。" not in html and "16.）" in html
