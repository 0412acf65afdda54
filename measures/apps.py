from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("政策库")

    def ready(self):
        from .matching import connect_library_signals

        connect_library_signals()
