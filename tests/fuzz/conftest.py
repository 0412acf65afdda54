"""Fixtures of the fuzz tests (issue 7); the Hypothesis profile and the strategies are in tests/fuzz/strategies.py."""

from decimal import Decimal

import pytest

from measures.models import District
from tests.factories import EnterpriseUserFactory


@pytest.fixture
def hypothesis_prints_examples(monkeypatch):
    """Let Hypothesis print the failing example again.

    The schemathesis pytest plugin swaps Hypothesis' printer for one that prints nothing (for speed in its own
    runs), for every test of the session, so a failing form test would report `data=,` and nothing more.
    """
    from hypothesis import core
    from hypothesis.vendor import pretty

    monkeypatch.setattr(core, "RepresentationPrinter", pretty.RepresentationPrinter)


@pytest.fixture
def owner(policy_data):
    """The owner of a small Chaoyang software firm (the profile of tests/applications' owner)."""
    chaoyang = District.objects.get(name="朝阳区")
    return EnterpriseUserFactory(
        enterprise__industry="软件和信息技术服务业",
        enterprise__employees=40,
        enterprise__revenue=Decimal("900"),
        enterprise__total_assets=Decimal("1200"),
        enterprise__registered_district=chaoyang,
        enterprise__tax_district=chaoyang,
        enterprise__stats_district=chaoyang,
        enterprise__revenue_change=Decimal("-85"),
    )
