from django.urls import path

from . import sme_views

app_name = "sme"

urlpatterns = [
    path("api/sme-classify", sme_views.classify_api, name="classify"),
    path("sme/self-test/", sme_views.self_test, name="self_test"),
]
