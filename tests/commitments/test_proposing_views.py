"""Proposals sent online and supports, through the public pages, in Arabic and in French: the
Propose form of a plan's page, "check your e-mail", the mailed link and its button, the
proposal's page (public once published), supporting it once per mailbox, and the guards (the
honeypot, the form's minimum time and signed stamp, the window, the rate limits), with the number
of queries of a proposal's page fixed whatever it holds."""

import datetime
import re
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import get_language_info, gettext, ngettext

from commitments.proposing import services
from consultations.models import ActionPlan, Proposal, ProposalSupport
from opengov import formtime
from tests import factories

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
EMAIL = "amina.secret@example.org"
TEXTS = {
    "ar": ("نشر محاضر دورات المجلس", "ننشر المحاضر على موقع الجماعة خلال أسبوعين."),
    "fr": ("Publier les procès-verbaux", "Les mettre en ligne deux semaines après chaque session."),
}


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.PROPOSAL_FORM_MIN_SECONDS = 8
    settings.SUPPORT_FORM_MIN_SECONDS = 2
    cache.clear()
    yield
    cache.clear()


NOTICE = (
    "Under Moroccan law 09-08 on the protection of personal data, %(council)s keeps your e-mail "
    "address only to confirm that the proposal is yours and to tell you what became of it "
    "(answered, merged with another proposal, turned into a commitment). What is published: the "
    "kind, theme, title and text of your proposal, and the organisation and municipality if you "
    "gave them. Your e-mail is never shown or shared. A proposal not confirmed within seven days "
    "is deleted, with its address. Every e-mail you receive has a link to the page where you stop "
    "being told and manage what you follow. You may ask the council to see, correct or delete "
    "your data, and complain to the CNDP (the national commission for the control of the "
    "protection of personal data)."
)


SIGNAL = (
    "Supports are a signal for the plan's coordinator, not a vote: they show which proposals "
    "matter to citizens. The council decides, and answers every proposal with its reasons, "
    "however many supports it has."
)


def open_plan(moderation=False, **kwargs) -> ActionPlan:
    today = timezone.localdate()
    kwargs.setdefault("proposals_opens_on", today - 3 * DAY)
    kwargs.setdefault("proposals_closes_on", today + 20 * DAY)
    return factories.ActionPlanFactory(
        stage=ActionPlan.Stage.PREPARATION,
        council__slug="kenitra",
        council__name_ar="جماعة القنيطرة",
        council__name_fr="Commune de Kénitra",
        proposals_need_moderation=moderation,
        **kwargs,
    )


def say(language: str, text: str) -> str:
    with translation.override(language):
        return gettext(text)


def url(name: str, language: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def propose_url(plan, language="ar") -> str:
    return url("commitments:plan_proposals", language, plan.council.slug, plan.start_year)


def plan_url(plan, language="ar") -> str:
    return url("commitments:plan", language, plan.council.slug, plan.start_year)


def on_page(text: str, html: str) -> bool:
    """The text in the page: escaped when it came in a variable, as is when the template wrote
    it ({% translate %} does not escape its own text)."""
    return escape(text) in html or text in html


def valid_stamp() -> str:
    return formtime.stamp(time.time() - 60)


def proposal_data(language="ar", **overrides) -> dict:
    title, body = TEXTS[language]
    data = {
        "kind": Proposal.Kind.PROPOSAL,
        "theme": "",
        "title": title,
        "body": body,
        "organisation": "Association Amal",
        "residence": "Kénitra",
        "email": EMAIL,
        "consent": "on",
        "website": "",
        formtime.FIELD: valid_stamp(),
    }
    data.update(overrides)
    return data


def support_data(email="soutien@example.org", **overrides) -> dict:
    data = {"email": email, "consent": "on", "website": "", formtime.FIELD: valid_stamp()}
    data.update(overrides)
    return data


def link_in(message, pattern: str) -> str:
    paths = [urlsplit(link).path for link in re.findall(r"https?://\S+", message.body)]
    [path] = [path for path in paths if re.fullmatch(pattern, path)]
    return path


def post(client, path, data, capture):
    """POST with the confirmation e-mails sent (eager Celery, after the commit)."""
    with capture(execute=True):
        return client.post(path, data)


def published(plan, language="ar", **kwargs) -> Proposal:
    return factories.OnlineProposalFactory(plan=plan, language=language, **kwargs)


# --- the plan's page -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_plan_page_shows_the_propose_form_while_the_window_is_open(client, language):
    plan = open_plan()
    published(plan)
    factories.ProposalFactory(
        working_group__workshop__plan=plan, working_group__workshop__council=plan.council
    )
    response = client.get(plan_url(plan, language))
    html = response.content.decode()
    assert response.status_code == 200
    assert f'action="{propose_url(plan, language)}#propose"' in html
    assert f'name="{formtime.FIELD}" value="' in html, "the form's time stamp"
    assert 'class="honeypot" aria-hidden="true"' in html and 'name="website"' in html
    with translation.override(language):
        notice = gettext(NOTICE) % {"council": plan.council.name}
        closes = date_filter(plan.proposals_closes_on, "j F Y")
        online = ngettext(
            "%(counter)s proposal sent online", "%(counter)s proposals sent online", 1
        ) % {"counter": 1}
    assert on_page(say(language, "Send a proposal"), html)
    assert on_page(notice, html), "the law 09-08 notice"
    assert closes in html
    assert on_page(online, html), "one sent online, one from a workshop"
    assert f"?plan={plan.pk}&amp;origin=online" in html


def test_a_plan_without_a_window_shows_no_propose_form(client):
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    html = client.get(plan_url(plan)).content.decode()
    assert propose_url(plan) not in html and formtime.FIELD not in html


def test_unconfirmed_and_unmoderated_proposals_are_not_counted_on_the_plan_page(client):
    plan = open_plan()
    published(plan)
    published(plan, publication=Proposal.Publication.PENDING)
    published(plan, publication=Proposal.Publication.AWAITING)
    context = client.get(plan_url(plan)).context
    assert (context["proposals"]["total"], context["proposals"]["online"]) == (1, 1)


# --- the whole path ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "moderation"), [("ar", False), ("fr", False), ("ar", True), ("fr", True)]
)
def test_a_proposal_goes_from_the_plan_page_to_its_own_page(
    client, django_capture_on_commit_callbacks, language, moderation
):
    plan = open_plan(moderation=moderation)
    theme = factories.ThemeFactory()
    response = post(
        client,
        propose_url(plan, language),
        proposal_data(language, theme=theme.pk, kind=Proposal.Kind.PROBLEM),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == url("commitments:proposal_sent", language)
    proposal = Proposal.objects.get()
    other = "fr" if language == "ar" else "ar"
    title, body = TEXTS[language]
    assert (proposal.publication, proposal.language, proposal.is_online) == (
        Proposal.Publication.PENDING,
        language,
        True,
    )
    assert (getattr(proposal, f"title_{language}"), getattr(proposal, f"body_{language}")) == (
        title,
        body,
    )
    assert not getattr(proposal, f"title_{other}") and not getattr(proposal, f"body_{other}")
    assert (proposal.kind, proposal.theme, proposal.submitted_by, proposal.residence) == (
        Proposal.Kind.PROBLEM,
        theme,
        "Association Amal",
        "Kénitra",
    )
    sent = client.get(response["Location"])
    assert sent.status_code == 200
    assert on_page(say(language, "Check your e-mail"), sent.content.decode())
    assert f'href="{plan_url(plan, language)}"' in sent.content.decode()

    # Not public until confirmed.
    page = url("commitments:proposal", language, proposal.pk)
    assert client.get(page).status_code == 404

    [message] = mail.outbox
    assert message.to == [EMAIL]
    confirm = link_in(message, rf"/{language}/proposals/confirm/[^/]+/")
    shown = client.get(confirm)
    assert shown.status_code == 200
    assert on_page(say(language, "Yes, this proposal is mine"), shown.content.decode())
    assert title in shown.content.decode()
    proposal.refresh_from_db()
    assert proposal.publication == Proposal.Publication.PENDING, "opening the link confirms nothing"

    done = client.post(confirm)
    assert done.status_code == 200
    html = done.content.decode()
    proposal.refresh_from_db()
    if moderation:
        assert proposal.publication == Proposal.Publication.AWAITING
        waiting = say(
            language,
            "Your proposal is confirmed. A moderator of the council will read it before it is "
            "published.",
        )
        assert on_page(waiting, html)
        assert client.get(page).status_code == 404
    else:
        assert proposal.publication == Proposal.Publication.PUBLISHED
        assert on_page(say(language, "Your proposal is confirmed and published."), html)
        shown = client.get(page)
        assert shown.status_code == 200
        assert title in shown.content.decode() and body in shown.content.decode()
        assert on_page(say(language, "Sent online"), shown.content.decode())
        assert EMAIL not in shown.content.decode()
    assert "/follow/manage/" in html, "the author follows the proposal and may stop"
    again = client.post(confirm)
    assert on_page(say(language, "Already confirmed"), again.content.decode())


def test_a_tampered_confirmation_link_changes_nothing(client):
    response = client.get(url("commitments:proposal_confirm", "fr", "nonsense"))
    assert response.status_code == 400
    assert on_page(say("fr", "This link does not work"), response.content.decode())
    response = client.get(url("commitments:support_confirm", "ar", "nonsense"))
    assert response.status_code == 400


@pytest.mark.parametrize(
    "publication",
    [Proposal.Publication.PENDING, Proposal.Publication.AWAITING, Proposal.Publication.HIDDEN],
)
def test_a_proposal_page_is_public_only_once_published(client, publication):
    plan = open_plan()
    extra = {"hidden_reason": "Insultes"} if publication == Proposal.Publication.HIDDEN else {}
    hidden = published(plan, publication=publication, **extra)
    shown = published(plan)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert client.get(shown.get_absolute_url()).status_code == 200
    private = factories.ActionPlanFactory(stage=ActionPlan.Stage.PREPARATION)
    unlisted = published(private)
    assert client.get(unlisted.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_proposal_page_shows_where_it_came_from_its_answer_and_its_duplicates(client, language):
    plan = open_plan()
    kept = published(plan, title_ar="المقترح المحتفظ به", submitted_by="جمعية أمل")
    kept.status = Proposal.Status.RETAINED
    kept.response_ar = "سيدرج في الخطة."
    kept.response_fr = "Il sera inscrit au plan."
    kept.save()
    merged = published(plan, title_ar="مقترح مكرر", duplicate_of=kept)
    commitment = factories.CommitmentFactory(plan=plan, reference="KEN-2026-01")
    commitment.source_proposals.add(kept)
    html = client.get(url("commitments:proposal", language, kept.pk)).content.decode()
    assert "سيدرج في الخطة." in html or "Il sera inscrit au plan." in html
    assert f'href="{url("commitments:commitment", language, "kenitra", 2024, "KEN-2026-01")}"' in (
        html
    )
    assert f'href="{url("commitments:proposal", language, merged.pk)}"' in html
    assert "جمعية أمل" in html and "طنجة" in html, "organisation and municipality"
    assert on_page(say(language, "Proposals merged with this one"), html)
    if language == "fr":
        with translation.override("fr"):
            arabic = get_language_info("ar")["name_translated"]
        written = say("fr", "Written by its author in %(language)s.") % {"language": arabic}
        assert on_page(written, html), "an Arabic proposal on the French page says so"
        assert 'lang="ar" dir="rtl"' in html
    duplicate = client.get(url("commitments:proposal", language, merged.pk)).content.decode()
    assert f'href="{url("commitments:proposal", language, kept.pk)}"' in duplicate
    refusal = say(language, "This proposal was merged with another one: support that one instead.")
    assert on_page(refusal, duplicate)
    assert 'action="' + url("commitments:proposal_support", language, merged.pk) not in duplicate


def test_a_duplicate_never_names_a_kept_proposal_hidden_since(client):
    """The page and the list say "merged with" only while the kept proposal is published: hidden
    afterwards, its title and link are gone from the duplicate's page and from the list."""
    plan = open_plan()
    kept = published(plan, title_ar="مقترح أخفي لاحقا")
    merged = published(plan, title_ar="مقترح مكرر", duplicate_of=kept)
    listing = url("consultations:proposals", "ar") + f"?plan={plan.pk}"
    for page in (url("commitments:proposal", "ar", merged.pk), listing):
        assert "مقترح أخفي لاحقا" in client.get(page).content.decode()
    Proposal.objects.filter(pk=kept.pk).update(publication="hidden", hidden_reason="Spam")
    cache.clear()
    for page in (url("commitments:proposal", "ar", merged.pk), listing):
        html = client.get(page).content.decode()
        assert "مقترح أخفي لاحقا" not in html
        assert url("commitments:proposal", "ar", kept.pk) not in html


# --- supports ------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_citizen_supports_a_proposal_once_per_mailbox(
    client, django_capture_on_commit_callbacks, language
):
    plan = open_plan()
    proposal = published(plan)
    page = url("commitments:proposal", language, proposal.pk)
    html = client.get(page).content.decode()
    support_url = url("commitments:proposal_support", language, proposal.pk)
    assert f'action="{support_url}#support"' in html
    assert f'name="{formtime.FIELD}" value="' in html
    assert on_page(say(language, SIGNAL), html)
    with translation.override(language):
        zero = ngettext(
            "%(counter)s citizen supports this proposal.",
            "%(counter)s citizens support this proposal.",
            0,
        ) % {"counter": 0}
    assert on_page(zero, html)

    response = post(
        client, support_url, support_data("Soutien@Example.org"), django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == url("commitments:proposal_sent", language)
    support = ProposalSupport.objects.get()
    assert (support.state, support.language) == (ProposalSupport.State.PENDING, language)
    [message] = mail.outbox
    confirm = link_in(message, rf"/{language}/proposals/supports/confirm/[^/]+/")
    shown = client.get(confirm)
    assert on_page(say(language, "Yes, I support this proposal"), shown.content.decode())
    with django_capture_on_commit_callbacks(execute=True):  # the pages showing it refreshed
        assert client.post(confirm).status_code == 200
    support.refresh_from_db()
    proposal.refresh_from_db()
    assert (support.state, support.email, proposal.support_count) == (
        ProposalSupport.State.CONFIRMED,
        "",
        1,
    )
    with translation.override(language):
        one = ngettext(
            "%(counter)s citizen supports this proposal.",
            "%(counter)s citizens support this proposal.",
            1,
        ) % {"counter": 1}
    assert on_page(one, client.get(page).content.decode()), "the cached page is refreshed"

    # The same mailbox written otherwise: no second support, no second count.
    for written in ("SOUTIEN@example.org", "soutien+encore@example.org"):
        again = post(client, support_url, support_data(written), django_capture_on_commit_callbacks)
        assert again.status_code == 302
    assert ProposalSupport.objects.count() == 1
    assert len(mail.outbox) == 1
    proposal.refresh_from_db()
    assert proposal.support_count == 1


def test_a_support_that_can_no_longer_be_counted_says_why(
    client, django_capture_on_commit_callbacks
):
    plan = open_plan()
    proposal = published(plan)
    post(
        client,
        url("commitments:proposal_support", "fr", proposal.pk),
        support_data(),
        django_capture_on_commit_callbacks,
    )
    confirm = link_in(mail.outbox[0], r"/fr/proposals/supports/confirm/[^/]+/")
    kept = published(plan)
    Proposal.objects.filter(pk=proposal.pk).update(duplicate_of=kept)
    response = client.post(confirm)
    assert response.status_code == 400
    refusal = say("fr", "This proposal was merged with another one: support that one instead.")
    assert on_page(refusal, response.content.decode())
    assert f'href="{url("commitments:proposal", "fr", kept.pk)}"' in response.content.decode()
    assert ProposalSupport.objects.get().state == ProposalSupport.State.PENDING


def test_the_follow_form_of_a_proposal_page(client, django_capture_on_commit_callbacks):
    proposal = published(open_plan())
    html = client.get(url("commitments:proposal", "fr", proposal.pk)).content.decode()
    follow_url = url("commitments:follow_proposal", "fr", proposal.pk)
    assert f'action="{follow_url}"' in html
    assert '<details class="follow" id="follow">' in html, "closed until asked for"
    assert on_page(say("fr", "Follow this proposal by e-mail"), html)
    bad = client.post(follow_url, {"email": "not-an-address", "frequency": "immediate"})
    assert bad.status_code == 400
    assert '<details class="follow" id="follow" open>' in bad.content.decode()
    assert proposal.title_ar in bad.content.decode()
    good = post(
        client,
        follow_url,
        {"email": "suivi@example.org", "frequency": "weekly", "consent": "on"},
        django_capture_on_commit_callbacks,
    )
    assert good.status_code == 302 and "/follow/sent/" in good["Location"]


# --- guards --------------------------------------------------------------------------------------


def test_the_honeypot_answers_429_and_saves_nothing(client, django_capture_on_commit_callbacks):
    plan = open_plan()
    response = post(
        client,
        propose_url(plan),
        proposal_data(website="http://spam"),
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 429
    proposal = published(plan)
    support_url = url("commitments:proposal_support", "ar", proposal.pk)
    response = post(
        client, support_url, support_data(website="x"), django_capture_on_commit_callbacks
    )
    assert response.status_code == 429
    assert Proposal.objects.count() == 1 and ProposalSupport.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_a_post_quicker_than_a_person_is_shown_again_with_its_text(client, language):
    plan = open_plan()
    title, body = TEXTS[language]
    data = proposal_data(language, **{formtime.FIELD: formtime.stamp()})
    response = client.post(propose_url(plan, language), data)
    assert response.status_code == 400
    html = response.content.decode()
    message = say(language, "That was very quick: check what you wrote and send it again.")
    assert on_page(message, html)
    assert escape(title) in html and escape(body) in html, "what was typed is kept"
    assert response.context["proposal_form"].is_bound
    assert Proposal.objects.count() == 0 and mail.outbox == []
    # The page shown again carries a fresh stamp: the same post a little later goes through.
    fresh = re.search(rf'name="{formtime.FIELD}" value="([^"]+)"', html).group(1)
    assert formtime.seconds_since(fresh) is not None


@pytest.mark.parametrize("stamp", [None, "", "tampered", "re-signed"])
def test_a_post_without_a_valid_stamp_is_refused(client, stamp):
    plan = open_plan()
    data = proposal_data("fr")
    if stamp is None:
        del data[formtime.FIELD]
    elif stamp == "re-signed":  # an old stamp whose signature was changed
        data[formtime.FIELD] = formtime.stamp(time.time() - 60)[:-2] + "xx"
    else:
        data[formtime.FIELD] = stamp
    response = client.post(propose_url(plan, "fr"), data)
    assert response.status_code == 400
    message = say(
        "fr",
        "This form was open for too long, or did not come from this site. Check what you wrote "
        "and send it again.",
    )
    assert on_page(message, response.content.decode())
    assert Proposal.objects.count() == 0


def test_a_support_quicker_than_a_person_is_refused(client, settings):
    settings.SUPPORT_FORM_MIN_SECONDS = 5
    proposal = published(open_plan())
    support_url = url("commitments:proposal_support", "fr", proposal.pk)
    response = client.post(support_url, support_data(**{formtime.FIELD: formtime.stamp()}))
    assert response.status_code == 400
    assert "soutien@example.org" in response.content.decode()
    assert ProposalSupport.objects.count() == 0


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_outside_the_window_the_form_is_refused_with_the_reason(client, language):
    today = timezone.localdate()
    soon = open_plan(proposals_opens_on=today + 2 * DAY, proposals_closes_on=today + 9 * DAY)
    soon.stage = ActionPlan.Stage.CONSULTATION  # public, its window not yet open
    soon.consultation_opens_on, soon.consultation_closes_on = today - DAY, today + DAY
    soon.save()
    html = client.get(plan_url(soon, language)).content.decode()
    assert formtime.FIELD not in html, "no form before the window opens"
    response = client.post(propose_url(soon, language), proposal_data(language))
    assert response.status_code == 400
    with translation.override(language):
        reason = services.closed_message(soon)
    assert on_page(reason, response.content.decode())
    assert Proposal.objects.count() == 0


def test_rate_limits_count_only_valid_saved_posts(client, settings):
    settings.COMMENT_RATE_LIMITS = {
        "per_ip": 2,
        "per_email": 100,
        "mails_per_email": 100,
        "window": 3600,
    }
    plan = open_plan()
    path = propose_url(plan, "fr")
    for number in range(3):  # invalid posts: shown again, never counted
        bad = proposal_data("fr", email=f"p{number}@example.org", consent="")
        assert client.post(path, bad).status_code == 400
    for number in range(2):
        good = proposal_data("fr", email=f"p{number}@example.org")
        assert client.post(path, good).status_code == 302
    assert client.post(path, proposal_data("fr", email="p9@example.org")).status_code == 429
    assert Proposal.objects.count() == 2
    other = Client(REMOTE_ADDR="10.1.2.3")
    assert other.post(path, proposal_data("fr", email="p9@example.org")).status_code == 302


def test_support_rate_limits_count_new_supports_only(client, settings):
    settings.COMMENT_RATE_LIMITS = {
        "per_ip": 100,
        "per_email": 100,
        "mails_per_email": 100,
        "window": 3600,
    }
    settings.RATE_LIMIT_OVERRIDES = {"supports": {"per_ip": 2}}
    plan = open_plan()
    proposals = [published(plan) for _ in range(3)]
    first = url("commitments:proposal_support", "ar", proposals[0].pk)
    for _ in range(3):  # the same mailbox again: no new support, not counted
        assert client.post(first, support_data("a@example.org")).status_code == 302
    assert client.post(first, support_data("b@example.org")).status_code == 302
    third = url("commitments:proposal_support", "ar", proposals[2].pk)
    assert client.post(third, support_data("c@example.org")).status_code == 429
    assert ProposalSupport.objects.count() == 2


# --- queries -------------------------------------------------------------------------------------


def _page_queries(client, proposal) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(proposal.get_absolute_url()).status_code == 200
    return len(queries)


def test_a_proposal_page_runs_a_fixed_number_of_queries(
    client, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0  # the rendering itself, not the cache
    plan = open_plan()
    small = published(plan)
    small_queries = _page_queries(client, small)
    large = published(plan, theme=factories.ThemeFactory())
    for _ in range(30):
        factories.ProposalSupportFactory(proposal=large)
    for _ in range(8):
        published(plan, duplicate_of=large)
    for number in range(4):
        commitment = factories.CommitmentFactory(plan=plan, reference=f"KEN-2026-{number:02d}")
        commitment.source_proposals.add(large)
    assert _page_queries(client, large) == small_queries
    with django_assert_num_queries(small_queries):
        client.get(large.get_absolute_url())
    # The proposal with its plan, council, workshop, group, theme and kept one; the commitments
    # it became; the proposals merged with it.
    assert small_queries == 3
