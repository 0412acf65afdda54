from django.contrib.auth.models import AbstractUser
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in: an enterprise's user or a member of staff (reviewer, finance, administrator)."""

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
