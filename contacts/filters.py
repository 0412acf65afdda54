import django_filters
from django.utils.translation import gettext_lazy as _

from measures.models import District

from .models import ContactPerson, Department


class ContactFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("搜索"),
        method="filter_search",
        max_length=100,
    )
    district = django_filters.ModelChoiceFilter(
        label=_("行政区"),
        queryset=District.objects.filter(departments__isnull=False).distinct(),
        to_field_name="slug",
        field_name="department__district",
    )
    kind = django_filters.ChoiceFilter(
        label=_("部门类型"), choices=Department.Kind.choices, field_name="department__kind"
    )

    class Meta:
        model = ContactPerson
        fields = ["q", "district", "kind"]

    def filter_search(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset
