from django.contrib import admin
from django.urls import include, path

from measures.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("directory/", include("contacts.urls")),
    path("", include("applications.urls")),
    path("", include("measures.sme_urls")),
    path("api/", api.urls),
    path("", include("measures.urls")),
]
