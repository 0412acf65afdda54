from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.security import rate_limit
from measures.api import api

from .views import favicon, healthz

admin.site.site_header = admin.site.site_title = _("惠企政策服务平台管理后台")
admin.site.index_title = _("业务办理")

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin's own sign-in, under the same rate limit as the portal's (README "Security").
    path("admin/login/", rate_limit("login")(admin.site.login)),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("directory/", include("contacts.urls")),
    path("", include("applications.urls")),
    path("", include("measures.sme_urls")),
    path("api/", api.urls),
    path("", include("measures.urls")),
]
