"""The library's filter lists are kept rendered (measures/templatetags/library.py): what a visitor sees stays true."""

import pytest
from django.urls import reverse

from measures.models import District, PolicyDocument

pytestmark = pytest.mark.django_db


def library_page(client, **params) -> str:
    return client.get(reverse("measures:library"), params).content.decode()


def test_a_renamed_document_shows_its_new_title_in_the_filter(client, policy_data, django_capture_on_commit_callbacks):
    document = PolicyDocument.objects.filter(measures__isnull=False).first()
    assert document.title in library_page(client)
    with django_capture_on_commit_callbacks(execute=True):
        document.title = "测试更名后的政策文件"
        document.save()
    assert "测试更名后的政策文件" in library_page(client, q="不存在的词")


def test_each_choice_is_shown_selected_only_when_chosen(client, policy_data):
    first, second = District.objects.filter(documents__measures__isnull=False).distinct()[:2]
    assert f'value="{first.slug}" selected' in library_page(client, district=first.slug)
    page = library_page(client, district=second.slug)
    assert f'value="{second.slug}" selected' in page
    assert f'value="{first.slug}" selected' not in page


def test_an_unknown_choice_is_marked_invalid_every_time(client, policy_data):
    for _ in range(2):
        page = library_page(client, district="nowhere")
        assert "筛选条件无效" in page
        assert "is-invalid" in page


def test_the_filter_labels_follow_the_language(client, policy_data):
    assert "行政区" in library_page(client)
    client.cookies["django_language"] = "en"
    page = library_page(client)
    assert 'for="id_district"' in page
    assert "<label" in page and "行政区</label>" not in page
