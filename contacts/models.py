import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Department(models.Model):
    """A responsible unit (责任单位): a district bureau, a park's committee, a town or street, a city body."""

    class Kind(models.TextChoices):
        BUREAU = "bureau", _("委办局")
        PARK = "park", _("园区管委会")
        TOWN = "town", _("镇街")
        GOVERNMENT = "government", _("政府机关")
        FINANCE_INSTITUTION = "finance_institution", _("金融机构")
        OTHER = "other", _("其他")

    district = models.ForeignKey(
        "measures.District", verbose_name=_("行政区"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("名称"), max_length=100, help_text=_("政策文件中使用的名称，如“区发展改革委”。"))
    full_name = models.CharField(_("全称"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.BUREAU)
    aliases = models.TextField(_("别称"), blank=True, help_text=_("文件中的其他写法，每行一个。"))

    class Meta:
        ordering = ["district__order", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["district", "name"], name="unique_department_per_district")]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return f"{self.district.name} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("contacts:department", args=[self.pk])

    @property
    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


class Section(models.Model):
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="sections"
    )
    name = models.CharField(_("科室名称"), max_length=100)

    class Meta:
        ordering = ["department", "name"]
        constraints = [models.UniqueConstraint(fields=["department", "name"], name="unique_section_per_department")]
        verbose_name = _("联系科室")
        verbose_name_plural = _("联系科室")

    def __str__(self) -> str:
        return self.name


def phone_digits(*phones: str) -> str:
    """Return the digits of each phone, space separated, so '010-65094387' is found by '65094387'."""
    return " ".join(re.sub(r"\D", "", phone) for phone in phones if phone)


def local_digits(term: str) -> str:
    """Return the digits of a phone as typed, without Beijing's area code, for matching stored numbers."""
    digits = re.sub(r"\D", "", term)
    return digits[3:] if digits.startswith("010") and len(digits) > 10 else digits


class ContactPersonQuerySet(models.QuerySet):
    def search(self, query: str):
        """Return the people matching every term: a name, department, section, topic, e-mail or phone."""
        qs = self
        for term in query.split():
            condition = (
                Q(name__icontains=term)
                | Q(topic__icontains=term)
                | Q(email__icontains=term)
                | Q(section__name__icontains=term)
                | Q(department__name__icontains=term)
                | Q(department__full_name__icontains=term)
                | Q(department__aliases__icontains=term)
            )
            digits = local_digits(term)
            if len(digits) >= 4:
                condition |= Q(phone_digits__contains=digits)
            qs = qs.filter(condition)
        return qs


class ContactPerson(models.Model):
    department = models.ForeignKey(Department, verbose_name=_("部门"), on_delete=models.CASCADE, related_name="people")
    section = models.ForeignKey(
        Section, verbose_name=_("联系科室"), on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    name = models.CharField(_("联系人"), max_length=50)
    office_phone = models.CharField(_("办公电话"), max_length=30, blank=True)
    mobile = models.CharField(_("手机"), max_length=20, blank=True)
    service_phone = models.CharField(_("服务热线"), max_length=20, blank=True)
    other_phones = models.CharField(_("其他电话"), max_length=100, blank=True, help_text=_("多个号码用逗号分隔。"))
    email = models.EmailField(_("电子邮箱"), blank=True)
    topic = models.CharField(_("负责事项"), max_length=300, blank=True)
    phone_digits = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    source_file = models.CharField(_("来源文件"), max_length=100, blank=True)
    source_line_start = models.PositiveIntegerField(_("来源起始行"), null=True, blank=True)
    source_line_end = models.PositiveIntegerField(_("来源结束行"), null=True, blank=True)

    objects = ContactPersonQuerySet.as_manager()

    class Meta:
        ordering = ["department", "name"]
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")

    def __str__(self) -> str:
        return f"{self.name}（{self.department.name}）"

    def save(self, *args, **kwargs):
        self.phone_digits = phone_digits(
            self.office_phone, self.mobile, self.service_phone, *self.other_phones.split(",")
        )
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.section_id and self.department_id and self.section.department_id != self.department_id:
            raise ValidationError(
                {
                    "section": _("联系科室“%(section)s”属于%(owner)s，不属于所选部门%(department)s。")
                    % {
                        "section": self.section.name,
                        "owner": self.section.department.name,
                        "department": self.department.name,
                    }
                }
            )

    @property
    def phones(self) -> list[str]:
        others = [p.strip() for p in self.other_phones.split(",") if p.strip()]
        return [p for p in (self.office_phone, self.mobile, self.service_phone, *others) if p]
