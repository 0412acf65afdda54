"""The admin pages of django-axes (sign-in lockouts) and django-otp (staff authenticators), in Chinese.

These are the pages README and the lockout page send administrators to: unlocking a person (登录失败记录) and
removing a lost authenticator (两步验证设备). The packages ship no Chinese and leave most of their labels outside
gettext, so their admin classes are registered again here with the project's own Chinese labels. Model and app
names are set at run time: the migrations read a model's names from its Meta as declared, so this changes no
migration of the packages.
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.conf import settings as axes_settings
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_otp.conf import settings as otp_settings
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

NAMES = {
    AccessAttempt: (_("登录失败记录"), _("登录失败记录")),
    AccessLog: (_("登录日志"), _("登录日志")),
    AccessFailureLog: (_("登录失败日志"), _("登录失败日志")),
    TOTPDevice: (_("两步验证设备"), _("两步验证设备")),
}
for _model, (_singular, _plural) in NAMES.items():
    _model._meta.verbose_name, _model._meta.verbose_name_plural = _singular, _plural
apps.get_app_config("axes").verbose_name = _("登录锁定")
apps.get_app_config("otp_totp").verbose_name = _("两步验证")


def _when(record) -> str:
    return date_format(timezone.localtime(record.attempt_time), "DATETIME_FORMAT") if record.attempt_time else ""


# What a record is called on its own page, in the delete confirmation and in the admin's history (axes names them
# in English, outside gettext).
def _attempt_str(record) -> str:
    return _("%(username)s 的登录失败记录（%(time)s）") % {"username": record.username or "-", "time": _when(record)}


def _log_str(record) -> str:
    return _("%(username)s 的登录日志（%(time)s）") % {"username": record.username or "-", "time": _when(record)}


def _failure_str(record) -> str:
    values = {"username": record.username or "-", "time": _when(record), "address": record.ip_address or "-"}
    return _("%(username)s 的登录失败日志（%(time)s，%(address)s）") % values


AccessAttempt.__str__ = _attempt_str
AccessLog.__str__ = _log_str
AccessFailureLog.__str__ = _failure_str


def column(name: str, label, *, boolean: bool = False, sortable: bool = True):
    """Return an admin column (or read-only field) showing a model field under a Chinese label."""

    def show(modeladmin, obj):
        return getattr(obj, name)

    return admin.display(description=label, boolean=boolean, ordering=name if sortable else None)(show)


def titled(filter_class, title):
    """Return a list filter of Django's with a Chinese title (Django takes the field's English name)."""

    class Titled(filter_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.title = title

    return Titled


class LockedOutFilter(admin.SimpleListFilter):
    title = _("是否已锁定")
    parameter_name = "locked_out"

    def lookups(self, request, model_admin):
        return [("yes", _("已锁定")), ("no", _("未锁定"))]

    def queryset(self, request, queryset):
        limit = axes_settings.AXES_FAILURE_LIMIT
        if self.value() == "yes":
            return queryset.filter(failures_since_start__gte=limit)
        if self.value() == "no":
            return queryset.filter(failures_since_start__lt=limit)
        return queryset


class AccessColumns:
    """The columns the three axes models share."""

    attempted = column("attempt_time", _("尝试时间"))
    address = column("ip_address", _("IP 地址"))
    agent = column("user_agent", _("浏览器标识"))
    login_name = column("username", _("用户名"))
    path = column("path_info", _("登录页面"))
    accept = column("http_accept", _("HTTP Accept 请求头"))
    search_help_text = _("按 IP 地址、用户名、浏览器标识或登录页面搜索")


class ChineseAccessAttemptAdmin(AccessColumns, AccessAttemptAdmin):
    """Who is locked out: delete a row to unlock that person at once (README, "Failed sign-ins")."""

    list_display = ["attempted", "address", "agent", "login_name", "path", "failures", "state"]
    list_filter = [
        ("attempt_time", titled(admin.DateFieldListFilter, _("尝试时间"))),
        ("path_info", titled(admin.AllValuesFieldListFilter, _("登录页面"))),
        LockedOutFilter,
    ]
    fieldsets = [
        (None, {"fields": ["login_name", "path", "failures", "attempted"]}),
        (_("提交的数据"), {"fields": ["get", "post"]}),
        (_("客户端"), {"fields": ["agent", "address", "accept"]}),
    ]
    readonly_fields = ["login_name", "path", "failures", "attempted", "get", "post", "agent", "address", "accept"]
    failures = column("failures_since_start", _("连续失败次数"))
    get = column("get_data", _("GET 数据"), sortable=False)
    post = column("post_data", _("POST 数据"), sortable=False)

    @admin.display(description=_("状态"))
    def state(self, obj):
        remaining = axes_settings.AXES_FAILURE_LIMIT - obj.failures_since_start
        return _("还可尝试 %(n)s 次") % {"n": remaining} if remaining > 0 else _("已锁定")

    @admin.action(description=_("清理已过冷却期的记录"))
    def cleanup_expired_attempts(self, request, queryset):
        count = self.handler.clean_expired_user_attempts(request=request)
        self.message_user(request, _("已清理 %(count)s 条过期记录。") % {"count": count})


class ChineseAccessLogAdmin(AccessColumns, AccessLogAdmin):
    list_display = ["attempted", "logged_out", "address", "login_name", "agent", "path"]
    list_filter = [
        ("attempt_time", titled(admin.DateFieldListFilter, _("尝试时间"))),
        ("logout_time", titled(admin.DateFieldListFilter, _("退出时间"))),
        ("path_info", titled(admin.AllValuesFieldListFilter, _("登录页面"))),
    ]
    fieldsets = [
        (None, {"fields": ["login_name", "path", "attempted", "logged_out"]}),
        (_("客户端"), {"fields": ["agent", "address", "accept"]}),
    ]
    readonly_fields = ["login_name", "path", "attempted", "logged_out", "agent", "address", "accept"]
    logged_out = column("logout_time", _("退出时间"))


class ChineseAccessFailureLogAdmin(AccessColumns, AccessFailureLogAdmin):
    list_display = ["attempted", "address", "login_name", "agent", "path", "locked"]
    list_filter = [
        ("attempt_time", titled(admin.DateFieldListFilter, _("尝试时间"))),
        ("locked_out", titled(admin.BooleanFieldListFilter, _("是否导致锁定"))),
        ("path_info", titled(admin.AllValuesFieldListFilter, _("登录页面"))),
    ]
    fieldsets = [
        (None, {"fields": ["login_name", "path", "attempted", "locked"]}),
        (_("客户端"), {"fields": ["agent", "address", "accept"]}),
    ]
    readonly_fields = ["login_name", "path", "attempted", "locked", "agent", "address", "accept"]
    locked = column("locked_out", _("导致锁定"), boolean=True)


class ChineseTOTPDeviceAdmin(TOTPDeviceAdmin):
    """Staff authenticators: delete a lost one, and its owner sets up a new one at the next sign-in (README)."""

    labels = {
        "user": _("用户"),
        "name": _("名称"),
        "confirmed": _("已启用"),
        "key": _("密钥"),
        "step": _("时间步长（秒）"),
        "t0": _("起始时间"),
        "digits": _("验证码位数"),
        "tolerance": _("允许偏差（步）"),
        "drift": _("时钟偏移（步）"),
        "throttling_failure_timestamp": _("最近一次验证失败时间"),
        "throttling_failure_count": _("连续验证失败次数"),
    }
    help_texts = {
        "user": _("该设备所属的工作人员。"),
        "name": _("便于识别的设备名称。"),
        "confirmed": _("首次输入正确验证码后启用。"),
        "key": _("十六进制密钥，最长 40 字节。"),
        "step": _("每个验证码的有效时长。"),
        "t0": _("开始计算时间步的 Unix 时间。"),
        "digits": _("验证码的位数。"),
        "tolerance": _("接受前后多少个时间步的验证码。"),
        "drift": _("该设备时钟与服务器相差的时间步数。"),
        "throttling_failure_timestamp": _("最近一次验证失败的时间；上次验证成功则为空。"),
        "throttling_failure_count": _("连续验证失败的次数，失败越多，须等待越久才能再试。"),
    }
    owner = column("user", _("用户"))
    device_name = column("name", _("名称"))
    created = column("created_at", _("创建时间"))
    last_used = column("last_used_at", _("最近使用时间"))
    enabled = column("confirmed", _("已启用"), boolean=True)
    readonly_fields = ["created", "last_used", "qrcode_link"]
    search_help_text = _("按用户名或电子邮箱搜索")
    list_filter = [
        ("created_at", titled(admin.DateFieldListFilter, _("创建时间"))),
        ("last_used_at", titled(admin.DateFieldListFilter, _("最近使用时间"))),
        ("confirmed", titled(admin.BooleanFieldListFilter, _("已启用"))),
    ]

    def get_list_display(self, request):
        columns = ["owner", "device_name", "created", "last_used", "enabled"]
        return columns if otp_settings.OTP_ADMIN_HIDE_SENSITIVE_DATA else [*columns, "qrcode_link"]

    def get_fieldsets(self, request, obj=None):
        titles = {
            "Identity": _("设备"),
            "Timestamps": _("时间"),
            "Configuration": _("参数"),
            "State": _("状态"),
            "Throttling": _("失败限制"),
        }
        renamed = {"created_at": "created", "last_used_at": "last_used"}
        return [
            (titles.get(title, title), {**options, "fields": [renamed.get(f, f) for f in options["fields"]]})
            for title, options in super().get_fieldsets(request, obj)
        ]

    def get_form(self, request, obj=None, **kwargs):
        kwargs.setdefault("labels", {name: capfirst(label) for name, label in self.labels.items()})
        kwargs.setdefault("help_texts", self.help_texts)
        return super().get_form(request, obj, **kwargs)

    @admin.display(description=_("二维码"))
    def qrcode_link(self, device):
        href = reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": device.pk})
        return format_html('<a href="{}">{}</a>', href, _("查看二维码"))

    def config_view(self, request, pk):
        """The device's QR code and otpauth address, on a Chinese page without the package's inline script."""
        if otp_settings.OTP_ADMIN_HIDE_SENSITIVE_DATA:
            raise PermissionDenied
        device = TOTPDevice.objects.get(pk=pk)
        if not self.has_view_or_change_permission(request, device):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "device": device, "title": _("两步验证设备的二维码")}
        return TemplateResponse(request, "admin/otp_totp/totpdevice/config.html", context)


for _model, _admin_class in [
    (AccessAttempt, ChineseAccessAttemptAdmin),
    (AccessLog, ChineseAccessLogAdmin),
    (AccessFailureLog, ChineseAccessFailureLogAdmin),
    (TOTPDevice, ChineseTOTPDeviceAdmin),
]:
    if admin.site.is_registered(_model):  # axes registers its pages only with AXES_ENABLE_ADMIN
        admin.site.unregister(_model)
        admin.site.register(_model, _admin_class)
