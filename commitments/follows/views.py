"""Public pages of following: the Follow form's posts (council, plan, commitment), "check your
e-mail", the confirmation link, the page where an address manages its follows, and the
unsubscribe link (its page, and the RFC 8058 one-click POST of mail clients).

Every link page reads a signed token (links.py); a tampered, expired or replaced one answers
400 and changes nothing. Those pages are never cached: their address is a secret."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from consultations.models import Council
from opengov.params import ascii_int

from ..comments import services as comments
from ..comments.views import _too_many, budget_for
from ..models import Commitment, Follow
from ..proposing.views import _proposal_or_404
from ..views import _back_to, _plan_or_404
from . import services
from .forms import FollowForm, FrequencyForm
from .links import (
    follow_from_token,
    manage_token,
    subscriber_from_manage_token,
    unsubscribe_from_token,
)
from .selectors import followed_path, followed_title, subscriber_follows

ONE_CLICK = "List-Unsubscribe=One-Click"


# --- the Follow form -----------------------------------------------------------------------------


@require_POST
def follow_council(request: HttpRequest, council_slug: str) -> HttpResponse:
    council = get_object_or_404(Council, slug=council_slug)
    return _follow(request, council, {"council": council})


@require_POST
def follow_plan(request: HttpRequest, council_slug: str, start_year: int) -> HttpResponse:
    plan = _plan_or_404(council_slug, start_year)
    return _follow(request, plan, {"plan": plan, "council": plan.council})


@require_POST
def follow_commitment(
    request: HttpRequest, council_slug: str, start_year: int, reference: str
) -> HttpResponse:
    plan = _plan_or_404(council_slug, start_year)
    commitment = Commitment.objects.filter(plan=plan, reference=reference).first()
    if commitment is None:
        raise Http404(gettext("No such commitment."))
    commitment.plan = plan
    context = {"commitment": commitment, "plan": plan, "council": plan.council}
    return _follow(request, commitment, context)


@require_POST
def follow_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_or_404(pk)
    context = {"proposal": proposal, "plan": proposal.plan, "council": proposal.council}
    return _follow(request, proposal, context)


def _follow(request: HttpRequest, target, context: dict) -> HttpResponse:
    """Save the request and send to "check your e-mail"; bad input shows the form again (400)."""
    form = FollowForm(request.POST)
    if form.is_robot:
        return _too_many(request)
    page = target.get_absolute_url()
    if form.is_valid():
        # Only a valid request is measured against the limits, and counted once it is saved.
        budget = budget_for(request, form.cleaned_data["email"], "follows")
        if not comments.within_rate_limits(**budget):
            return _too_many(request)
        try:
            services.follow_request(
                target=target,
                email=form.cleaned_data["email"],
                language=get_language(),
                frequency=form.cleaned_data["frequency"],
                fingerprint=budget["fingerprint"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            comments.count_submission(**budget)
            query = urlencode({"next": page})
            return HttpResponseRedirect(f"{reverse('commitments:follow_sent')}?{query}")
    context |= {"follow_form": form, "page": page}
    return render(request, "commitments/follow_form.html", context, status=400)


def follow_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "commitments/follow_sent.html", {"back": _back_to(request)})


# --- the links mailed to an address --------------------------------------------------------------


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "commitments/follow_link_invalid.html", status=400)


def _about(follow: Follow) -> dict:
    return {"follow": follow, "title": followed_title(follow), "page": followed_path(follow)}


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners that follow links confirm nothing); POST confirms."""
    follow = follow_from_token(token)
    if follow is None:
        return _invalid_link(request)
    done = request.method == "POST" and follow.state == Follow.State.PENDING
    if done:
        follow = services.follow_confirm(follow=follow)
    manage = reverse("commitments:follow_manage", args=[manage_token(follow.subscriber)])
    context = {**_about(follow), "done": done, "manage": manage}
    return render(request, "commitments/follow_confirm.html", context)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow_manage(request: HttpRequest, token: str) -> HttpResponse:
    """Every follow of the address, with its frequency and a stop button, and "stop
    everything". POSTs come back here (post/redirect/get); after "stop everything" the link
    itself no longer works, so its own page says so."""
    subscriber = subscriber_from_manage_token(token)
    if subscriber is None:
        return _invalid_link(request)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "leave":
            services.subscriber_leave(subscriber=subscriber)
            return render(request, "commitments/follow_left.html")
        chosen = ascii_int(request.POST.get("follow", ""))
        follow = subscriber_follows(subscriber).filter(pk=chosen).first()
        if follow is None or action not in ("stop", "frequency"):
            messages.error(request, gettext("Nothing was changed: choose one of your follows."))
            return HttpResponseRedirect(request.path, status=303)
        if action == "stop":
            services.follow_stop(follows=[follow])
            messages.success(request, gettext("You no longer follow “%(title)s”.") % _about(follow))
        else:
            form = FrequencyForm(request.POST)
            if not form.is_valid():
                messages.error(request, gettext("Choose how often you want to be told."))
                return HttpResponseRedirect(request.path, status=303)
            services.follow_set_frequency(follow=follow, frequency=form.cleaned_data["frequency"])
            messages.success(request, gettext("Saved."))
        return HttpResponseRedirect(request.path, status=303)
    rows = [_about(follow) for follow in subscriber_follows(subscriber)]
    context = {"subscriber": subscriber, "rows": rows, "frequencies": Follow.Frequency.choices}
    return render(request, "commitments/follow_manage.html", context)


def _is_one_click(request: HttpRequest) -> bool:
    """An RFC 8058 one-click unsubscribe: a POST whose only content is
    List-Unsubscribe=One-Click (form-encoded, or as the only field of a multipart body)."""
    if request.method != "POST":
        return False
    if request.body.strip() == ONE_CLICK.encode():
        return True
    fields = {name: request.POST.getlist(name) for name in request.POST}
    return not request.FILES and fields == {"List-Unsubscribe": ["One-Click"]}


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def follow_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows the follows the e-mail was about and a button; POST (with the page's CSRF
    token) stops them. The mail client's one-click POST carries neither a cookie nor a token:
    it is the only request exempt from the CSRF check, and it answers 200 with no page."""
    found = unsubscribe_from_token(token)
    if _is_one_click(request):
        if found is None:
            return HttpResponse(status=400)
        subscriber, follow_ids = found
        services.follow_stop(follows=subscriber.follows.filter(pk__in=follow_ids))
        return HttpResponse(gettext("You are unsubscribed."), content_type="text/plain")
    return _unsubscribe_page(request, found)


@csrf_protect
def _unsubscribe_page(request: HttpRequest, found) -> HttpResponse:
    if found is None:
        return _invalid_link(request)
    subscriber, follow_ids = found
    follows = subscriber_follows(subscriber).filter(pk__in=follow_ids)
    done = request.method == "POST"
    if done:
        services.follow_stop(follows=follows)
    context = {
        "rows": [] if done else [_about(follow) for follow in follows],
        "done": done,
        "manage": reverse("commitments:follow_manage", args=[manage_token(subscriber)]),
    }
    return render(request, "commitments/follow_unsubscribe.html", context)
