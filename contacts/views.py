from django.db.models import Q
from django.shortcuts import get_object_or_404, render
from django_filters.views import FilterView

from applications.ratings.stats import department_satisfaction

from .filters import ContactFilter
from .models import ContactPerson, Department


class DirectoryView(FilterView):
    filterset_class = ContactFilter
    paginate_by = 30
    strict = True
    template_name = "contacts/directory.html"

    def get_queryset(self):
        return ContactPerson.objects.select_related("department__district", "section").order_by(
            "department__district__order", "department__kind", "department__name", "name"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        departments = Department.objects.none()
        if query:
            condition = Q()
            for term in query.split():
                condition &= Q(name__icontains=term) | Q(full_name__icontains=term) | Q(aliases__icontains=term)
            departments = Department.objects.filter(condition).select_related("district")[:20]
        context["matched_departments"] = departments
        params = self.request.GET.copy()
        params.pop("page", None)
        context["querystring"] = params.urlencode()
        return context


def department_detail(request, pk: int):
    department = get_object_or_404(Department.objects.select_related("district"), pk=pk)
    context = {
        "department": department,
        "people": department.people.select_related("section"),
        "led_measures": department.led_measures.select_related("document"),
        "responsible_measures": department.responsible_for_measures.select_related("document"),
        "satisfaction": department_satisfaction(department.pk),
    }
    return render(request, "contacts/department_detail.html", context)
