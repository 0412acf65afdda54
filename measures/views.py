from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django_filters.views import FilterView

from applications.workflow.awards import estimate_for
from contacts.models import ContactPerson

from . import rules
from .estimation import estimate_form_class, has_rule, raw_from_form
from .filters import MeasureFilter
from .models import District, Measure, PolicyDocument, normalize_number
from .policydata import SOURCES_DIR


def home(request):
    districts = District.objects.annotate(
        document_count=Count("documents", distinct=True), measure_count=Count("documents__measures", distinct=True)
    ).filter(document_count__gt=0)
    context = {
        "districts": districts,
        "document_count": PolicyDocument.objects.count(),
        "measure_count": Measure.objects.count(),
        "monetary_count": Measure.objects.filter(monetary=True).count(),
        "recent_documents": PolicyDocument.objects.annotate(n=Count("measures"))
        .filter(n__gt=0)
        .select_related("district")
        .order_by("-issued_on")[:6],
    }
    return render(request, "measures/home.html", context)


class MeasureListView(FilterView):
    filterset_class = MeasureFilter
    paginate_by = 20
    strict = True
    template_name = "measures/library.html"

    def get_queryset(self):
        return (
            Measure.objects.select_related("document__district")
            .prefetch_related("lead_departments", "beneficiary_types")
            .order_by("document__district__order", "-document__issued_on", "document_id", "order")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.get("q", "").strip()
        context["query"] = query
        context["matched_documents"] = _documents_matching(query) if query else []
        district = self.filterset.form.cleaned_data.get("district") if self.filterset.is_valid() else None
        context["district_documents"] = district.documents.count() if district else 0
        params = self.request.GET.copy()
        params.pop("page", None)
        context["querystring"] = params.urlencode()
        return context


def _documents_matching(query: str):
    condition = Q()
    for term in query.split():
        condition &= Q(number_normalized__icontains=normalize_number(term)) | Q(title__icontains=term)
    return PolicyDocument.objects.filter(condition).select_related("district").annotate(n=Count("measures"))[:10]


def document_list(request):
    """List the documents of the library, of one district with ?district=<slug>, with the measures of each.

    Some documents are listed by title only (the 38 city-level ones, for instance): they have no measures, so the
    library's measure list never shows them, and this list is where a visitor finds them.
    """
    districts = District.objects.annotate(document_count=Count("documents")).filter(document_count__gt=0)
    district = None
    slug = request.GET.get("district", "")
    if slug:
        district = next((d for d in districts if d.slug == slug), None)
        if district is None:
            raise Http404
    documents = PolicyDocument.objects.select_related("district").annotate(n=Count("measures"))
    if district is not None:
        documents = documents.filter(district=district)
    context = {"districts": districts, "district": district, "documents": documents}
    return render(request, "measures/document_list.html", context)


def document_detail(request, pk: int):
    document = get_object_or_404(PolicyDocument.objects.select_related("district"), pk=pk)
    measures = document.measures.prefetch_related("lead_departments", "beneficiary_types")
    context = {
        "document": document,
        "measures": measures,
        "implements": document.implements.all(),
        "implemented_by": document.implemented_by.all(),
    }
    return render(request, "measures/document_detail.html", context)


def measure_detail(request, pk: int):
    measure = get_object_or_404(
        Measure.objects.select_related("document__district").prefetch_related(
            "lead_departments",
            "responsible_units",
            "beneficiary_types",
            Prefetch("contacts", queryset=ContactPerson.objects.select_related("department", "section")),
        ),
        pk=pk,
    )
    context = {"measure": measure, "conditions": measure.conditions.all()}
    if has_rule(measure):
        context["ruleset"] = measure.ruleset
        context.update(_estimator(request, measure))
    return render(request, "measures/measure_detail.html", context)


def _estimator(request, measure: Measure) -> dict:
    """Return the estimate form for the measure's rule and, when it was submitted, the estimate or the errors."""
    form_class = estimate_form_class(measure)
    submitted = request.GET.get("estimate") == "1"
    form = form_class(request.GET if submitted else None)
    context = {"estimate_form": form, "estimate": None}
    user = request.user
    enterprise = user.enterprise if user.is_authenticated and user.is_enterprise_user else None
    context["estimate_enterprise"] = enterprise
    if submitted and form.is_valid():
        try:
            context["estimate"] = estimate_for(measure, raw_from_form(form), enterprise=enterprise)
        except rules.RuleInputError as error:
            for name, message in error.errors.items():
                form.add_error(name if name in form.fields else None, message)
    return context


def source_text(request, name: str):
    """Show a source document with numbered lines; only the files shipped in measures/sources/ are served."""
    sources = {path.name: path for path in SOURCES_DIR.glob("*.txt")}
    if name not in sources:
        raise Http404
    lines = sources[name].read_text(encoding="utf-8").splitlines()
    try:
        first = int(request.GET.get("from", 0))
        last = int(request.GET.get("to", first))
    except ValueError:
        first = last = 0
    documents = PolicyDocument.objects.filter(source_file=name).order_by("source_line_start")
    context = {
        "name": name,
        "lines": [(number, line, first <= number <= last) for number, line in enumerate(lines, start=1)],
        "documents": documents,
        "first": first,
    }
    return render(request, "measures/source.html", context)
