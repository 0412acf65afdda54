from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from . import services
from .forms import CertificationFormSet, InviteForm, ProfileForm, RegistrationForm


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


def register(request):
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
    user = services.user_from_confirmation_token(token)
    if user is None:
        return render(request, "accounts/confirm_failed.html", status=400)
    services.user_confirm_email(user=user)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    messages.success(request, _("邮箱已确认，欢迎使用。请先完善企业信息，以便匹配可申报的政策。"))
    return redirect("accounts:profile")


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """Set a password from a reset or invitation link; following the link also confirms the e-mail address."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_confirm_email(user=form.user)
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
    return render(request, "accounts/profile_history.html", {"versions": versions})


@enterprise_required
def team(request):
    enterprise = request.user.enterprise
    is_owner = enterprise.owner_id == request.user.pk
    form = InviteForm(request.POST or None) if is_owner else None
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied(_("只有企业管理员可以邀请同事。"))
        if form.is_valid():
            services.enterprise_invite_user(
                enterprise=enterprise,
                invited_by=request.user,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                base_url=_base_url(request),
            )
            messages.success(request, _("邀请已发送至 %(email)s。") % {"email": form.cleaned_data["email"]})
            return redirect("accounts:team")
    users = enterprise.users.order_by("date_joined")
    return render(request, "accounts/team.html", {"users": users, "form": form, "is_owner": is_owner})
