import os
import shutil

import pytest
from django.conf import settings

from measures.loading import load_policy_data
from measures.models import District


def pytest_configure(config):
    if os.environ.get("REQUIRE_SERVICES") == "1" and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise pytest.UsageError("REQUIRE_SERVICES=1 needs DATABASE_URL pointing at PostgreSQL")


def require_service(name: str, available: bool, reason: str) -> None:
    """Skip a test whose service is missing, or fail it when CI requires every service (REQUIRE_SERVICES=1)."""
    if available:
        return
    message = f"{name} is not available: {reason}"
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the policy data from the repository's data files once for the whole session."""
    with django_db_blocker.unblock():
        load_policy_data()


@pytest.fixture
def policy_data(db):
    """The policy library as loaded from the data files (reloaded if a transactional test flushed it)."""
    if not District.objects.exists():
        load_policy_data()


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of the data files, for tests that break them on purpose."""
    root = tmp_path / "data"
    shutil.copytree(settings.BASE_DIR / "measures" / "data", root / "measures")
    shutil.copytree(settings.BASE_DIR / "contacts" / "data", root / "contacts")
    return root
