"""Public pages of proposals sent online and of supports: posting a proposal to a plan, a
proposal's page, supporting it, and the e-mailed confirmations."""

from __future__ import annotations

from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from consultations.models import Proposal, ProposalSupport
from opengov.pagecache import cached_page

from ..comments import services as comments
from ..comments.views import _too_many, budget_for
from ..follows.forms import FollowForm
from ..views import _back_to, _plan_or_404, _render_plan
from . import selectors, services
from .confirmation import proposal_from_token, support_from_token
from .forms import ProposalForm, SupportForm


def _sent(page: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        f"{reverse('commitments:proposal_sent')}?{urlencode({'next': page})}"
    )


@require_POST
def proposal_create(request: HttpRequest, council_slug: str, start_year: int) -> HttpResponse:
    """The Propose form of a plan's page: saved as pending and "check your e-mail"; bad input
    shows the plan's page again with the form's errors (400), nothing saved."""
    plan = _plan_or_404(council_slug, start_year)
    form = ProposalForm(request.POST)
    if form.is_robot:
        return _too_many(request)
    if not plan.is_open_for_proposals():
        form.is_valid()
        form.add_error(None, services.closed_message(plan))
    elif form.is_valid():
        # Only a valid post is measured against the limits, and counted once it is saved.
        budget = budget_for(request, form.cleaned_data["email"], "proposals")
        if not comments.within_rate_limits(**budget):
            return _too_many(request)
        data = form.cleaned_data
        try:
            services.proposal_post(
                plan=plan,
                kind=data["kind"],
                theme=data["theme"],
                title=data["title"],
                body=data["body"],
                organisation=data["organisation"],
                residence=data["residence"],
                email=data["email"],
                language=get_language(),
                fingerprint=budget["fingerprint"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            comments.count_submission(**budget)
            return _sent(plan.get_absolute_url())
    return _render_plan(request, plan, None, status=400, proposal_form=form)


def _proposal_or_404(pk: int) -> Proposal:
    proposal = selectors.proposal_public(pk)
    if proposal is None:
        raise Http404(gettext("No such proposal."))
    return proposal


def _render_proposal(request, proposal, *, support_form=None, follow_form=None, status=200):
    context = selectors.proposal_page(proposal)
    context |= {
        "support_form": support_form or SupportForm(),
        "follow_form": follow_form or FollowForm(),
        "support_refusal": services.support_refusal(proposal),
    }
    return render(request, "commitments/proposal_detail.html", context, status=status)


@require_safe
@cached_page(params={})
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_proposal(request, _proposal_or_404(pk))


@require_POST
def proposal_support(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask to support: "check your e-mail" (the same answer whether or not this mailbox had
    already asked, so the page tells nobody who supports what); bad input shows the proposal's
    page again with the form's errors (400)."""
    proposal = _proposal_or_404(pk)
    form = SupportForm(request.POST)
    if form.is_robot:
        return _too_many(request)
    refusal = services.support_refusal(proposal)
    if refusal:
        form.is_valid()
        form.add_error(None, refusal)
    elif form.is_valid():
        budget = budget_for(request, form.cleaned_data["email"], "supports")
        if not comments.within_rate_limits(**budget):
            return _too_many(request)
        try:
            _support, created = services.support_request(
                proposal=proposal,
                email=form.cleaned_data["email"],
                language=get_language(),
                fingerprint=budget["fingerprint"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if created:
                comments.count_submission(**budget)
            return _sent(proposal.get_absolute_url())
    return _render_proposal(request, proposal, support_form=form, status=400)


def proposal_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "commitments/proposal_sent.html", {"back": _back_to(request)})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def proposal_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the proposal and a button (mail scanners that follow links confirm nothing);
    POST confirms."""
    proposal = proposal_from_token(token)
    if proposal is None:
        return render(request, "commitments/proposal_confirm.html", {"invalid": True}, status=400)
    done = request.method == "POST" and proposal.publication == Proposal.Publication.PENDING
    if done:
        proposal = services.proposal_confirm(proposal=proposal)
    context = {"proposal": proposal, "done": done, "manage": selectors.manage_url(proposal.email)}
    return render(request, "commitments/proposal_confirm.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def support_confirm(request: HttpRequest, token: str) -> HttpResponse:
    support = support_from_token(token)
    if support is None:
        return render(request, "commitments/support_confirm.html", {"invalid": True}, status=400)
    context = {"support": support, "proposal": support.proposal}
    if request.method == "POST" and support.state == ProposalSupport.State.PENDING:
        try:
            support = services.support_confirm(support=support)
        except ValidationError as error:
            context["refusal"] = " ".join(error.messages)
            return render(request, "commitments/support_confirm.html", context, status=400)
        context |= {"support": support, "done": True}
    return render(request, "commitments/support_confirm.html", context)
