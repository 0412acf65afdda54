from base64 import b32encode
from functools import wraps
from urllib.parse import urlencode

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .forms import CertificationFormSet, InviteForm, OTPTokenForm, ProfileForm, RegistrationForm
from .login_form import EmailLoginForm
from .security import rate_limit, staff_has_device, too_many_requests


def enterprise_required(view):
    """Let only signed-in users of an enterprise through; staff have the admin site instead."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_enterprise_user:
            if request.user.is_staff:
                return redirect("admin:index")
            raise PermissionDenied(_("此页面仅供企业用户使用。"))
        return view(request, *args, **kwargs)

    return wrapper


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


@method_decorator(rate_limit("login", block=False), name="dispatch")
class LoginView(auth_views.LoginView):
    """Sign-in; too many attempts from one address get the form back (name kept) with status 429."""

    template_name = "accounts/login.html"
    form_class = EmailLoginForm

    def post(self, request, *args, **kwargs):
        if request.retry_after:
            # An unbound form: binding it would check the password, which is exactly what is refused here.
            form = self.get_form_class()(request, initial={"username": request.POST.get("username", "")})
            return too_many_requests(request, self.template_name, self.get_context_data(form=form))
        return super().post(request, *args, **kwargs)


@rate_limit("register", block=False)
def register(request):
    if request.method == "POST" and request.retry_after:
        form = RegistrationForm(initial=request.POST.dict())
        return too_many_requests(request, "accounts/register.html", {"form": form})
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.enterprise_register(
            credit_code=data["credit_code"],
            name=data["name"],
            contact_person=data["contact_person"],
            email=data["email"],
            mobile=data["mobile"],
            password=data["password1"],
            base_url=_base_url(request),
        )
        request.session["registered_email"] = data["email"]
        return redirect("accounts:register_sent")
    return render(request, "accounts/register.html", {"form": form})


def register_sent(request):
    return render(request, "accounts/register_sent.html", {"email": request.session.get("registered_email", "")})


def confirm(request, token: str):
    """Confirm a registration's address: the link works once, only for an account never confirmed or deactivated."""
    user = services.user_from_confirmation_token(token)
    if user is None or not services.user_confirm_registration(user=user):
        return render(request, "accounts/confirm_failed.html", status=400)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("邮箱已确认，欢迎使用。请先完善企业信息，以便匹配可申报的政策。"))
    return redirect("accounts:profile")


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Set a password from a reset or invitation link; following the link also confirms the e-mail address.

    A deactivated account's links are refused, and setting a password never activates an account.
    """

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_mark_email_confirmed(user=form.user)
        return response


@enterprise_required
def profile(request):
    enterprise = request.user.enterprise
    context = {
        "enterprise": enterprise,
        "classification": enterprise.sme_classification(),
        "certifications": enterprise.certifications.all(),
        "latest_version": enterprise.profile_versions.order_by("-number").first(),
    }
    return render(request, "accounts/profile.html", context)


@enterprise_required
def profile_edit(request):
    enterprise = request.user.enterprise
    form = ProfileForm(request.POST or None, instance=enterprise)
    formset = CertificationFormSet(request.POST or None, instance=enterprise, prefix="certifications")
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            with transaction.atomic():
                form.save()
                formset.save()
                version = services.profile_record_version(enterprise=enterprise, user=request.user)
            if version:
                messages.success(request, _("企业信息已保存（第 %(n)s 版）。") % {"n": version.number})
            else:
                messages.info(request, _("没有修改任何信息。"))
            return redirect("accounts:profile")
        messages.error(request, _("有些信息需要修改，请查看标红的字段。您填写的内容都已保留。"))
    return render(request, "accounts/profile_edit.html", {"form": form, "formset": formset})


@enterprise_required
def profile_history(request):
    versions = request.user.enterprise.profile_versions.select_related("created_by").order_by("-number")
    rows = [(v, [services.profile_field_label(name) for name in v.changed_fields]) for v in versions]
    return render(request, "accounts/profile_history.html", {"rows": rows})


@enterprise_required
def team(request):
    enterprise = request.user.enterprise
    is_owner = enterprise.owner_id == request.user.pk
    form = InviteForm(request.POST or None) if is_owner else None
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied(_("只有企业管理员可以邀请同事。"))
        if form.is_valid():
            try:
                services.enterprise_invite_user(
                    enterprise=enterprise,
                    invited_by=request.user,
                    email=form.cleaned_data["email"],
                    name=form.cleaned_data["name"],
                    base_url=_base_url(request),
                )
            except services.InvitationRefused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("邀请已发送至 %(email)s。") % {"email": form.cleaned_data["email"]})
                return redirect("accounts:team")
    users = enterprise.users.order_by("date_joined")
    context = {
        "users": users,
        "form": form,
        "is_owner": is_owner,
        "invitations_left": services.invitations_left_today(request.user) if is_owner else None,
    }
    return render(request, "accounts/team.html", context)


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def _staff_required(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied(_("两步验证仅用于工作人员账号。"))
        return view(request, *args, **kwargs)

    return wrapper


@_staff_required
def otp_setup(request):
    """Register the first authenticator app of a member of staff: show its secret, confirm with a first code.

    Only while the user has no confirmed device; replacing a lost one is an administrator's job (admin, TOTP 设备).
    """
    user = request.user
    next_url = _next_url(request, reverse("admin:index"))
    if staff_has_device(user):
        return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': next_url})}")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("身份验证器"), confirmed=False)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            django_otp.login(request, device)
            messages.success(request, _("两步验证已启用。以后登录时请输入身份验证器上的6位验证码。"))
            return redirect(next_url)
        form.add_error("token", _("验证码不正确或已过期，请输入身份验证器上当前显示的6位数字。"))
    secret = b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": next_url,
        "config_url": device.config_url,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr_svg": segno.make(device.config_url).svg_inline(scale=4),
    }
    return render(request, "accounts/otp_setup.html", context)


@_staff_required
def otp_verify(request):
    """Ask a member of staff for the current code of their authenticator app."""
    user = request.user
    next_url = _next_url(request, reverse("admin:index"))
    if not staff_has_device(user):
        return redirect(f"{reverse('accounts:otp_setup')}?{urlencode({'next': next_url})}")
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(user, form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            return redirect(next_url)
        form.add_error("token", _("验证码不正确或已过期，请输入身份验证器上当前显示的6位数字。"))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})
