"""The enterprise's pages (its own cases only) and the public announcement (公示) page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.security import rate_limit, too_many_requests
from accounts.views import enterprise_required
from measures.matching import MAX_AGE, library_version
from measures.materials import materials_of
from measures.models import Measure

from .filters import MyApplicationFilter
from .forms import INPUT_PREFIX, ApplicationForm, ObjectionForm
from .letters import LETTER_ACTIONS, frozen_or_fresh_facts, letter_events, letter_filename, render_letter
from .letters.render import letter_title
from .models import Application, Attachment, Ban, Notice, Objection, Recovery, Status
from .models.ratings import RatingStage
from .publicity import events as publicity_events
from .publicity import listing
from .publicity.lodging import objection_lodge
from .ratings.services import DECIDED_STATUSES, may_rate
from .review import events as review_events
from .workflow import TransitionError, apply_transition, available_transitions, services
from .workflow.estimates import estimate, parse_inputs
from .workflow.permissions import applications_visible_to
from .workflow.progress import case_progress


def _own(request, pk: int) -> Application:
    """Return one of the user's enterprise's cases; any other id is a 404, never a 403, so ids reveal nothing."""
    queryset = Application.objects.filter(enterprise_id=request.user.enterprise_id).select_related(
        "measure__document__district", "enterprise"
    )
    return get_object_or_404(queryset, pk=pk)


@enterprise_required
def application_list(request):
    applications = Application.objects.filter(enterprise_id=request.user.enterprise_id).select_related(
        "measure__document"
    )
    filterset = MyApplicationFilter(request.GET or None, queryset=applications)
    page = Paginator(filterset.qs.order_by("-created_at"), 20).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    measures = (
        Measure.objects.in_force()
        .filter(monetary=True)
        .select_related("document__district")
        .order_by("document__district__order", "document_id", "order")
    )
    context = {
        "filter": filterset,
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
        "querystring": params.urlencode(),
        "measures": measures,  # read only when the cached list of measures is missing
        "library_version": library_version(),
        "today": timezone.localdate().isoformat(),
        "measures_max_age": MAX_AGE,
    }
    return render(request, "applications/list.html", context)


@enterprise_required
def application_start(request, measure_id: int):
    measure = get_object_or_404(Measure.objects.select_related("document__district"), pk=measure_id)
    if not measure.monetary:
        messages.error(request, _("该措施不涉及资金申报，请按条款所述的方式办理。"))
        return redirect(measure.get_absolute_url())
    ban = active_ban(request.user.enterprise_id, measure.document.district_id)
    if ban is not None:
        # A banned enterprise cannot even start: the page says why, until when, and on which clause.
        return render(request, "applications/start.html", {"measure": measure, "ban": ban}, status=403)
    if request.method == "POST":
        application, created = services.application_start(
            enterprise=request.user.enterprise, measure=measure, user=request.user
        )
        if not created:
            messages.info(request, _("贵企业已有本措施的申请 %(reference)s。") % {"reference": application.reference})
            return redirect(application.get_absolute_url())
        return redirect("applications:edit", application.pk)
    return render(request, "applications/start.html", {"measure": measure})


def _typed_date(form, name: str):
    """Return the date typed into a form's field if it is a valid date, else None (the form reports the error)."""
    if name not in form.fields:
        return None
    try:
        return form.fields[name].clean(form.data.get(name))
    except ValidationError:
        return None


def _upload_files(request, application: Application, form: ApplicationForm) -> bool:
    """Store each uploaded file, under the material it was handed in as; report refused ones by name. Return
    whether all were accepted."""
    accepted = True
    for material, uploads in form.material_uploads():
        for upload in uploads:
            try:
                services.attachment_add(application=application, user=request.user, upload=upload, material=material)
            except ValidationError as error:
                accepted = False
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("已上传附件“%(name)s”。") % {"name": upload.name})
    return accepted


def _with_material_names(application: Application) -> list[Attachment]:
    """Return the case's files, each with the name of the material it was handed in as (`material_name`)."""
    names = {m.key: m.name for m in materials_of(application.measure)}
    attachments = list(application.attachments.filter(removed_at__isnull=True))
    for attachment in attachments:
        attachment.material_name = names.get(attachment.material, "")
    return attachments


@enterprise_required
def application_edit(request, pk: int):
    application = _own(request, pk)
    if not application.is_editable:
        messages.info(request, _("该申请已提交，不能修改。"))
        return redirect(application.get_absolute_url())
    wants_review = request.POST.get("intent") == "review"
    form = ApplicationForm(request.POST or None, request.FILES or None, application=application, strict=wants_review)
    if request.method == "POST":
        services.application_save_draft(
            application=application,
            user=request.user,
            inputs=form.raw_inputs(),
            declarations=form.raw_declarations(),
            event_date=_typed_date(form, "event_date"),
        )
        uploads_ok = _upload_files(request, application, form)
        if form.is_valid() and uploads_ok:
            if wants_review:
                return redirect("applications:confirm", application.pk)
            messages.success(request, _("草稿已保存，可随时回来继续填写。"))
            return redirect("applications:edit", application.pk)
        if not form.is_valid():
            messages.error(request, _("有些信息需要修改，请查看标红的字段。您填写的内容都已保留。"))
    context = {
        "application": application,
        "measure": application.measure,
        "form": form,
        "attachments": _with_material_names(application),
    }
    return render(request, "applications/edit.html", context)


@enterprise_required
@rate_limit("submission", key="user_or_ip")
def application_confirm(request, pk: int):
    application = _own(request, pk)
    if not application.is_editable:
        return redirect(application.get_absolute_url())
    problems: list[str] = []
    if request.method == "POST":
        try:
            services.application_submit(
                application_id=application.pk, user=request.user, reply=request.POST.get("reply", "")
            )
        except TransitionError as error:
            problems = error.problems or [error.message]
            messages.error(request, error.message)
        else:
            messages.success(request, _("申请已提交，审核进展将通过邮件通知您。"))
            return redirect(application.get_absolute_url())
    _values, errors = parse_inputs(application.measure, application.inputs)
    if errors:
        messages.error(request, _("申报数据还不完整，请先补充。"))
        return redirect("applications:edit", application.pk)
    form = ApplicationForm(application=application)
    context = {
        "application": application,
        "measure": application.measure,
        "estimate": estimate(
            application.measure, application.inputs, enterprise=application.enterprise, exclude_pk=application.pk
        ),
        "inputs": [(form[f"input_{spec.name}"].label, application.inputs.get(spec.name, "")) for spec in form.specs],
        "declarations": form.declarations,
        "attachments": _with_material_names(application),
        "problems": problems,
        "reply": request.POST.get("reply", ""),
    }
    return render(request, "applications/confirm.html", context)


def _timeline(application: Application) -> list:
    """Return the events the enterprise may read. Before objections were triaged, an objection's event carried the
    objector's name and phone in its comment: the enterprise reads the decision instead (the event stays as kept)."""
    internal = review_events.INTERNAL_ACTIONS | publicity_events.INTERNAL_ACTIONS
    events = list(application.events.exclude(action__in=internal).select_related("actor"))
    for event in events:
        if event.action == "object":
            event.comment = _("公示期间收到的异议经主管部门核实成立，申请退回重新审核。")
    return events


def _answers(application: Application) -> tuple[list[tuple[str, str]], list[tuple[str, bool]]]:
    """Return the inputs as the enterprise typed them, with their labels, and the declarations it confirmed."""
    form = ApplicationForm(application=application)
    inputs = [(form[f"{INPUT_PREFIX}{spec.name}"].label, application.inputs.get(spec.name, "")) for spec in form.specs]
    declarations = [(d.label, bool(application.declarations.get(d.key))) for d in form.declarations]
    return inputs, declarations


def _case_contacts(measure: Measure) -> tuple[list, list]:
    """Return the measure's lead departments and the contact people who answer for the case: those of the lead
    departments the document lists, else every contact it lists."""
    leads = list(measure.lead_departments.all())
    people = list(measure.contacts.select_related("department", "section"))
    lead_ids = {department.pk for department in leads}
    return leads, [p for p in people if p.department_id in lead_ids] or people


@enterprise_required
def application_detail(request, pk: int):
    application = _own(request, pk)
    events = list(application.events.order_by("sequence"))
    inputs, declarations = _answers(application)
    leads, contacts = _case_contacts(application.measure)
    letters = [(event, letter_title({"kind": LETTER_ACTIONS[event.action]})) for event in letter_events(application)]
    context = {
        "progress": case_progress(application, events),
        "inputs": inputs,
        "declarations": declarations,
        "lead_departments": leads,
        "contacts": contacts,
        "letters": letters,
        "application": application,
        "measure": application.measure,
        # The reviewers' own records (materials ticked, criteria, assignment, each objection) stay in the staff's
        # audit trail.
        "events": _timeline(application),
        # That an objection is being examined, and nothing else of it (个人信息保护法).
        "objection_pending": application.status == Status.PUBLICITY
        and Objection.objects.of_current_publicity(application).pending().exists(),
        "payments": application.payments.all(),
        "attachments": _with_material_names(application),
        "can_withdraw": any(t.action == "withdraw" for t in available_transitions(request.user, application)),
        "notices": application.notices.for_enterprise().order_by("-created_at"),
        "ban": active_ban(application.enterprise_id, application.district_id),
        "recovery": application.recoveries.first(),
        **_rating_state(application),
    }
    return render(request, "applications/detail.html", context)


def _rating_state(application: Application) -> dict:
    """Return whether the enterprise may rate the case now (the decision, or the department's answer to its 差评) and
    the ratings it gave: the page offers 评价服务 only when a rating can be recorded."""
    if application.status not in DECIDED_STATUSES:
        return {"may_rate": False, "ratings": []}
    ratings = application.ratings.select_related("rectification").order_by("created_at")
    return {
        "may_rate": may_rate(application, RatingStage.DECISION) or may_rate(application, RatingStage.RESPONSE),
        "ratings": list(ratings),
    }


def active_ban(enterprise_id: int, district_id: int) -> Ban | None:
    return (
        Ban.objects.active()
        .filter(enterprise_id=enterprise_id, district_id=district_id)
        .select_related("district")
        .order_by("-ends_on")
        .first()
    )


@enterprise_required
def sanctions(request):
    """The enterprise's bans and recoveries, with their decisions, clauses, repayments and reminders."""
    enterprise_id = request.user.enterprise_id
    context = {
        "bans": Ban.objects.filter(enterprise_id=enterprise_id).select_related("district", "finding__application"),
        "recoveries": Recovery.objects.filter(enterprise_id=enterprise_id)
        .select_related("application__measure__document", "finding", "district")
        .prefetch_related("repayments"),
        "reminders": Notice.objects.filter(enterprise_id=enterprise_id, audience=Notice.Audience.ENTERPRISE)
        .filter(
            Q(kind__in=["sanction", "recovery_due_7", "recovery_due_1", "recovery_overdue", "ban_ended", "ban_changed"])
            | Q(event__action="repayment")
        )
        .order_by("-created_at")[:50],
        "today": timezone.localdate(),
    }
    return render(request, "applications/sanctions.html", context)


@enterprise_required
def application_withdraw(request, pk: int):
    application = _own(request, pk)
    if request.method == "POST":
        try:
            apply_transition(
                application_id=application.pk,
                action="withdraw",
                actor=request.user,
                comment=request.POST.get("comment", "")[:500],
            )
        except TransitionError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("申请已撤回。"))
        return redirect(application.get_absolute_url())
    return render(request, "applications/withdraw.html", {"application": application})


def attachment_download(request, pk: int, attachment_id: int):
    """Serve a file to those who may see its case; anyone else gets a 404."""
    application = get_object_or_404(applications_visible_to(request.user), pk=pk)
    attachment = get_object_or_404(Attachment, pk=attachment_id, application=application)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.download_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def letter_download(request, pk: int, event_id: int):
    """Serve a decision's letter (PDF) to those who may see its case; anyone else gets a 404."""
    application = get_object_or_404(applications_visible_to(request.user), pk=pk)
    event = get_object_or_404(letter_events(application), pk=event_id)
    facts = frozen_or_fresh_facts(event)
    response = HttpResponse(render_letter(facts), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, letter_filename(facts))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@enterprise_required
@require_POST
def attachment_remove(request, pk: int, attachment_id: int):
    application = _own(request, pk)
    attachment = get_object_or_404(application.attachments, pk=attachment_id, removed_at__isnull=True)
    try:
        services.attachment_remove(attachment=attachment, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已移除附件“%(name)s”。") % {"name": attachment.original_name})
    return redirect("applications:edit", application.pk)


def publicity_list(request):
    """The cases under announcement, by district, with their period and whom to ask (publicity.listing)."""
    districts = list(listing.districts_with_measures())
    district = next((d for d in districts if d.slug == request.GET.get("district")), None)
    page = Paginator(listing.announced(district=district), 20).get_page(request.GET.get("page"))
    for application in page:
        application.enquiries = listing.enquiries(application.measure)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page_obj": page,
        "paginator": page.paginator,
        "is_paginated": page.has_other_pages(),
        "querystring": params.urlencode(),
        "districts": districts,
        "district": district,
    }
    return render(request, "applications/publicity_list.html", context)


@rate_limit("objection", block=False)
def publicity_objection(request, reference: str):
    """A real-name objection to a case in 公示; what is typed goes to the reviewers only (applications.publicity)."""
    application = get_object_or_404(
        Application.objects.filter(status=Status.PUBLICITY).select_related("enterprise", "measure__document"),
        reference=reference,
    )
    if request.retry_after:  # too many objections from this address: the form again, with what was typed
        form = ObjectionForm(initial=request.POST.dict())
        context = {"application": application, "form": form}
        return too_many_requests(request, "applications/publicity_objection.html", context)
    form = ObjectionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "pledge"}
        try:
            objection_lodge(application_id=application.pk, **data)
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "您的异议已收到，主管部门将调查核实，核实结果将发送到您的电子邮箱。您的姓名和联系方式不会告知申请企业。"
                ),
            )
            return redirect("applications:publicity")
    return render(request, "applications/publicity_objection.html", {"application": application, "form": form})
