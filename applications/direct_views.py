"""The enterprise's 免申即享 offers: the list of them, one offer with its reasons and amount (confirm there), and the
decline. Only the enterprise's own offers are looked up: another's id is a 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.views import enterprise_required

from .direct.offers import offer_confirm, offer_decline, offers_of
from .models import DirectEntry
from .workflow.declarations import required_declarations


class ConfirmForm(forms.Form):
    """The bank account the award is paid to and the declarations the measure requires (one checkbox each)."""

    bank_name = forms.CharField(label=gettext_lazy("开户银行"), max_length=100)
    bank_account_name = forms.CharField(
        label=gettext_lazy("账户名称"), max_length=200, help_text=gettext_lazy("对公账户，须与企业名称一致。")
    )
    bank_account = forms.CharField(label=gettext_lazy("银行账号"), max_length=40)

    def __init__(self, *args, declarations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.declarations = list(declarations)
        for declaration in self.declarations:
            self.fields[f"declare_{declaration.key}"] = forms.BooleanField(label=declaration.label, required=True)

    def declared(self) -> dict[str, bool]:
        return {d.key: bool(self.cleaned_data.get(f"declare_{d.key}")) for d in self.declarations}


def _offer(request, pk: int) -> DirectEntry:
    entry = offers_of(request.user.enterprise_id).filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


@enterprise_required
def direct_offers(request):
    return render(request, "applications/direct/offers.html", {"offers": offers_of(request.user.enterprise_id)})


@enterprise_required
def direct_offer(request, pk: int):
    entry = _offer(request, pk)
    measure = entry.direct_list.measure
    declarations = required_declarations(measure)
    open_for_answer = entry.state == DirectEntry.State.OFFERED and entry.due_on >= timezone.localdate()
    initial = {"bank_account_name": entry.enterprise.name}
    form = ConfirmForm(request.POST or None, declarations=declarations, initial=initial)
    if request.method == "POST" and open_for_answer and form.is_valid():
        try:
            application = offer_confirm(
                entry_id=entry.pk,
                user=request.user,
                bank_name=form.cleaned_data["bank_name"],
                bank_account_name=form.cleaned_data["bank_account_name"],
                bank_account=form.cleaned_data["bank_account"],
                declarations=form.declared(),
            )
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("已确认，申请 %(reference)s 进入公示。") % {"reference": application.reference})
            return redirect(application.get_absolute_url())
    context = {"entry": entry, "measure": measure, "form": form, "open_for_answer": open_for_answer}
    return render(request, "applications/direct/offer.html", context)


@enterprise_required
@require_POST
def direct_decline(request, pk: int):
    entry = _offer(request, pk)
    try:
        offer_decline(entry_id=entry.pk, user=request.user, reason=request.POST.get("reason", "")[:500])
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("applications:direct_offer", entry.pk)
    messages.info(request, _("已放弃本项免申即享奖励。"))
    return redirect("applications:direct_offers")
