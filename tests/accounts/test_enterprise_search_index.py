"""Searching enterprises by part of their name or credit code can use the trigram indexes (0004, PostgreSQL only)."""

import pytest
from django.db import connection
from django.db.models import Q

from accounts.models import Enterprise
from tests.conftest import require_service
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def without_seq_scans():
    """Make the planner show an index it can use even on a handful of rows (for this test's transaction only)."""
    require_service("PostgreSQL", connection.vendor == "postgresql", "pg_trgm and GIN indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")


@pytest.mark.parametrize(
    ("lookup", "index"),
    [("name__icontains", "accounts_enterprise_name_trgm"), ("credit_code__icontains", "accounts_enterprise_code_trgm")],
)
def test_a_search_for_part_of_a_name_or_code_can_use_its_index(without_seq_scans, lookup, index):
    assert index in Enterprise.objects.filter(**{lookup: "华信"}).explain()


def test_the_admins_search_over_name_or_code_uses_both_indexes_and_finds_the_enterprise(without_seq_scans):
    enterprise = EnterpriseFactory(name="北京华信科技有限公司")
    EnterpriseFactory(name="北京门城科技有限公司")
    for term in ("华信科技", enterprise.credit_code[1:].lower()):
        search = Enterprise.objects.filter(Q(name__icontains=term) | Q(credit_code__icontains=term))
        plan = search.explain()
        assert "accounts_enterprise_name_trgm" in plan and "accounts_enterprise_code_trgm" in plan
        assert list(search) == [enterprise]
