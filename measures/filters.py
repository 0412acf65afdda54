import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from contacts.models import Department

from .models import BeneficiaryType, District, Measure, PolicyDocument


class MeasureFilter(django_filters.FilterSet):
    """The policy library's filters. Every value is checked; an unknown one empties the list with a message."""

    IN_FORCE_CHOICES = [("yes", _("现行有效")), ("no", _("已失效、废止或征求意见稿"))]

    q = django_filters.CharFilter(label=_("关键词"), method="filter_search", max_length=100)
    district = django_filters.ModelChoiceFilter(
        label=_("行政区"), queryset=District.objects.all(), to_field_name="slug", field_name="document__district"
    )
    document = django_filters.ModelChoiceFilter(label=_("政策文件"), queryset=PolicyDocument.objects.all())
    lead_department = django_filters.ModelChoiceFilter(
        label=_("牵头部门"), queryset=Department.objects.select_related("district"), field_name="lead_departments"
    )
    beneficiary = django_filters.ModelChoiceFilter(
        label=_("支持对象"),
        queryset=BeneficiaryType.objects.all(),
        to_field_name="code",
        field_name="beneficiary_types",
    )
    in_force = django_filters.ChoiceFilter(label=_("有效性"), choices=IN_FORCE_CHOICES, method="filter_in_force")
    monetary = django_filters.BooleanFilter(
        label=_("仅看资金类措施"), widget=forms.CheckboxInput, method="filter_monetary"
    )

    class Meta:
        model = Measure
        fields = ["q", "district", "document", "lead_department", "beneficiary", "in_force", "monetary"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def filter_in_force(self, queryset, name, value):
        return queryset.in_force() if value == "yes" else queryset.not_in_force()

    def filter_monetary(self, queryset, name, value):
        return queryset.filter(monetary=True) if value else queryset
