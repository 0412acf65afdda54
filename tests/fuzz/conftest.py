"""Fixtures of the fuzz tests (issue 7); the Hypothesis profile and the strategies are in tests/fuzz/strategies.py."""

import pytest

from tests.factories import chaoyang_software_owner


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
    return chaoyang_software_owner()
