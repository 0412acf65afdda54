"""The audit trail is append-only."""

import pytest
from django.contrib.admin.sites import site

from applications.models import Event
from applications.workflow import apply_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(make_application, reviewer):
    application = make_application("submitted")
    apply_transition(application_id=application.pk, action="accept", actor=reviewer)
    return application.events.get()


def test_an_event_cannot_be_changed(event):
    event.comment = "改写历史"
    with pytest.raises(PermissionError):
        event.save()


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(PermissionError):
        event.delete()


def test_events_cannot_be_updated_or_deleted_in_bulk(event):
    with pytest.raises(PermissionError):
        Event.objects.filter(pk=event.pk).update(comment="x")
    with pytest.raises(PermissionError):
        Event.objects.all().delete()


def test_the_admin_offers_no_delete_or_change_of_events(rf, event, django_user_model):
    request = rf.get("/")
    request.user = django_user_model.objects.create_superuser("root", "root@example.cn", "x-long-password")
    admin = site._registry[Event]
    assert not admin.has_delete_permission(request, event) and not admin.has_change_permission(request, event)
