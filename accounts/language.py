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
        if user is None or getattr(user, "_wrapped", None) is empty or not user.is_authenticated:
            return response  # nobody signed in, or the request never looked (a static file, the health check)
        language = getattr(request, "LANGUAGE_CODE", "")
        # No language on record means the portal's own: nothing is written while the person keeps to it.
        if language in self.known and language != (user.language or settings.LANGUAGE_CODE):
            get_user_model().objects.filter(pk=user.pk).update(language=language)
            user.language = language
        return response
