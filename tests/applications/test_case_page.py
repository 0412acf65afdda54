"""The enterprise's case page beyond the stepper: the answers as submitted, the department's contacts, and the note
the enterprise sends the reviewer with a resubmission."""

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, owner):
    client.force_login(owner)
    return client


def test_the_case_page_shows_the_answers_as_submitted(signed_in, make_application):
    application = make_application(
        "submitted", inputs={"persons": "37"}, declarations={"truthful": True}, submitted_at=timezone.now()
    )
    page = signed_in.get(application.get_absolute_url()).content.decode()
    answers = page[page.index("提交的申报内容") :]
    assert '<dd class="col-6">37</dd>' in answers and "☑ 本企业承诺所填信息和所附材料真实" in answers


def test_the_case_page_names_the_lead_department_and_its_contacts(signed_in, make_application, measure):
    application = make_application("submitted")
    people = measure.contacts.filter(department__in=measure.lead_departments.all())
    page = signed_in.get(application.get_absolute_url()).content.decode()
    assert people.exists() and all(person.name in page for person in people)
    assert "区人力社保局" in page


def test_the_resubmission_carries_the_enterprises_note_to_the_reviewer(signed_in, client, make_application, reviewer):
    application = make_application("returned", correction_request="请补充培训人员名单。")
    page = signed_in.get(reverse("applications:confirm", args=[application.pk])).content.decode()
    assert 'name="reply"' in page and "请补充培训人员名单。" in page
    signed_in.post(reverse("applications:confirm", args=[application.pk]), {"reply": "已补充名单，见附件。"})
    resubmit = application.events.get(action="resubmit")
    assert resubmit.comment == "已补充名单，见附件。"
    assert "已补充名单，见附件。" in Notice.objects.get(event=resubmit, audience="staff").body
    assert "补正说明：已补充名单，见附件。" in signed_in.get(application.get_absolute_url()).content.decode()
    client.force_login(reviewer)
    admin_page = client.get(reverse("admin:applications_application_change", args=[application.pk]))
    assert "已补充名单，见附件。" in admin_page.content.decode()


def test_a_first_submission_takes_no_note(signed_in, make_application):
    application = make_application()
    signed_in.post(reverse("applications:confirm", args=[application.pk]), {"reply": "不该记录"})
    assert application.events.get(action="submit").comment == ""
