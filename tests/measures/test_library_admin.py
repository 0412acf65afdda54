"""District administrators keep their district's policy library in the admin; other staff read it; the public pages
show what the documents say, not the data files' notes."""

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse

from accounts.models import StaffRole
from contacts.models import ContactPerson, Department, Section
from measures.loading import load_policy_data
from measures.models import District, Measure, PolicyDocument
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def chaoyang(policy_data):
    return District.objects.get(name="朝阳区")


@pytest.fixture
def training(chaoyang):
    """朝政办发〔2020〕8号 16.: led by 朝阳区 区人力社保局, with two contacts of that bureau."""
    return Measure.objects.get(document__number="朝政办发〔2020〕8号", clause="16.")


@pytest.fixture
def haidian_measure(policy_data):
    return Measure.objects.filter(document__district__name="海淀区").first()


@pytest.fixture
def chaoyang_admin(client, chaoyang):
    user = StaffUserFactory(role=StaffRole.DISTRICT_ADMIN, staff_district=chaoyang)
    client.force_login(user)
    return user


def staff(role, chaoyang):
    if role == StaffRole.REVIEWER:
        return StaffUserFactory(role=role, department=Department.objects.get(district=chaoyang, name="区人力社保局"))
    return StaffUserFactory(role=role, staff_district=chaoyang)


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def posted(response, **changes) -> dict:
    """Return what the admin's change page posts back as it stands (inline rows included), with `changes`."""
    data, forms = {}, [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= {f"{formset.prefix}-{name}": value for name, value in formset.management_form.initial.items()}
        forms += formset.forms
    for form in forms:
        for field in form:
            value = field.value()
            if isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[field.html_name] = [str(item) for item in value]
            elif value is not None:
                data[field.html_name] = str(value)
    return {**data, **changes}


def edit(client, obj, **changes):
    url = change_url(obj)
    return client.post(url, posted(client.get(url), **changes))


def test_a_district_administrator_corrects_a_phone_and_the_public_page_shows_it(client, chaoyang_admin, training):
    person = training.contacts.get(name="李伟松")
    assert edit(client, person, office_phone="010-65090499").status_code == 302
    page = client.get(training.get_absolute_url()).content.decode()
    assert "010-65090499" in page and "010-65090441" not in page


def test_the_correction_is_in_the_objects_history_with_who_and_what(client, chaoyang_admin, training):
    person = training.contacts.get(name="李伟松")
    edit(client, person, office_phone="010-65090499")
    history = client.get(reverse("admin:contacts_contactperson_history", args=[person.pk])).content.decode()
    assert chaoyang_admin.username in history and "办公电话（010-65090441 → 010-65090499）" in history
    assert LogEntry.objects.get(object_id=str(person.pk)).user == chaoyang_admin


def test_a_district_administrator_cannot_open_another_districts_measure(client, chaoyang_admin, haidian_measure):
    assert client.get(change_url(haidian_measure)).status_code == 404
    history = reverse("admin:measures_measure_history", args=[haidian_measure.pk])
    assert client.get(history).status_code == 404


def test_the_list_shows_only_the_own_districts_measures(client, chaoyang_admin, chaoyang):
    response = client.get(reverse("admin:measures_measure_changelist"))
    districts = {m.document.district_id for m in response.context["cl"].result_list}
    assert districts == {chaoyang.pk}


def test_a_district_administrator_cannot_choose_another_districts_department(client, chaoyang_admin, training):
    haidian = Department.objects.get(district__name="海淀区", name="区人力社保局")
    form = client.get(change_url(training)).context["adminform"].form
    assert haidian not in form.fields["lead_departments"].queryset
    response = edit(client, training, lead_departments=[str(haidian.pk)])
    assert response.status_code == 200 and "lead_departments" in response.context["adminform"].form.errors
    assert list(training.lead_departments.values_list("name", flat=True)) == ["区人力社保局"]


def test_a_district_administrator_cannot_move_a_department_to_another_district(client, chaoyang_admin, chaoyang):
    haidian = District.objects.get(name="海淀区")
    data = {"district": haidian.pk, "name": "区新设局", "kind": "bureau"}
    data |= {f"{prefix}-{n}": 0 for prefix in ("sections", "people") for n in ("TOTAL_FORMS", "INITIAL_FORMS")}
    response = client.post(reverse("admin:contacts_department_add"), data)
    assert response.status_code == 200 and "district" in response.context["adminform"].form.errors
    assert not Department.objects.filter(name="区新设局").exists()


def test_a_district_administrator_adds_a_contact_to_a_department(client, chaoyang_admin, chaoyang):
    bureau = Department.objects.get(district=chaoyang, name="区人力社保局")
    data = {"department": bureau.pk, "name": "王新", "office_phone": "65090400", "topic": "培训补贴"}
    assert client.post(reverse("admin:contacts_contactperson_add"), data).status_code == 302
    assert ContactPerson.objects.get(name="王新").department == bureau


def test_a_contact_cannot_be_put_in_another_departments_section(client, policy_data):
    xicheng = District.objects.get(name="西城区")
    client.force_login(StaffUserFactory(role=StaffRole.DISTRICT_ADMIN, staff_district=xicheng))
    bureau = Department.objects.get(district=xicheng, name="区人力社保局")
    other = Section.objects.filter(department__district=xicheng).exclude(department=bureau).first()
    data = {"department": bureau.pk, "section": other.pk, "name": "王新", "office_phone": "65090400"}
    response = client.post(reverse("admin:contacts_contactperson_add"), data)
    assert response.status_code == 200
    assert (
        f"联系科室“{other.name}”属于{other.department.name}，不属于所选部门区人力社保局。" in response.content.decode()
    )
    assert response.context["adminform"].form["name"].value() == "王新"  # what was typed is kept
    assert not ContactPerson.objects.filter(name="王新").exists()


@pytest.mark.parametrize("role", [StaffRole.REVIEWER, StaffRole.FINANCE, StaffRole.AUDITOR])
def test_other_staff_read_the_library_but_cannot_change_it(client, chaoyang, training, role):
    client.force_login(staff(role, chaoyang))
    page = client.get(change_url(training))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    assert client.post(change_url(training), {"window_closes": "2026-12-31"}).status_code == 403
    assert Measure.objects.get(pk=training.pk).window_closes is None


def test_the_documents_words_and_amounts_are_read_only_for_the_district(client, chaoyang_admin, training):
    form = client.get(change_url(training)).context["adminform"].form
    assert {"clause", "text", "rule_params", "rule_quote"}.isdisjoint(form.fields)
    assert {"window_opens", "window_closes", "contacts"} <= set(form.fields)
    edit(client, training, rule_params='{"amount_per_head": "99999"}', window_closes="2026-12-31")
    training.refresh_from_db()
    assert "99999" not in str(training.rule_params) and str(training.window_closes) == "2026-12-31"


def test_the_form_warns_which_fields_the_next_load_resets(client, chaoyang_admin, training):
    page = client.get(change_url(training)).content.decode()
    assert "下次导入数据文件" in page and "申报截止日期" in page and "联系人" in page


def test_the_next_load_does_reset_what_the_warning_names(client, chaoyang_admin, training):
    edit(client, training, window_closes="2026-12-31")
    load_policy_data()
    training.refresh_from_db()
    assert training.window_closes is None


def test_a_document_of_the_own_district_is_changed_and_audited(client, chaoyang_admin, training):
    document = training.document
    assert edit(client, document, url="https://www.bjchy.gov.cn/policy/8.html").status_code == 302
    assert PolicyDocument.objects.get(pk=document.pk).url == "https://www.bjchy.gov.cn/policy/8.html"
    assert LogEntry.objects.filter(object_id=str(document.pk), user=chaoyang_admin).exists()


def test_the_public_measure_page_does_not_show_the_english_note(client, training):
    assert training.notes.startswith("Title composed from the text")
    page = client.get(training.get_absolute_url()).content.decode()
    assert "Title composed from the text" not in page and "备注" not in page


def test_the_public_document_page_does_not_show_the_english_note(client, training):
    document = training.document
    assert document.notes.startswith("The document implements")
    page = client.get(document.get_absolute_url()).content.decode()
    assert "The document implements" not in page


def test_the_admin_keeps_the_notes_for_staff(client, chaoyang_admin, training):
    page = client.get(change_url(training)).content.decode()
    assert "Title composed from the text" in page and "不在公开页面显示" in page
