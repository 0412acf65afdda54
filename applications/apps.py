from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("申请办理")

    def ready(self):
        from portal import checks  # noqa: F401  (the deployment checks of the portal's settings)

        from .integrity import receivers as integrity  # noqa: F401  (links to other enterprises at each submission)
        from .notices import receivers  # noqa: F401  (writes the e-mails of each workflow transition)
        from .publicity import receivers as publicity  # noqa: F401  (closes the objections of a case leaving 公示)
