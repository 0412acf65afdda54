"""The portal's sign-in form: the login is the e-mail address given at registration, in any letter case."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class EmailLoginForm(AuthenticationForm):
    """Sign in with the registration e-mail (stored lowercase), so `Zhanghong@…` finds `zhanghong@…`."""

    username = forms.CharField(
        label=_("电子邮箱"),
        max_length=254,
        help_text=_("注册时填写的电子邮箱即登录账号。"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "inputmode": "email"}),
    )

    def clean(self):
        if self.cleaned_data.get("username"):
            self.cleaned_data["username"] = self.cleaned_data["username"].strip().lower()
        return super().clean()
