"""Public pages of an action plan and its commitments."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_safe

from consultations.models import ActionPlan, Proposal
from consultations.selectors import attendance_of, proposal_counts
from opengov.pagecache import cached_page, integer
from opengov.params import page_number
from opengov.uploads import attachment_response

from . import selectors
from .forms import CommentForm
from .models import Commitment, Milestone, PlanDocument


def _plan_or_404(council_slug: str, start_year: int) -> ActionPlan:
    try:
        return selectors.plan_public(council_slug, start_year)
    except ActionPlan.DoesNotExist as missing:
        raise Http404(gettext("No such action plan.")) from missing


# The page of comments shown under a plan or a commitment (?comments=2).
COMMENT_PAGE_PARAMS = {"comments": integer}


@require_safe
@cached_page(params=COMMENT_PAGE_PARAMS, council="council_slug")
def plan_detail(request: HttpRequest, council_slug: str, start_year: int) -> HttpResponse:
    plan = _plan_or_404(council_slug, start_year)
    return _render_plan(request, plan, CommentForm())


def _comments_context(request, plan: ActionPlan, commitment, form) -> dict:
    page = selectors.published_comments(plan, commitment, page_number(request.GET.get("comments")))
    return {
        "comments": page.object_list,
        "comments_page": page,
        "comment_form": form,
        "open_for_comments": plan.is_open_for_comments(),
    }


def _render_plan(request, plan, form, status=200) -> HttpResponse:
    workshops = selectors.plan_workshops(plan)
    context = {
        "plan": plan,
        "council": plan.council,
        "workshops": workshops,
        "attendance": attendance_of(plan.workshops.all()),
        "proposals": proposal_counts(Proposal.objects.filter(plan=plan)),
        "themes": selectors.plan_commitments_by_theme(plan),
        "stages": ActionPlan.Stage.choices,
        "documents": selectors.plan_documents(plan),
        **_comments_context(request, plan, None, form),
    }
    return render(request, "commitments/plan_detail.html", context, status=status)


@require_safe
@cached_page(params=COMMENT_PAGE_PARAMS, council="council_slug")
def commitment_detail(
    request: HttpRequest, council_slug: str, start_year: int, reference: str
) -> HttpResponse:
    plan = _plan_or_404(council_slug, start_year)
    commitment = _commitment_or_404(plan, reference)
    return _render_commitment(request, plan, commitment, CommentForm())


def _commitment_or_404(plan, reference):
    try:
        return selectors.commitment_public(plan, reference)
    except Commitment.DoesNotExist as missing:
        raise Http404(gettext("No such commitment.")) from missing


def _render_commitment(request, plan, commitment, form, status=200) -> HttpResponse:
    today = timezone.localdate()
    milestones = selectors.commitment_milestones(commitment)
    for milestone in milestones:
        if milestone.status == Milestone.Status.COMPLETED:
            milestone.state = "done"
        elif milestone.status == Milestone.Status.CANCELLED:
            milestone.state = "cancelled"
        elif milestone.is_overdue(on=today):
            milestone.state = "overdue"
        else:
            milestone.state = "on-track"
    counted = [m for m in milestones if m.status != Milestone.Status.CANCELLED]
    done = sum(1 for m in counted if m.status == Milestone.Status.COMPLETED)
    context = {
        "plan": plan,
        "council": plan.council,
        "commitment": commitment,
        "milestones": milestones,
        "progress": round(100 * done / len(counted)) if counted else 0,
        "done": done,
        "counted": len(counted),
        "indicators": selectors.commitment_indicators(commitment),
        "sources": selectors.commitment_sources(commitment),
        "assessment": selectors.commitment_assessment(commitment),
        **_comments_context(request, plan, commitment, form),
    }
    return render(request, "commitments/commitment_detail.html", context, status=status)


@require_safe
def plan_document(request: HttpRequest, council_slug: str, start_year: int, pk: int):
    """A published PDF of a public plan, any version, as a download with a readable name."""
    plan = _plan_or_404(council_slug, start_year)
    try:
        document = plan.documents.select_related("plan__council").get(pk=pk)
    except PlanDocument.DoesNotExist as missing:
        raise Http404(gettext("No such document.")) from missing
    try:
        response = attachment_response(document.file, "application/pdf", document.download_name())
    except FileNotFoundError as missing:
        raise Http404(gettext("No such document.")) from missing
    response["Cache-Control"] = "public, max-age=86400, immutable"
    return response
