"""Password rules with their messages in the portal's own words.

Django 5.2 changed the minimum-length message's text and its Chinese catalogue still has the old one, so the
registration and password forms said "This password is too short…" in English (found by tests/fuzz). The other
validators' messages are translated by Django and are used as they are.
"""

from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLengthValidator
from django.utils.translation import ngettext


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "密码太短，至少需要 %(min_length)d 个字符。",
            "密码太短，至少需要 %(min_length)d 个字符。",
            self.min_length,
        ) % {"min_length": self.min_length}
