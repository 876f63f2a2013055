"""Hostile input through the public Propose and Support forms (issue 18), as
test_hostile_input.py does for comments: each payload of tests/security/payloads.py goes into
each text field of a proposal sent online; it is stored as typed (cleaned as comments are) or
refused with a clear error and nothing stored, and the pages that show it (the confirmation
page, the proposal's page, the public list) hold no markup that came from it. The e-mail field of
the Support form takes each payload too: refused with an error, or accepted as an address."""

from __future__ import annotations

import datetime
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from commitments.proposing import confirmation
from consultations.models import ActionPlan, Proposal, ProposalSupport
from opengov import formtime
from tests import factories
from tests.security.payloads import PAYLOADS, REFUSED, comment_normal_form, form_stored
from tests.security.test_hostile_input import clean_page

pytestmark = [pytest.mark.django_db, pytest.mark.sweep]

DAY = datetime.timedelta(days=1)
# Field, its form's max_length, whether an empty value is refused.
FIELDS = {"title": (200, True), "body": (5000, True), "organisation": (120, False)}
FIELDS["residence"] = (120, False)


@pytest.fixture(scope="module", autouse=True)
def _module_settings():
    limits = {"per_ip": 100_000, "per_email": 100_000, "mails_per_email": 100_000, "window": 3600}
    overrides = {"supports": {"per_ip": 100_000}}
    with override_settings(
        COMMENT_RATE_LIMITS=limits, RATE_LIMIT_OVERRIDES=overrides, PROPOSALS_PER_PAGE=500
    ):
        cache.clear()
        yield


@pytest.fixture(scope="module")
def plan(django_db_setup, django_db_blocker):
    """A plan taking proposals online, published at once, built once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        today = timezone.localdate()
        yield factories.ActionPlanFactory(
            stage=ActionPlan.Stage.PREPARATION,
            proposals_opens_on=today - DAY,
            proposals_closes_on=today + 10 * DAY,
            proposals_need_moderation=False,
        )
        transaction.set_rollback(True)


def _expected(text: str, max_length: int, required: bool) -> object:
    typed = form_stored(text, max_length)
    if typed is REFUSED:
        return REFUSED
    cleaned = comment_normal_form(typed)
    if required and not cleaned:
        return REFUSED
    return cleaned


def _cases():
    for field in FIELDS:
        for payload in PAYLOADS:
            yield pytest.param(field, payload, id=f"{field}-{payload.id}")


@pytest.mark.parametrize(("field", "payload"), _cases())
def test_proposal_is_stored_as_typed_or_refused_and_shown_as_text(client, plan, field, payload):
    data = {
        "kind": "proposal",
        "theme": "",
        "title": "Éclairage public",
        "body": "Les rues sont sombres.",
        "organisation": "",
        "residence": "",
        "email": "citizen@example.org",
        "consent": "on",
        "website": "",
        formtime.FIELD: formtime.stamp(time.time() - 60),
        field: payload.text,
    }
    url = reverse("commitments:plan_proposals", args=[plan.council.slug, plan.start_year])
    before = Proposal.objects.count()
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="fr")
    if len(payload.text.encode()) > settings.PUBLIC_MAX_BODY_BYTES:
        assert response.status_code == 413
        assert Proposal.objects.count() == before
        return
    max_length, required = FIELDS[field]
    expected = _expected(payload.text, max_length, required)
    if expected is REFUSED:
        assert response.status_code == 400
        assert Proposal.objects.count() == before
        page = response.content.decode()
        assert 'class="error"' in page or "errorlist" in page, "a clear error is shown"
        clean_page(page)  # what was typed is given back in the form, inert
        return
    assert response.status_code == 302, response.content.decode()[:2000]
    proposal = Proposal.objects.latest("pk")
    language = proposal.language
    stored = {
        "title": getattr(proposal, f"title_{language}"),
        "body": getattr(proposal, f"body_{language}"),
        "organisation": proposal.submitted_by,
        "residence": proposal.residence,
    }
    assert stored[field] == expected
    confirm = reverse("commitments:proposal_confirm", args=[confirmation.proposal_token(proposal)])
    clean_page(client.get(confirm).content.decode())
    assert client.post(confirm).status_code == 200
    proposal.refresh_from_db()
    assert proposal.publication == Proposal.Publication.PUBLISHED
    clean_page(client.get(proposal.get_absolute_url()).content.decode())
    listing = client.get(reverse("consultations:proposals"), {"plan": plan.pk})
    clean_page(listing.content.decode())


@pytest.mark.parametrize("payload", PAYLOADS, ids=[p.id for p in PAYLOADS])
def test_support_email_takes_hostile_input_without_harm(client, plan, payload):
    proposal = factories.OnlineProposalFactory(plan=plan)
    data = {
        "email": payload.text,
        "consent": "on",
        "website": "",
        formtime.FIELD: formtime.stamp(time.time() - 60),
    }
    url = reverse("commitments:proposal_support", args=[proposal.pk])
    response = client.post(url, data)
    if len(payload.text.encode()) > settings.PUBLIC_MAX_BODY_BYTES:
        assert response.status_code == 413
    elif response.status_code == 400:
        assert not ProposalSupport.objects.filter(proposal=proposal).exists()
        clean_page(response.content.decode())
    else:
        assert response.status_code == 302
        assert ProposalSupport.objects.filter(proposal=proposal).count() == 1
