"""The admin page "Record a plan adopted outside the portal" (commitments.plan_record): a small
form of real past dates, on a plan's change page, for coordinators of the plan's council."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy as _

from consultations.models import ActionPlan

from .. import plan_record

Stage = ActionPlan.Stage


class PlanRecordForm(forms.Form):
    to_stage = forms.ChoiceField(
        label=_("Stage the plan has reached"),
        choices=[(stage, Stage(stage).label) for stage in plan_record.TARGETS],
        help_text=_(
            "Record up to the implementation first when the plan is over: enter its "
            "commitments and their progress, then record its closure."
        ),
    )
    consultation_opens_on = forms.DateField(
        label=capfirst(_("consultation opened on")),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave both consultation dates empty if none was held online."),
    )
    consultation_closes_on = forms.DateField(
        label=capfirst(_("consultation closed on")),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    adopted_on = forms.DateField(
        label=capfirst(_("adopted on")),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    implementation_started_on = forms.DateField(
        label=capfirst(_("implementation started on")),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    closed_on = forms.DateField(
        label=capfirst(_("closed on")),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Only when the plan's period is over."),
    )


def plan_record_view(request: HttpRequest, object_id: str, *, model_admin) -> HttpResponse:
    """GET: the form; POST: record the stages (plan_record.plan_record_stages). Only users who
    may move plans between stages (coordinators) and change this plan; a plan of another
    council is not found."""
    if not request.user.has_perm("consultations.change_plan_stage"):
        raise PermissionDenied
    plan = model_admin.get_object(request, object_id)
    if plan is None:
        raise Http404
    if not model_admin.has_change_permission(request, plan):
        raise PermissionDenied
    change_url = reverse("admin:consultations_actionplan_change", args=[plan.pk])
    if request.method == "POST":
        form = PlanRecordForm(request.POST)
        if form.is_valid():
            try:
                plan_record.plan_record_stages(plan=plan, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    form.add_error(None, error)
                else:
                    for message in error.messages:
                        form.add_error(None, message)
            else:
                plan.refresh_from_db()
                messages.success(
                    request,
                    gettext("“%(plan)s” is recorded as “%(stage)s”.")
                    % {"plan": plan, "stage": plan.get_stage_display()},
                )
                return HttpResponseRedirect(change_url)
    else:
        initial = {}
        if plan.stage == Stage.PREPARATION:
            initial["to_stage"] = Stage.ADOPTED
        elif plan.stage in (Stage.CONSULTATION, Stage.ADOPTED):
            initial["to_stage"] = Stage.IMPLEMENTATION
        else:
            initial["to_stage"] = Stage.CLOSED
        form = PlanRecordForm(initial=initial)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Record a plan adopted outside the portal"),
        "opts": model_admin.model._meta,
        "original": plan,
        "change_url": change_url,
        "form": form,
    }
    return render(request, "admin/consultations/actionplan/record.html", context)
