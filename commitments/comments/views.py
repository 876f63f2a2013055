"""Public pages of citizens' comments: posting, the e-mail confirmation, reporting."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_http_methods, require_POST

from opengov.clientaddress import client_address

from ..follows.links import manage_token
from ..models import Comment, Subscriber
from ..views import _back_to, _commitment_or_404, _plan_or_404, _render_commitment, _render_plan
from . import services as comments
from .confirmation import comment_from_token
from .forms import CommentForm


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "commitments/comment_too_many.html", status=429)


def budget_for(request: HttpRequest, email: str | None = None, scope: str = "comments") -> dict:
    """The rate-limit budget of a public post (comments.within_rate_limits and
    count_submission take it as keyword arguments): the client's fingerprint and, when the post
    names an address, its mailbox."""
    budget = {"fingerprint": comments.client_fingerprint(client_address(request)), "scope": scope}
    if email is not None:
        budget["mailbox"] = comments.mailbox_key(email)
    return budget


@require_POST
def comment_create(
    request: HttpRequest, council_slug: str, start_year: int, reference: str | None = None
) -> HttpResponse:
    plan = _plan_or_404(council_slug, start_year)
    commitment = _commitment_or_404(plan, reference) if reference else None
    form = CommentForm(request.POST)
    if form.is_robot:
        return _too_many(request)
    page = commitment.get_absolute_url() if commitment else plan.get_absolute_url()
    if form.is_valid():
        parent = None
        if form.cleaned_data.get("parent"):
            parent = Comment.objects.filter(
                pk=form.cleaned_data["parent"], plan=plan, commitment=commitment
            ).first()
            if parent is None:
                form.add_error(None, gettext("The comment you reply to does not exist."))
        if not form.errors:
            # Only a valid post is measured against the limits, and counted once it is saved.
            budget = budget_for(request, form.cleaned_data["email"])
            if not comments.within_rate_limits(**budget):
                return _too_many(request)
            try:
                comments.comment_post(
                    plan=plan,
                    commitment=commitment,
                    parent=parent,
                    author_name=form.cleaned_data["author_name"],
                    email=form.cleaned_data["email"],
                    body=form.cleaned_data["body"],
                    language=get_language(),
                    fingerprint=budget["fingerprint"],
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                comments.count_submission(**budget)
                return HttpResponseRedirect(reverse("commitments:comment_sent") + f"?next={page}")
    if form.posted_parent and form.non_field_errors():
        form.show_as_new_comment()
    if commitment:
        return _render_commitment(request, plan, commitment, form, status=400)
    return _render_plan(request, plan, form, status=400)


def comment_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "commitments/comment_sent.html", {"back": _back_to(request)})


@require_http_methods(["GET", "HEAD", "POST"])
def comment_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners that follow links confirm nothing); POST confirms."""
    comment = comment_from_token(token)
    if comment is None:
        return render(request, "commitments/comment_confirm.html", {"invalid": True}, status=400)
    if request.method == "POST" and comment.state == Comment.State.PENDING:
        comment = comments.comment_confirm(comment=comment)
        # Its author now follows the thread: the page says how to stop (the manage page).
        mailbox = comments.mailbox_key(comment.email)
        subscriber = Subscriber.objects.filter(mailbox=mailbox).first()
        manage = subscriber and reverse(
            "commitments:follow_manage", args=[manage_token(subscriber)]
        )
        context = {"comment": comment, "done": True, "manage": manage}
        return render(request, "commitments/comment_confirm.html", context)
    return render(request, "commitments/comment_confirm.html", {"comment": comment})


@require_POST
def comment_report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = (
        Comment.objects.published()
        .of_public_plans()
        .select_related("plan__council", "commitment")
        .filter(pk=pk)
        .first()
    )
    if comment is None:
        raise Http404(gettext("No such comment."))
    budget = budget_for(request, scope="reports")
    if not comments.within_rate_limits(**budget):
        return _too_many(request)
    if comments.comment_report(comment=comment, fingerprint=budget["fingerprint"]):
        comments.count_submission(**budget)
        messages.success(request, gettext("Thank you: a moderator will look at this comment."))
    else:
        messages.info(request, gettext("You have already reported this comment."))
    page = (
        comment.commitment.get_absolute_url()
        if comment.commitment
        else comment.plan.get_absolute_url()
    )
    return HttpResponseRedirect(f"{page}#comment-{comment.pk}")
