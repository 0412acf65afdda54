"""Directory e-mail addresses are the ones people write to, not the district site's IPv6 gateway's rewriting."""

import pytest

from contacts.models import ContactPerson

pytestmark = pytest.mark.django_db


def test_no_address_carries_the_gateways_rewritten_domain(policy_data):
    rewritten = ContactPerson.objects.filter(email__contains=".ipv6.")
    assert list(rewritten.values_list("email", flat=True)) == []


def test_the_special_equipment_inspection_mailbox_is_at_the_market_regulators_domain(client, policy_data):
    person = ContactPerson.objects.get(name="曹军", department__name="区市场监管局")
    assert person.email == "dcjtjs@scjgj.beijing.gov.cn"
    assert "dcjtjs@scjgj.beijing.gov.cn" in client.get(person.department.get_absolute_url()).content.decode()
