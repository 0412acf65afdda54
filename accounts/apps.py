from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("用户与账号")

    def ready(self):
        from . import security  # noqa: F401  (connects the login signal that shortens staff sessions)
