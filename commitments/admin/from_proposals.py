"""Admin pages of the coordinator's workflow that are not plain model forms."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from consultations.models import ActionPlan, Proposal
from opengov.params import ascii_int
from opengov.scoping import scope_queryset

from .. import services
from ..forms import CommitmentFromProposalsForm
from ..models import Commitment
from ..selectors import commitment_prefill_from_proposals


def _selected_ids(raw: str) -> list[int]:
    ids = [ascii_int(part.strip()) for part in raw.split(",")]
    return [pk for pk in ids if pk is not None]


def commitment_from_proposals_view(request: HttpRequest, *, model_admin) -> HttpResponse:
    """Turn the proposals named in ?proposals=1,2,3 into a new commitment, or attach them to an
    existing one. Only coordinators (answer_proposal and add_commitment) may; proposals of other
    councils are not found."""
    user = request.user
    if not (
        user.has_perm("consultations.answer_proposal")
        and user.has_perm("commitments.add_commitment")
    ):
        raise PermissionDenied
    ids = _selected_ids(request.GET.get("proposals", ""))
    proposals = list(
        scope_queryset(Proposal.objects.all(), user)
        .filter(pk__in=ids)
        .select_related("council", "plan", "workshop", "working_group", "theme")
        .order_by("pk")
    )
    proposals_url = reverse("admin:consultations_proposal_changelist")
    if not proposals or len(proposals) != len(set(ids)):
        messages.error(request, gettext("Select proposals you may work on."))
        return HttpResponseRedirect(proposals_url)
    councils = {p.council_id for p in proposals}
    if len(councils) > 1:
        messages.error(request, gettext("The selected proposals must all belong to one council."))
        return HttpResponseRedirect(proposals_url)

    open_plans = (
        scope_queryset(ActionPlan.objects.all(), user)
        .filter(council_id__in=councils)
        .exclude(stage=ActionPlan.Stage.CLOSED)
        .select_related("council")
    )
    commitments = (
        scope_queryset(Commitment.objects.all(), user)
        .filter(plan__in=open_plans)
        .select_related("plan")
        .order_by("plan", "reference")
    )
    form_kwargs = {"plans": open_plans, "commitments": commitments}
    if request.method == "POST":
        form = CommitmentFromProposalsForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                if form.cleaned_data["mode"] == form.EXISTING:
                    commitment = services.proposals_attach_to_commitment(
                        commitment=form.cleaned_data["commitment"], proposals=proposals, by=user
                    )
                else:
                    commitment = services.commitment_create_from_proposals(
                        plan=form.cleaned_data["plan"],
                        proposals=proposals,
                        by=user,
                        **form.commitment_fields(),
                    )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        target = field if field in form.fields else None
                        for message in errors:
                            form.add_error(target, message)
                else:
                    for message in error.messages:
                        form.add_error(None, message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d proposal now feeds commitment %(reference)s. Complete its OGP "
                        "fields below.",
                        "%(count)d proposals now feed commitment %(reference)s. Complete its OGP "
                        "fields below.",
                        len(proposals),
                    )
                    % {"count": len(proposals), "reference": commitment.reference},
                )
                return HttpResponseRedirect(
                    reverse("admin:commitments_commitment_change", args=[commitment.pk])
                )
    else:
        initial = commitment_prefill_from_proposals(proposals)
        plan_ids = {p.plan_id for p in proposals if p.plan_id}
        if len(plan_ids) == 1:
            initial["plan"] = plan_ids.pop()
        form = CommitmentFromProposalsForm(initial=initial, **form_kwargs)

    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Turn proposals into a commitment"),
        "opts": model_admin.model._meta,
        "form": form,
        "proposals": proposals,
        "proposal_ids": ",".join(str(p.pk) for p in proposals),
    }
    return render(request, "admin/commitments/commitment/from_proposals.html", context)
