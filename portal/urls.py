from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.security import rate_limit
from applications.admin.home import index as staff_index
from measures.api import api

from .views import favicon, healthz

# The portal's one name (settings.PORTAL_NAME), as on its pages, its mail and authenticator apps.
admin.site.site_header = admin.site.site_title = format_lazy(_("{portal} 管理后台"), portal=_(settings.PORTAL_NAME))
admin.site.index_title = _("业务办理")

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin's own sign-in, under the same rate limit as the portal's (README "Security").
    path("admin/login/", rate_limit("login")(admin.site.login)),
    # The staff home: the admin's index with the reader's figures on top (applications/admin/home.py).
    path("admin/", admin.site.admin_view(staff_index), name="staff_home"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("directory/", include("contacts.urls")),
    path("", include("applications.urls")),
    path("", include("measures.sme_urls")),
    path("api/", api.urls),
    path("", include("measures.urls")),
]
