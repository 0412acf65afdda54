"""A profile version is kept only when something changed, and the history names the fields as the form does."""

import pytest
from django.urls import reverse

from accounts.models import Enterprise
from accounts.services import profile_record_version
from tests.accounts.test_profile import profile_data
from tests.factories import EnterpriseUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(client, policy_data):
    user = EnterpriseUserFactory()
    client.force_login(user)
    return user


def test_saving_the_same_figures_read_back_from_the_database_keeps_no_new_version(client, user):
    client.post(reverse("accounts:profile_edit"), profile_data(revenue="1800", total_assets="900"))
    count = user.enterprise.profile_versions.count()
    # What submitting an application does: record the profile as the database holds it (1800.00, 900.00).
    assert profile_record_version(enterprise=Enterprise.objects.get(pk=user.enterprise_id), user=user) is None
    assert user.enterprise.profile_versions.count() == count


def test_a_version_written_before_figures_were_normalized_counts_1800_as_1800_00(client, user):
    client.post(reverse("accounts:profile_edit"), profile_data(revenue="1800"))
    latest = user.enterprise.profile_versions.order_by("-number").first()
    latest.data["revenue"] = "1800"  # as an earlier release stored it
    latest.save()
    assert profile_record_version(enterprise=Enterprise.objects.get(pk=user.enterprise_id), user=user) is None


def test_a_real_change_is_still_a_new_version_naming_only_what_changed(client, user):
    client.post(reverse("accounts:profile_edit"), profile_data(revenue="1800"))
    client.post(reverse("accounts:profile_edit"), profile_data(revenue="1800.5", **{"certifications-TOTAL_FORMS": "0"}))
    latest = user.enterprise.profile_versions.order_by("-number").first()
    assert latest.changed_fields == ["revenue"]


def test_the_history_names_the_changed_fields_in_chinese(client, user):
    client.post(reverse("accounts:profile_edit"), profile_data(revenue="1800"))
    client.post(
        reverse("accounts:profile_edit"),
        profile_data(revenue="2500", employees="160", **{"certifications-TOTAL_FORMS": "0"}),
    )
    html = client.get(reverse("accounts:profile_history")).content.decode()
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    newest = rows.split("</tr>", 1)[0]
    assert "营业收入" in newest and "从业人员" in newest
    assert "revenue" not in rows and "employees" not in rows and "sme_size" not in rows
