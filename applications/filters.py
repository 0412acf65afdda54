import django_filters
from django.utils.translation import gettext_lazy as _

from .models import Application, Status


class MyApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices, empty_label=_("全部状态"))

    class Meta:
        model = Application
        fields = ["status"]
