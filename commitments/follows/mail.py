"""The e-mail that tells a subscriber what happened: one mail for several notifications, written
in the subscriber's language (with the other language's link to each page), plain text with an
HTML alternative (right to left in Arabic), the RFC 8058 one-click unsubscribe headers and a
manage link. `notification_preview` renders what one notification will say for a change not
saved yet (the staff preview in the admin)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language_bidi, gettext

from consultations.models import ActionPlan, Proposal
from opengov.urls_absolute import absolute_url

from ..comments.services import mailbox_key
from ..models import (
    Commitment,
    CompletionLevel,
    FollowEvent,
    Indicator,
    Milestone,
    Notification,
    OpenedGovernment,
    PlanDocument,
    Subscriber,
)
from .links import manage_url, unsubscribe_url

Kind = FollowEvent.Kind
FK_FACTS = ("council", "plan", "commitment", "proposal", "comment")


def other_language(language: str) -> str:
    return next((code for code, _name in settings.LANGUAGES if code != language), language)


def language_name(language: str) -> str:
    return str(dict(settings.LANGUAGES)[language])


def _in_both(language: str, path_of) -> tuple[str, str]:
    """The absolute link of a page in `language` and in the other language."""
    links = []
    for code in (language, other_language(language)):
        with translation.override(code):
            links.append(absolute_url(path_of()))
    return links[0], links[1]


def _page(event: FollowEvent):
    """The path (in the active language) of the page an event is about."""
    if event.comment_id:
        comment = event.comment
        page = comment.commitment or comment.plan
        return lambda: f"{page.get_absolute_url()}#comment-{comment.pk}"
    if event.commitment_id:
        return event.commitment.get_absolute_url
    if event.proposal_id and event.kind != Kind.PROPOSAL_HIDDEN:
        # A hidden proposal has no page of its own any more: its plan's page instead.
        return lambda: _proposal_path(event.proposal)
    if event.plan_id:
        return event.plan.get_absolute_url
    return event.council.get_absolute_url


def _subject_of(event: FollowEvent) -> str:
    """The title of what the event is about, in the active language."""
    if event.commitment_id:
        return f"{event.commitment.reference} {event.commitment.title}"
    if event.proposal_id:
        return event.proposal.title or event.proposal.body[:80]
    if event.plan_id:
        return str(event.plan.title)
    return str(event.council.name)


def _localized(data: dict, name: str, language: str) -> str:
    return data.get(f"{name}_{language}") or data.get(f"{name}_{other_language(language)}") or ""


def heading(event: FollowEvent, *, is_author: bool) -> str:
    """One line saying what happened (the subject of a mail about one event), in the active
    language."""
    about = _subject_of(event)
    if event.kind == Kind.COMMENT_PUBLISHED:
        if is_author:
            return gettext("Your comment on “%(about)s” was published") % {"about": about}
        return gettext("A new reply in the conversation you follow on “%(about)s”") % {
            "about": about
        }
    if event.kind == Kind.PROPOSAL_PUBLISHED:
        if is_author:
            return gettext("Your proposal “%(about)s” was published") % {"about": about}
        return gettext("The proposal “%(about)s” was published") % {"about": about}
    texts = {
        Kind.PROPOSAL_HIDDEN: gettext("Your proposal “%(about)s” was hidden"),
        Kind.PROPOSAL_DUPLICATE: gettext(
            "The proposal “%(about)s” was merged with a similar proposal"
        ),
        Kind.PROPOSAL_COMMITMENT: gettext("The proposal “%(about)s” fed a commitment"),
        Kind.COMMENT_HIDDEN: gettext("Your comment on “%(about)s” was hidden"),
        Kind.COMMENT_ANSWERED: gettext("The council answered a comment on “%(about)s”"),
        Kind.PLAN_STAGE: gettext("The action plan “%(about)s” changed stage"),
        Kind.PLAN_DOCUMENT: gettext("A new PDF version of the action plan “%(about)s”"),
        Kind.MILESTONE_UPDATE: gettext("Progress on a milestone of “%(about)s”"),
        Kind.INDICATOR_VALUE: gettext("A new indicator value for “%(about)s”"),
        Kind.COMPLETION_LEVEL: gettext("The completion level of “%(about)s” changed"),
        Kind.FINAL_ASSESSMENT: gettext("The end-of-commitment assessment of “%(about)s”"),
        Kind.PROPOSAL_ANSWERED: gettext("The proposal “%(about)s” was answered"),
    }
    return texts[event.kind] % {"about": about}


def _facts(event: FollowEvent, language: str) -> dict:
    """What the templates' block for the event's kind shows, in the active language."""
    data = event.data or {}
    kind = event.kind
    if kind == Kind.PLAN_STAGE:
        return {
            "from": ActionPlan.Stage(data["from"]).label,
            "to": ActionPlan.Stage(data["to"]).label,
        }
    if kind == Kind.PLAN_DOCUMENT:
        documents = PlanDocument.objects.filter(pk__in=(data.get("documents") or {}).values())
        return {
            "version": data.get("version"),
            "documents": [
                (language_name(d.language), absolute_url(d.download_url()))
                for d in documents.select_related("plan__council").order_by("language")
            ],
        }
    if kind == Kind.MILESTONE_UPDATE:
        milestone = Milestone.objects.filter(pk=data.get("milestone")).first()
        return {
            "milestone": milestone.title if milestone else "",
            "status": Milestone.Status(data["status"]).label,
            "completed_on": data.get("completed_on") or "",
            "note": _localized(data, "note", language),
        }
    if kind == Kind.INDICATOR_VALUE:
        indicator = Indicator.objects.filter(pk=data.get("indicator")).first()
        return {
            "indicator": indicator.name if indicator else "",
            "unit": indicator.unit if indicator else "",
            "value": data.get("value"),
            "measured_on": data.get("measured_on"),
        }
    if kind == Kind.COMPLETION_LEVEL:
        return {
            "from": CompletionLevel(data["from"]).label,
            "to": CompletionLevel(data["to"]).label,
        }
    if kind == Kind.FINAL_ASSESSMENT:
        return {
            "completion": CompletionLevel(data["completion"]).label,
            "opened_government": OpenedGovernment(data["opened_government"]).label,
        }
    if kind == Kind.PROPOSAL_ANSWERED:
        return {
            "status": event.proposal.Status(data["status"]).label,
            "response": _localized(data, "response", language),
        }
    if kind in (Kind.PROPOSAL_DUPLICATE, Kind.PROPOSAL_COMMITMENT):
        return _proposal_facts(event, data, language)
    if kind in (Kind.COMMENT_HIDDEN, Kind.PROPOSAL_HIDDEN):
        return {"reason": data.get("reason", "")}
    if kind == Kind.COMMENT_ANSWERED:
        # Mailed only to confirmed followers of the thread (the fan-out takes active follows):
        # the comment's text reaches no address that did not confirm.
        return {"reply": data.get("reply", ""), "comment": event.comment.body}
    return {}


def _proposal_facts(event: FollowEvent, data: dict, language: str) -> dict:
    """The proposal kept (a duplicate), or the commitment fed and the council's response."""
    if event.kind == Kind.PROPOSAL_DUPLICATE:
        kept = Proposal.objects.select_related("plan").filter(pk=data.get("kept")).first()
        return {
            "kept": _localized(data, "kept_title", language),
            "kept_link": absolute_url(_proposal_path(kept)) if kept else "",
        }
    commitment = Commitment.objects.select_related("plan").filter(pk=data.get("commitment"))
    commitment = commitment.first()
    public = commitment is not None and commitment.plan.is_public
    return {
        "reference": data.get("reference", ""),
        "commitment": _localized(data, "commitment_title", language),
        "commitment_link": absolute_url(commitment.get_absolute_url()) if public else "",
        "status": Proposal.Status(data["status"]).label if data.get("status") else "",
        "response": _localized(data, "response", language),
    }


def _proposal_path(proposal: Proposal) -> str:
    """A proposal's public page, or its plan's while the proposal is not published."""
    if proposal.publication == Proposal.Publication.PUBLISHED:
        return proposal.get_absolute_url()
    return proposal.plan.get_absolute_url()


def _is_author(event: FollowEvent, mailbox: str | None) -> bool:
    """True when `mailbox` wrote the comment or the proposal the event is about."""
    if not mailbox:
        return False
    if event.comment_id:
        return mailbox == mailbox_key(event.comment.email)
    if event.proposal_id and event.proposal.email:
        return mailbox == mailbox_key(event.proposal.email)
    return False


def notification_item(event: FollowEvent, language: str, *, mailbox: str | None) -> dict:
    """Everything one notification shows, in `language` (call it inside translation.override)."""
    is_author = _is_author(event, mailbox)
    link, other_link = _in_both(language, _page(event))
    return {
        "kind": event.kind,
        "heading": heading(event, is_author=is_author),
        "is_author": is_author,
        "facts": _facts(event, language),
        "link": link,
        "other_link": other_link,
        "other_language": language_name(other_language(language)),
        "other_code": other_language(language),
    }


def build_message(
    subscriber: Subscriber,
    notifications: list[Notification],
    *,
    digest: bool,
    connection=None,
    items_cache: dict | None = None,
) -> EmailMultiAlternatives:
    """The one e-mail telling `subscriber` of `notifications`, in the subscriber's language.
    `items_cache` keeps what each event says per language between the mails of one batch."""
    language = subscriber.language
    follow_ids = sorted({n.follow_id for n in notifications})
    cache = {} if items_cache is None else items_cache
    with translation.override(language):
        items = []
        for notification in notifications:
            event = notification.event
            is_author = _is_author(event, subscriber.mailbox)
            key = (event.pk, language, is_author)
            if key not in cache:
                cache[key] = notification_item(event, language, mailbox=subscriber.mailbox)
            items.append(cache[key])
        unsubscribe = unsubscribe_url(subscriber, follow_ids, language)
        context = {
            "items": items,
            "count": len(items),
            "digest": digest,
            "language": language,
            "direction": "rtl" if get_language_bidi() else "ltr",
            "unsubscribe_url": unsubscribe,
            "manage_url": manage_url(subscriber, language),
        }
        subject = " ".join(
            render_to_string("commitments/email/notification_subject.txt", context).split()
        )
        text = render_to_string("commitments/email/notification_body.txt", context)
        html = render_to_string("commitments/email/notification_body.html", context)
    message = EmailMultiAlternatives(
        subject,
        text,
        None,
        [subscriber.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def notification_preview(kind: str, **facts) -> tuple[str, str]:
    """(subject, plain text) of what a notification of `kind` will say, in the active language,
    for a change not saved yet. `facts`: the things it is about (council, plan, commitment,
    proposal, comment: model instances) and the event's data (for a milestone update:
    milestone, status, completed_on, note_ar, note_fr; see events.py for each kind)."""
    related = {name: facts.pop(name) for name in FK_FACTS if facts.get(name) is not None}
    for name in ("milestone", "indicator"):
        if hasattr(facts.get(name), "pk"):
            facts[name] = facts[name].pk
    for name, value in list(facts.items()):
        if hasattr(value, "isoformat"):
            facts[name] = value.isoformat()
    if "commitment" in related:
        related.setdefault("plan", related["commitment"].plan)
    if "plan" in related:
        related.setdefault("council", related["plan"].council)
    event = FollowEvent(kind=kind, data=facts, **related)
    language = translation.get_language() or settings.LANGUAGE_CODE
    item = notification_item(event, language, mailbox=None)
    context = {"items": [item], "count": 1, "digest": False, "preview": True}
    text = render_to_string("commitments/email/notification_items.txt", context)
    return item["heading"], text.strip()
