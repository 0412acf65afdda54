"""Remember the language each signed-in person uses the portal in, so that their e-mails are written in it."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.functional import empty


class RememberLanguageMiddleware:
    """Record the language of a signed-in person's request on their account when it changed (one UPDATE then)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.known = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(user, "_wrapped", None) is empty:
            return response  # the request never looked at who it was from (a static file, the health check)
        language = getattr(request, "LANGUAGE_CODE", "")
        if user is not None and user.is_authenticated and language in self.known and user.language != language:
            get_user_model().objects.filter(pk=user.pk).update(language=language)
            user.language = language
        return response


def language_of(user) -> str:
    """Return the language to write to the person in: the one they last used, or the portal's own."""
    return getattr(user, "language", "") or settings.LANGUAGE_CODE
