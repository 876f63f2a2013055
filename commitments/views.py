"""Public pages of an action plan and its commitments (with their comments: comments/views.py
posts to them and shows them again with the form's errors)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language_bidi, gettext
from django.views.decorators.http import require_safe

from consultations.models import ActionPlan, Proposal
from consultations.selectors import attendance_of, proposal_counts
from opengov.pagecache import cached_page, integer
from opengov.params import page_number

from . import selectors
from .charts import plan_charts
from .comments.forms import CommentForm
from .comments.selectors import published_comments
from .forum.selectors import plan_endorsement
from .models import Comment, Commitment, end_of_commitment_due_on
from .monitoring.selectors import commitment_assessment, plan_inception_assessment
from .progress.selectors import commitment_indicators
from .proposing.forms import ProposalForm
from .publishing.selectors import plan_documents


def _back_to(request: HttpRequest) -> str:
    """The page `?next=` names when it is on this site (after a form's "check your e-mail"
    page), else the home page: never an address elsewhere."""
    back = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return reverse("home")
    return back


def _plan_or_404(council_slug: str, start_year: int) -> ActionPlan:
    try:
        return selectors.plan_public(council_slug, start_year)
    except ActionPlan.DoesNotExist as missing:
        raise Http404(gettext("No such action plan.")) from missing


# The page of comments shown under a plan or a commitment (?comments=2), and on a commitment the
# page of its conversation during implementation (?questions=2).
COMMENT_PAGE_PARAMS = {"comments": integer}
COMMITMENT_PAGE_PARAMS = {**COMMENT_PAGE_PARAMS, "questions": integer}


@require_safe
@cached_page(params=COMMENT_PAGE_PARAMS, council="council_slug")
def plan_detail(request: HttpRequest, council_slug: str, start_year: int) -> HttpResponse:
    plan = _plan_or_404(council_slug, start_year)
    return _render_plan(request, plan, CommentForm())


def _comments_context(request, plan: ActionPlan, commitment, form) -> dict:
    """The consultation's comments and, on a commitment, the dialogue during implementation;
    `comment_form` goes to whichever conversation takes comments now (at most one does)."""
    phase = Comment.open_phase(plan, commitment)
    page = published_comments(plan, commitment, page_number(request.GET.get("comments")))
    context = {
        "comments": page.object_list,
        "comments_page": page,
        "comment_form": form,
        "open_for_comments": phase == Comment.Phase.CONSULTATION,
        "dialogue_stage": plan.stage in Comment.DIALOGUE_STAGES,
    }
    if commitment is not None:
        dialogue = published_comments(
            plan,
            commitment,
            page_number(request.GET.get("questions")),
            phase=Comment.Phase.IMPLEMENTATION,
        )
        context |= {
            "dialogue": dialogue.object_list,
            "dialogue_page": dialogue,
            "open_for_dialogue": phase == Comment.Phase.IMPLEMENTATION,
        }
    return context


def _render_plan(request, plan, form, status=200, proposal_form=None) -> HttpResponse:
    """The plan's page; `form` is the comment form (None: a new one), `proposal_form` the
    Propose form (None: a new one while the plan takes proposals online)."""
    workshops = selectors.plan_workshops(plan)
    stages = selectors.plan_stages(plan)
    themes = selectors.plan_commitments_by_theme(plan)
    commitments = [commitment for _theme, listed in themes for commitment in listed]
    open_for_proposals = plan.is_open_for_proposals()
    context = {
        "plan": plan,
        "council": plan.council,
        "workshops": workshops,
        "attendance": attendance_of(plan.workshops.all()),
        "proposals": proposal_counts(Proposal.objects.public().filter(plan=plan)),
        "themes": themes,
        # Drawn from the commitments and milestones just read: no query of their own.
        "charts": plan_charts(plan, commitments, rtl=get_language_bidi()) if commitments else [],
        "stages": stages,
        "adopted_outside_portal": selectors.adopted_outside_portal(stages),
        "documents": plan_documents(plan),
        "inception": plan_inception_assessment(plan),
        "endorsement": plan_endorsement(plan),
        "open_for_proposals": open_for_proposals,
        "proposal_form": proposal_form or (ProposalForm() if open_for_proposals else None),
        **_comments_context(request, plan, None, form or CommentForm()),
    }
    return render(request, "commitments/plan_detail.html", context, status=status)


@require_safe
@cached_page(params=COMMITMENT_PAGE_PARAMS, council="council_slug")
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
    context = {
        "plan": plan,
        "council": plan.council,
        "commitment": commitment,
        "milestones": commitment.milestones.all(),
        "counts": commitment.milestone_counts(),
        "indicators": commitment_indicators(commitment),
        "sources": selectors.commitment_sources(commitment),
        "assessment": commitment_assessment(commitment),
        "due_on": end_of_commitment_due_on(commitment),
        "self_assessments": list(plan.self_assessments.all()),
        **_comments_context(request, plan, commitment, form),
    }
    return render(request, "commitments/commitment_detail.html", context, status=status)
