"""A case keeps the rules it was estimated with: submitting records their version and the rules themselves, and
staff see them, with a warning once the measure's rules have been corrected since."""

from django.urls import reverse

from applications.workflow import apply_transition


def test_submitting_records_the_rules_and_each_parts_amount(make_application, owner, measure):
    draft = make_application("draft", inputs={"persons": "12", "temporary_post__persons": "2"})
    case = apply_transition(application_id=draft.pk, action="submit", actor=owner)
    assert case.rule_version == measure.ruleset.version
    parts = {rule["key"]: rule["amount"] for rule in case.rule_snapshot["rules"]}
    assert parts == {"main": "12000.00", "temporary_post": "3080.00"}
    assert case.estimate_amount == 15080


def test_staff_see_the_rules_of_the_estimate_and_a_later_correction(client, make_application, owner, reviewer, measure):
    case = apply_transition(application_id=make_application("draft").pk, action="submit", actor=owner)
    url = reverse("admin:applications_application_change", args=[case.pk])
    client.force_login(reviewer)
    page = client.get(url).content.decode()
    assert case.rule_version in page and "已修改" not in page
    measure.rule_params = {**measure.rule_params, "amount": "1200"}
    measure.save()
    page = client.get(url).content.decode()
    assert "该措施的计算规则此后已修改" in page and measure.ruleset.version in page
    case.refresh_from_db()
    assert case.rule_snapshot["rules"][0]["params"]["amount"] == "1000"
