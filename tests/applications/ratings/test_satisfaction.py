from django.urls import reverse

from applications.models.ratings import RatingLevel
from applications.ratings.services import rate_service
from tests.applications.conftest import department


def test_the_public_sees_the_departments_satisfaction_rate_on_its_directory_page(
    client, owner, make_application, chaoyang
):
    page_url = reverse("contacts:department", args=[department(chaoyang, "区人力社保局").pk])
    assert "暂无评价" in client.get(page_url).content.decode()
    for level in (RatingLevel.VERY_SATISFIED, RatingLevel.NEUTRAL, RatingLevel.VERY_DISSATISFIED):
        rate_service(application=make_application("closed"), user=owner, level=level)
    page = client.get(page_url).content.decode()
    assert "服务满意率" in page and "66.7%" in page
