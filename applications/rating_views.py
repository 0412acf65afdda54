"""The enterprise's 好差评 page of a decided case: rate the decision, and later the answer to a 差评."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.views import enterprise_required

from .models import Application, Rectification
from .models.ratings import RatingLevel, RatingStage
from .ratings.services import may_rate, rate_service


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=gettext_lazy("评价"), choices=RatingLevel.choices, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("评价内容（选填）"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


def _stage(application: Application) -> str | None:
    """Return the stage the enterprise may rate now, if any."""
    for stage in (RatingStage.DECISION, RatingStage.RESPONSE):
        if may_rate(application, stage):
            return stage
    return None


@enterprise_required
def application_rate(request, pk: int):
    """Rate the service of one of the enterprise's decided cases; any other case is a 404."""
    queryset = Application.objects.filter(enterprise_id=request.user.enterprise_id).select_related("measure")
    application = get_object_or_404(queryset, pk=pk)
    stage = _stage(application)
    if stage is None:
        messages.info(request, _("该申请暂不能评价：办结后可评价一次，差评整改答复后可再评价答复。"))
        return redirect(application.get_absolute_url())
    form = RatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rate_service(
                application=application,
                user=request.user,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
                stage=stage,
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("感谢您的评价。"))
        return redirect(application.get_absolute_url())
    rectification = Rectification.objects.filter(rating__application=application).first()
    context = {"application": application, "form": form, "stage": stage, "rectification": rectification}
    return render(request, "applications/rate.html", context)
