"""The open-data API (/api/v1/): shapes in both languages, filters, pagination, nothing
unpublished and no e-mail address, read-only, conditional GET and its cache, the OpenAPI schema and
its documentation page, a fixed number of queries, and a schemathesis fuzz run."""

import base64
import datetime
import json
import re
from types import SimpleNamespace

import pytest
import schemathesis
import yaml
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from commitments.models import (
    Comment,
    Commitment,
    Forum,
    Milestone,
    PlanDocument,
    PlanPublication,
)
from consultations.models import ActionPlan, Council, Proposal, ProposalSupport, Workshop
from devdata.demo import load_demo
from opengov import dataversion
from tests import factories

pytestmark = pytest.mark.django_db

Stage = ActionPlan.Stage
API = "/api/v1/"
ENDPOINTS = [
    "councils",
    "plans",
    "commitments",
    "programmes",
    "sdgs",
    "workshops",
    "proposals",
    "comments",
    "forums",
    "endorsements",
]
# The large collections are paged by cursor: no total, no page number (opendata/api/views.py).
CURSOR_PAGED = {"proposals", "comments"}
SECRET = "SECRETPREP"  # in every text of the plan in preparation

# Every e-mail address the data holds; none may ever appear in an answer.
EMAILS = {
    "council": "council.contact@mail.test",
    "commitment": "commitment.contact@mail.test",
    "pending": "pending.author@mail.test",
    "confirmed": "confirmed.author@mail.test",
    "hidden": "hidden.author@mail.test",
    "published": "published.author@mail.test",
    "reply": "reply.author@mail.test",
    "prep": "prep.author@mail.test",
    "user": "answering.user@mail.test",
    "proposer": "proposer.author@mail.test",
    "supporter": "supporter.author@mail.test",
}

COUNCIL_KEYS = {
    "slug",
    "code",
    "kind",
    "name_ar",
    "name_fr",
    "region",
    "in_network_since",
    "website",
    "url",
}
PLAN_KEYS = {
    "id",
    "council",
    "start_year",
    "end_year",
    "title_ar",
    "title_fr",
    "introduction_ar",
    "introduction_fr",
    "stage",
    "consultation_opens_on",
    "consultation_closes_on",
    "predecessor",
    "submitted_on",
    "ogp_page_url",
    "original_language",
    "translation_pending",
    "updated_at",
    "url",
    "documents",
    "inception_assessment",
}
DOCUMENT_KEYS = {"language", "version", "sha256", "size", "generated_at", "is_current", "url"}
COMMITMENT_KEYS = {
    "id",
    "plan",
    "council",
    "reference",
    "theme",
    "status",
    *[
        f"{name}_{code}"
        for name in (
            "title",
            "problem",
            "status_quo",
            "description",
            "expected_results",
            "ogp_relevance",
            "lead_agency",
            "partners",
            "contribution",
            "long_term_goal",
        )
        for code in ("ar", "fr")
    ],
    "transparency",
    "participation",
    "accountability",
    "technology_innovation",
    "start_date",
    "start_date_precision",
    "end_date",
    "end_date_precision",
    "budget",
    "ogp_id",
    "ogp_url",
    "challenge_area",
    "policy_area",
    "sector",
    "original_language",
    "original_wording",
    "translation_pending",
    "completion",
    "sdgs",
    "programme",
    "programme_reference",
    "updated_at",
    "url",
    "milestones",
    "indicators",
    "source_proposals",
    "assessment",
}
MILESTONE_KEYS = {
    "id",
    "title_ar",
    "title_fr",
    "deliverable_ar",
    "deliverable_fr",
    "evidence_ar",
    "evidence_fr",
    "responsible_ar",
    "responsible_fr",
    "start_date",
    "start_date_precision",
    "due_date",
    "due_date_precision",
    "status",
    "completed_on",
    "evidence_url",
    "updates",
}
INDICATOR_KEYS = {
    "id",
    "name_ar",
    "name_fr",
    "unit_ar",
    "unit_fr",
    "source_ar",
    "source_fr",
    "baseline",
    "target",
    "latest_value",
    "latest_value_on",
    "values",
}
WORKSHOP_KEYS = {
    "id",
    "council",
    "plan",
    "kind",
    *[
        f"{name}_{code}"
        for name in ("title", "venue", "city", "chaired_by", "summary")
        for code in ("ar", "fr")
    ],
    "starts_on",
    "ends_on",
    "participants",
    "working_groups",
    "url",
}
PARTICIPANT_KEYS = {
    "civil_society",
    "deconcentrated_services",
    "elected_members",
    "academics",
    "private_sector",
    "citizens",
    "other",
    "women",
    "men",
    "total",
}
GROUP_KEYS = {"id", "position", "title_ar", "title_fr", "theme", "facilitator", "rapporteur"}
PROPOSAL_KEYS = {
    "id",
    "council",
    "plan",
    "workshop",
    "working_group",
    "theme",
    "kind",
    "title_ar",
    "title_fr",
    "body_ar",
    "body_fr",
    "response_ar",
    "response_fr",
    "submitted_by",
    "status",
    "responded_at",
    "online",
    "residence",
    "support_count",
    "duplicate_of",
    "commitments",
    "url",
}
COMMENT_KEYS = {
    "id",
    "plan",
    "commitment",
    "parent",
    "phase",
    "author_name",
    "body",
    "language",
    "published_at",
    "official_reply",
    "replied_at",
}
FORUM_KEYS = {
    "id",
    "council",
    "name_ar",
    "name_fr",
    "description_ar",
    "description_fr",
    "established_on",
    "composition",
    "members",
    "meetings",
}
ENDORSEMENT_KEYS = {
    "id",
    "plan",
    "council",
    "forum",
    "version",
    "endorsed_on",
    "meeting",
    "statement_ar",
    "statement_fr",
}
KEYS = {
    "councils": COUNCIL_KEYS,
    "plans": PLAN_KEYS,
    "commitments": COMMITMENT_KEYS,
    "workshops": WORKSHOP_KEYS,
    "proposals": PROPOSAL_KEYS,
    "comments": COMMENT_KEYS,
    "forums": FORUM_KEYS,
    "endorsements": ENDORSEMENT_KEYS,
    "programmes": {
        "id",
        "council",
        "kind",
        "title_ar",
        "title_fr",
        "start_year",
        "end_year",
        "url",
        "document_url",
    },
    "sdgs": {"number", "name_ar", "name_fr", "name_en"},
}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Answers are cached in Redis by data version: start every test from an empty cache."""
    cache.clear()
    yield
    cache.clear()


# --- data ------------------------------------------------------------------------------------


def make_comment(plan, email, state, commitment=None, parent=None, **values):
    now = timezone.now()
    extra = {"published_at": now} if state == Comment.State.PUBLISHED else {}
    if state == Comment.State.HIDDEN:
        extra["hidden_reason"] = "Hors sujet"
    return Comment.objects.create(
        plan=plan,
        commitment=commitment,
        parent=parent,
        author_name=values.pop("author_name", f"Auteur {state}"),
        email=email,
        body=values.pop("body", f"Commentaire {state}"),
        language="fr",
        consent_at=now,
        state=state,
        **extra,
        **values,
    )


def make_document(plan, language="ar", version=1):
    publication, _ = PlanPublication.objects.get_or_create(
        plan=plan, version=version, defaults={"status": PlanPublication.Status.DONE}
    )
    return PlanDocument.objects.create(
        plan=plan,
        publication=publication,
        language=language,
        version=version,
        file=f"plans/doc-{plan.pk}-{language}-{version}.pdf",
        sha256="a" * 64,
        size=1234,
        generated_at=timezone.now(),
        is_current=True,
    )


def online_proposals(plan, prefix):
    """Proposals sent online: a published one with confirmed supports, its published duplicate,
    and one in each unpublished state, all with their author's e-mail address and a pending
    support's."""
    Publication = Proposal.Publication

    def make(key, publication=Publication.PUBLISHED, **values):
        return factories.OnlineProposalFactory(
            plan=plan,
            title_fr=f"{prefix} en ligne {key}",
            title_ar=f"{prefix} عبر الإنترنت {key}",
            residence=values.pop("residence", ""),
            email=EMAILS["proposer"],
            client_hash="c" * 64,
            publication=publication,
            hidden_reason="Hors sujet" if publication == Publication.HIDDEN else "",
            **values,
        )

    kept = make("kept", submitted_by="Association Amal", residence="Tétouan", support_count=7)
    made = SimpleNamespace(
        kept=kept,
        duplicate=make("duplicate", duplicate_of=kept, residence="Martil"),
        **{state: make(state, state) for state in ("pending", "awaiting", "hidden")},
    )
    # A support waiting for its confirmation still holds the address.
    factories.ProposalSupportFactory(
        proposal=kept,
        mailbox="m" * 64,
        email=EMAILS["supporter"],
        state=ProposalSupport.State.PENDING,
        confirmed_at=None,
    )
    return made


def fill_plan(plan, theme, prefix, commitments=2, kind=Workshop.Kind.CO_CREATION, status="ongoing"):
    """A workshop with a group and proposals, commitments with milestones and indicators."""
    workshop = factories.WorkshopFactory(
        council=plan.council,
        plan=plan,
        kind=kind,
        title_fr=f"{prefix} atelier",
        title_ar=f"{prefix} ورشة",
    )
    group = factories.WorkingGroupFactory(workshop=workshop, theme=theme, position=1)
    proposals = [
        factories.ProposalFactory(
            working_group=group,
            kind=kind_,
            status=status_,
            title_fr=f"{prefix} proposition {n}",
            title_ar=f"{prefix} مقترح {n}",
        )
        for n, (kind_, status_) in enumerate(
            [
                (Proposal.Kind.PROBLEM, Proposal.Status.MERGED),
                (Proposal.Kind.RECOMMENDATION, Proposal.Status.RECEIVED),
            ]
        )
    ]
    online = online_proposals(plan, prefix)
    made = []
    for number in range(1, commitments + 1):
        commitment = factories.CommitmentFactory(
            plan=plan,
            theme=theme,
            status=status,
            reference=f"{plan.council.code}-{plan.start_year}-{number:02d}",
            title_fr=f"{prefix} engagement {number}",
            title_ar=f"{prefix} التزام {number}",
            contact_email=EMAILS["commitment"],
        )
        commitment.source_proposals.add(proposals[0])
        factories.MilestoneFactory(commitment=commitment, title_fr=f"{prefix} jalon")
        factories.MilestoneFactory(
            commitment=commitment,
            status=Milestone.Status.COMPLETED,
            completed_on=datetime.date(2024, 6, 1),
        )
        factories.IndicatorFactory(commitment=commitment)
        made.append(commitment)
    # The council's forum: a member who agreed to be named, one who did not (never shown).
    forum = Forum.objects.filter(council=plan.council).first() or factories.ForumFactory(
        council=plan.council
    )
    code = plan.council.code
    factories.ForumMemberFactory(forum=forum, name=f"Membre {code}", public=True)
    factories.ForumMemberFactory(forum=forum, name=f"{SECRET} membre {code}", public=False)
    meeting = factories.ForumMeetingFactory(
        forum=forum, plan=plan, title_fr=f"{prefix} réunion", minutes_fr=f"{prefix} procès-verbal"
    )
    endorsement = factories.PlanEndorsementFactory(
        plan=plan, forum=forum, meeting=meeting, statement_fr=f"{prefix} avis du forum"
    )
    return SimpleNamespace(
        workshop=workshop,
        group=group,
        proposals=proposals,
        online=online,
        commitments=made,
        forum=forum,
        endorsement=endorsement,
    )


@pytest.fixture
def world():
    """Two public plans of different councils, themes and stages, a network meeting, a plan in
    preparation full of SECRETPREP texts, comments in every state, and e-mail addresses."""
    user = factories.UserFactory(username="answering", email=EMAILS["user"])
    region = factories.CouncilFactory(
        kind=Council.Kind.REGION, slug="region-a", code="RGA", contact_email=EMAILS["council"]
    )
    commune = factories.CouncilFactory(
        kind=Council.Kind.COMMUNE,
        slug="commune-b",
        code="CMB",
        parent=region,
        in_network_since=None,
        contact_email=EMAILS["council"],
    )
    other = factories.CouncilFactory(kind=Council.Kind.REGION, slug="region-c", code="RGC")
    theme_a = factories.ThemeFactory(slug="theme-a")
    theme_b = factories.ThemeFactory(slug="theme-b")
    plan_a = factories.ActionPlanFactory(
        council=region, stage=Stage.IMPLEMENTATION, start_year=2024, end_year=2026
    )
    plan_b = factories.ActionPlanFactory(
        council=commune,
        stage=Stage.CONSULTATION,
        start_year=2021,
        end_year=2023,
        title_fr="Plan de la commune",
        title_ar="خطة الجماعة",
    )
    prep = factories.ActionPlanFactory(
        council=other,
        stage=Stage.PREPARATION,
        title_fr=f"{SECRET} plan",
        title_ar=f"{SECRET} خطة",
        introduction_fr=f"{SECRET} introduction",
    )
    a = fill_plan(plan_a, theme_a, "A", status=Commitment.Status.ONGOING)
    b = fill_plan(
        plan_b,
        theme_b,
        "B",
        kind=Workshop.Kind.TERRITORIAL_CONSULTATION,
        status=Commitment.Status.COMPLETED,
    )
    hidden = fill_plan(prep, theme_a, SECRET)
    Proposal.objects.filter(pk=a.proposals[0].pk).update(
        responded_by=user, response_fr="Retenue", responded_at=timezone.now()
    )
    meeting = factories.WorkshopFactory(
        council=region, plan=None, kind=Workshop.Kind.NETWORK_MEETING, title_fr="Rencontre"
    )
    document = make_document(plan_a)
    programme = factories.CouncilProgrammeFactory(council=region)
    comments = {
        state: make_comment(
            plan_b, EMAILS[state], state, author_name=f"Nom-{state}", body=f"Texte-{state}"
        )
        for state in Comment.State.values
    }
    comments["reply"] = make_comment(
        plan_b,
        EMAILS["reply"],
        Comment.State.PUBLISHED,
        commitment=b.commitments[0],
        official_reply="Merci",
    )
    comments["prep"] = make_comment(
        prep, EMAILS["prep"], Comment.State.PUBLISHED, body=f"{SECRET} commentaire"
    )
    return SimpleNamespace(
        region=region,
        commune=commune,
        other=other,
        theme_a=theme_a,
        theme_b=theme_b,
        plan_a=plan_a,
        plan_b=plan_b,
        prep=prep,
        a=a,
        b=b,
        hidden=hidden,
        meeting=meeting,
        document=document,
        programme=programme,
        comments=comments,
    )


def results(client, endpoint, **params):
    response = client.get(f"{API}{endpoint}/", {"page_size": 200, **params})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["next"] is None
    return data["results"]


def detail_paths(world):
    return {
        "councils": f"{API}councils/{world.commune.slug}/",
        "plans": f"{API}plans/{world.plan_a.pk}/",
        "commitments": f"{API}commitments/{world.a.commitments[0].pk}/",
        "workshops": f"{API}workshops/{world.a.workshop.pk}/",
        "proposals": f"{API}proposals/{world.a.proposals[0].pk}/",
        "comments": f"{API}comments/{world.comments['reply'].pk}/",
        "forums": f"{API}forums/{world.a.forum.pk}/",
        "endorsements": f"{API}endorsements/{world.b.endorsement.pk}/",
        "programmes": f"{API}programmes/{world.programme.pk}/",
        "sdgs": f"{API}sdgs/16/",
    }


def all_paths(world):
    paths = [f"{API}{endpoint}/?page_size=200" for endpoint in ENDPOINTS]
    return paths + list(detail_paths(world).values())


# --- shapes ----------------------------------------------------------------------------------


def test_api_root_lists_every_endpoint(client):
    response = client.get(API)
    assert response.status_code == 200
    assert set(response.json()) == set(ENDPOINTS)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_and_detail_have_the_documented_keys(client, world, endpoint):
    response = client.get(f"{API}{endpoint}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    page = response.json()
    if endpoint in CURSOR_PAGED:
        assert set(page) == {"next", "previous", "results"}
        assert len(page["results"]) > 0
    else:
        assert set(page) == {"count", "next", "previous", "results"}
        assert page["count"] == len(page["results"]) > 0
    for item in page["results"]:
        assert set(item) == KEYS[endpoint]
    detail = client.get(detail_paths(world)[endpoint])
    assert detail.status_code == 200
    assert set(detail.json()) == KEYS[endpoint]


def test_council_in_both_languages(client, world):
    data = client.get(detail_paths(world)["councils"]).json()
    assert data["name_ar"] == world.commune.name_ar and data["name_fr"] == world.commune.name_fr
    assert data["kind"] == "commune"
    assert data["region"] == "region-a"
    assert data["in_network_since"] is None
    assert data["url"].endswith(world.commune.get_absolute_url())
    region = client.get(f"{API}councils/region-a/").json()
    assert region["region"] is None and region["in_network_since"] == "2022-01-01"


def test_plan_in_both_languages_with_its_documents(client, world):
    data = client.get(detail_paths(world)["plans"]).json()
    plan = world.plan_a
    assert (data["title_ar"], data["title_fr"]) == (plan.title_ar, plan.title_fr)
    assert data["council"] == "region-a"
    assert (data["start_year"], data["end_year"], data["stage"]) == (2024, 2026, "implementation")
    assert data["url"].startswith(f"{django_settings.SITE_URL}/")
    assert data["url"].endswith(plan.get_absolute_url())
    assert len(data["documents"]) == 1
    document = data["documents"][0]
    assert set(document) == DOCUMENT_KEYS
    assert document["language"] == "ar" and document["version"] == 1
    assert document["sha256"] == "a" * 64 and document["size"] == 1234
    assert document["is_current"] is True
    assert document["url"] == (
        f"{django_settings.SITE_URL}{plan.get_absolute_url()}documents/{world.document.pk}/"
    )
    other = client.get(f"{API}plans/{world.plan_b.pk}/").json()
    assert other["documents"] == []
    assert other["title_fr"] == "Plan de la commune" and other["title_ar"] == "خطة الجماعة"


def test_commitment_nests_milestones_and_indicators(client, world):
    commitment = world.a.commitments[0]
    data = client.get(detail_paths(world)["commitments"]).json()
    assert (data["title_ar"], data["title_fr"]) == (commitment.title_ar, commitment.title_fr)
    assert data["lead_agency_ar"] == "مجلس الجهة"
    assert data["lead_agency_fr"] == "Conseil de la région"
    assert data["plan"] == world.plan_a.pk and data["council"] == "region-a"
    assert data["reference"] == commitment.reference and data["theme"] == "theme-a"
    assert data["transparency"] is True and data["participation"] is False
    assert data["source_proposals"] == [world.a.proposals[0].pk]
    milestones = commitment.milestones.all()
    assert sorted(m["id"] for m in data["milestones"]) == sorted(m.pk for m in milestones)
    for milestone in data["milestones"]:
        assert set(milestone) == MILESTONE_KEYS
        assert milestone["title_ar"] and milestone["title_fr"]
    assert {m["status"] for m in data["milestones"]} == {"not_started", "completed"}
    completed = next(m for m in data["milestones"] if m["status"] == "completed")
    assert completed["completed_on"] == "2024-06-01"
    indicator = commitment.indicators.get()
    assert len(data["indicators"]) == 1
    assert set(data["indicators"][0]) == INDICATOR_KEYS
    assert data["indicators"][0]["id"] == indicator.pk
    assert data["indicators"][0]["name_ar"] == indicator.name_ar
    assert data["indicators"][0]["name_fr"] == indicator.name_fr
    assert data["indicators"][0]["unit_fr"] == "nombre"
    # The list nests the same things.
    listed = next(c for c in results(client, "commitments") if c["id"] == commitment.pk)
    assert listed == data


def test_workshop_nests_working_groups_and_participants(client, world):
    workshop = world.a.workshop
    data = client.get(detail_paths(world)["workshops"]).json()
    assert (data["title_ar"], data["title_fr"]) == (workshop.title_ar, workshop.title_fr)
    assert data["venue_fr"] == "Centre régional de formation"
    assert data["venue_ar"] == "مركز التكوين الجهوي"
    assert data["council"] == "region-a" and data["plan"] == world.plan_a.pk
    assert set(data["participants"]) == PARTICIPANT_KEYS
    assert data["participants"]["civil_society"] == 20
    assert data["participants"]["deconcentrated_services"] == 10
    assert data["participants"]["women"] == 14 and data["participants"]["men"] == 16
    assert data["participants"]["total"] == 30
    assert len(data["working_groups"]) == 1
    group = data["working_groups"][0]
    assert set(group) == GROUP_KEYS
    assert group["id"] == world.a.group.pk and group["theme"] == "theme-a"
    assert (group["title_ar"], group["title_fr"]) == (
        world.a.group.title_ar,
        world.a.group.title_fr,
    )
    meeting = client.get(f"{API}workshops/{world.meeting.pk}/").json()
    assert meeting["plan"] is None and meeting["kind"] == "network_meeting"
    assert meeting["working_groups"] == []


def test_proposal_and_comment_shapes(client, world):
    proposal = world.a.proposals[0]
    data = client.get(detail_paths(world)["proposals"]).json()
    assert (data["title_ar"], data["title_fr"]) == (proposal.title_ar, proposal.title_fr)
    assert data["body_ar"] == "نص المقترح" and data["body_fr"] == "Texte de la proposition"
    assert data["response_fr"] == "Retenue"
    assert data["council"] == "region-a" and data["theme"] == "theme-a"
    assert data["plan"] == world.plan_a.pk and data["workshop"] == world.a.workshop.pk
    assert data["working_group"] == world.a.group.pk
    assert sorted(data["commitments"]) == sorted(c.pk for c in world.a.commitments)
    comment = client.get(detail_paths(world)["comments"]).json()
    reply = world.comments["reply"]
    assert comment["commitment"] == world.b.commitments[0].reference
    assert comment["plan"] == world.plan_b.pk and comment["official_reply"] == "Merci"
    assert comment["author_name"] == reply.author_name and comment["body"] == reply.body


# --- filters ---------------------------------------------------------------------------------


FILTERS = [
    # (endpoint, params(world), predicate(world, item))
    ("councils", lambda w: {"kind": "commune"}, lambda w, i: i["kind"] == "commune"),
    ("councils", lambda w: {"kind": "region"}, lambda w, i: i["kind"] == "region"),
    ("councils", lambda w: {"in_network": "true"}, lambda w, i: i["in_network_since"]),
    ("councils", lambda w: {"in_network": "false"}, lambda w, i: not i["in_network_since"]),
    ("councils", lambda w: {"region": "region-a"}, lambda w, i: i["region"] == "region-a"),
    ("plans", lambda w: {"council": "commune-b"}, lambda w, i: i["council"] == "commune-b"),
    ("plans", lambda w: {"stage": "consultation"}, lambda w, i: i["stage"] == "consultation"),
    ("plans", lambda w: {"stage": "implementation"}, lambda w, i: i["stage"] == "implementation"),
    ("plans", lambda w: {"year": 2022}, lambda w, i: i["start_year"] <= 2022 <= i["end_year"]),
    ("plans", lambda w: {"year": 2026}, lambda w, i: i["start_year"] <= 2026 <= i["end_year"]),
    ("commitments", lambda w: {"council": "region-a"}, lambda w, i: i["council"] == "region-a"),
    ("commitments", lambda w: {"plan": w.plan_b.pk}, lambda w, i: i["plan"] == w.plan_b.pk),
    ("commitments", lambda w: {"theme": "theme-b"}, lambda w, i: i["theme"] == "theme-b"),
    ("commitments", lambda w: {"status": "ongoing"}, lambda w, i: i["status"] == "ongoing"),
    ("workshops", lambda w: {"council": "commune-b"}, lambda w, i: i["council"] == "commune-b"),
    ("workshops", lambda w: {"plan": w.plan_a.pk}, lambda w, i: i["plan"] == w.plan_a.pk),
    (
        "workshops",
        lambda w: {"kind": "network_meeting"},
        lambda w, i: i["kind"] == "network_meeting",
    ),
    (
        "workshops",
        lambda w: {"kind": "territorial_consultation"},
        lambda w, i: i["kind"] == "territorial_consultation",
    ),
    ("proposals", lambda w: {"council": "region-a"}, lambda w, i: i["council"] == "region-a"),
    ("proposals", lambda w: {"plan": w.plan_b.pk}, lambda w, i: i["plan"] == w.plan_b.pk),
    (
        "proposals",
        lambda w: {"workshop": w.a.workshop.pk},
        lambda w, i: i["workshop"] == w.a.workshop.pk,
    ),
    ("proposals", lambda w: {"theme": "theme-b"}, lambda w, i: i["theme"] == "theme-b"),
    ("proposals", lambda w: {"kind": "problem"}, lambda w, i: i["kind"] == "problem"),
    ("proposals", lambda w: {"status": "received"}, lambda w, i: i["status"] == "received"),
    ("proposals", lambda w: {"online": "true"}, lambda w, i: i["online"] is True),
    ("proposals", lambda w: {"online": "false"}, lambda w, i: i["online"] is False),
    (
        "comments",
        lambda w: {"commitment": w.b.commitments[0].reference},
        lambda w, i: i["commitment"] == w.b.commitments[0].reference,
    ),
]


@pytest.mark.parametrize(
    ("endpoint", "params", "predicate"),
    FILTERS,
    ids=[f"{f[0]}-{i}" for i, f in enumerate(FILTERS)],
)
def test_filters_narrow_the_results(client, world, endpoint, params, predicate):
    everything = results(client, endpoint)
    expected = [item for item in everything if predicate(world, item)]
    assert 0 < len(expected) < len(everything), "the filter must have something to narrow"
    filtered = results(client, endpoint, **params(world))
    assert filtered == expected


def test_comments_filter_by_plan(client, world):
    # Only plan_b has public comments: the filter keeps them all for it, none for plan_a.
    published = [world.comments["published"].pk, world.comments["reply"].pk]
    by_plan_b = results(client, "comments", plan=world.plan_b.pk)
    assert sorted(c["id"] for c in by_plan_b) == sorted(published)
    assert results(client, "comments", plan=world.plan_a.pk) == []


def test_filter_on_a_preparation_stage_or_plan_reveals_nothing(client, world):
    response = client.get(f"{API}plans/", {"stage": "preparation"})
    assert response.status_code in (200, 400)
    assert SECRET.encode() not in response.content
    if response.status_code == 200:
        assert response.json()["results"] == []
    for endpoint in ("commitments", "workshops", "proposals", "comments"):
        assert results(client, endpoint, plan=world.prep.pk) == [], endpoint
    assert results(client, "plans", council="region-c") == []


# --- pagination ------------------------------------------------------------------------------


def many_councils(number):
    Council.objects.bulk_create(
        Council(
            kind=Council.Kind.COMMUNE,
            slug=f"bulk-{n:04d}",
            code=f"B{n:04d}",
            name_fr=f"Commune {n}",
            name_ar=f"جماعة {n}",
        )
        for n in range(number)
    )
    dataversion.bump()


def test_page_size_and_next_links(client):
    many_councils(7)
    first = client.get(f"{API}councils/", {"page_size": 3}).json()
    assert first["count"] == 7 and len(first["results"]) == 3
    assert first["previous"] is None
    assert first["next"].startswith(f"{django_settings.SITE_URL}/api/v1/councils/")
    assert "page=2" in first["next"] and "page_size=3" in first["next"]
    seen = [c["slug"] for c in first["results"]]
    url = first["next"]
    while url:
        page = client.get(url).json()
        seen += [c["slug"] for c in page["results"]]
        url = page["next"]
    assert seen == sorted(f"bulk-{n:04d}" for n in range(7))
    last = client.get(f"{API}councils/", {"page_size": 3, "page": 3}).json()
    assert len(last["results"]) == 1 and last["next"] is None and "page=2" in last["previous"]


def test_default_page_size_is_50_and_page_size_is_capped_at_200(client):
    many_councils(205)
    default = client.get(f"{API}councils/").json()
    assert default["count"] == 205 and len(default["results"]) == 50
    capped = client.get(f"{API}councils/", {"page_size": 500}).json()
    assert len(capped["results"]) == 200
    assert capped["next"] is not None and "page=2" in capped["next"]
    rest = client.get(capped["next"]).json()
    assert len(rest["results"]) == 5


def many_comments(number):
    council = factories.CouncilFactory(slug="talkative")
    plan = factories.ActionPlanFactory(council=council, stage=Stage.CONSULTATION)
    states = [Comment.State.PUBLISHED, Comment.State.PUBLISHED, Comment.State.HIDDEN]
    made = [make_comment(plan, f"c{n}@mail.test", states[n % len(states)]) for n in range(number)]
    dataversion.bump()
    return sorted(c.pk for c in made if c.state == Comment.State.PUBLISHED)


def walk(client, url, params=None):
    """Every page of a cursor-paged list, following the next links; the ids in order."""
    seen, pages = [], 0
    response = client.get(url, params or {})
    while True:
        assert response.status_code == 200, response.content
        page = response.json()
        assert "count" not in page
        seen += [item["id"] for item in page["results"]]
        pages += 1
        if not page["next"]:
            return seen, pages
        assert "cursor=" in page["next"] and "page=" not in page["next"]
        response = client.get(page["next"])


def test_comments_are_paged_by_cursor_in_id_order_without_gaps_or_repeats(client):
    published = many_comments(11)
    seen, pages = walk(client, f"{API}comments/", {"page_size": 3})
    assert seen == published
    assert pages == 3  # 8 published of 11: 3 + 3 + 2


def test_cursor_walk_neither_skips_nor_repeats_rows_added_meanwhile(client):
    published = many_comments(6)
    first = client.get(f"{API}comments/", {"page_size": 2}).json()
    assert [c["id"] for c in first["results"]] == published[:2]
    plan = Comment.objects.get(pk=published[0]).plan
    newer = make_comment(plan, "late@mail.test", Comment.State.PUBLISHED)
    dataversion.bump()
    seen, _ = walk(client, first["next"])
    assert seen == [*published[2:], newer.pk]
    previous = client.get(first["next"]).json()["previous"]
    assert [c["id"] for c in client.get(previous).json()["results"]] == published[:2]


def test_cursor_page_size_is_capped_at_200(client):
    many_comments(306)  # 204 published
    capped = client.get(f"{API}comments/", {"page_size": 500}).json()
    assert len(capped["results"]) == 200
    assert len(client.get(capped["next"]).json()["results"]) == 4
    assert len(client.get(f"{API}comments/").json()["results"]) == 50


@pytest.mark.parametrize("cursor", ["garbage", "%00", "cj0xJnI9Mg", "////"])
def test_a_broken_cursor_is_404(client, cursor):
    many_comments(3)
    for endpoint in CURSOR_PAGED:
        response = client.get(f"{API}{endpoint}/", {"cursor": cursor})
        assert response.status_code == 404, (endpoint, response.content)


def test_a_crafted_cursor_only_positions_the_list(client):
    published = many_comments(9)
    after = base64.b64encode(f"p={published[2]}".encode()).decode()
    seen, _ = walk(client, f"{API}comments/", {"cursor": after})
    assert seen == published[3:]
    beyond = base64.b64encode(b"p=99999999999999").decode()
    assert walk(client, f"{API}comments/", {"cursor": beyond}) == ([], 1)


def test_cursor_filters_still_apply_on_later_pages(client):
    published = many_comments(9)
    other = factories.ActionPlanFactory(
        council=factories.CouncilFactory(slug="other"), stage=Stage.CONSULTATION
    )
    make_comment(other, "x@mail.test", Comment.State.PUBLISHED)
    plan = Comment.objects.get(pk=published[0]).plan_id
    seen, _ = walk(client, f"{API}comments/", {"page_size": 2, "plan": plan})
    assert seen == published


@pytest.mark.parametrize("page", ["99", "0", "abc", "-1"])
def test_unknown_page_is_404(client, page):
    many_councils(3)
    response = client.get(f"{API}councils/", {"page": page})
    assert response.status_code == 404


# --- nothing unpublished, no e-mail ----------------------------------------------------------


def test_plan_in_preparation_is_nowhere(client, world):
    plan_ids = [p["id"] for p in results(client, "plans")]
    assert sorted(plan_ids) == sorted([world.plan_a.pk, world.plan_b.pk])
    assert client.get(f"{API}plans/{world.prep.pk}/").status_code == 404
    hidden_commitments = {c.pk for c in world.hidden.commitments}
    assert hidden_commitments.isdisjoint(c["id"] for c in results(client, "commitments"))
    for pk in hidden_commitments:
        assert client.get(f"{API}commitments/{pk}/").status_code == 404
    assert world.hidden.workshop.pk not in [w["id"] for w in results(client, "workshops")]
    assert client.get(f"{API}workshops/{world.hidden.workshop.pk}/").status_code == 404
    hidden_proposals = {p.pk for p in world.hidden.proposals} | {world.hidden.online.kept.pk}
    assert hidden_proposals.isdisjoint(p["id"] for p in results(client, "proposals"))
    for pk in hidden_proposals:
        assert client.get(f"{API}proposals/{pk}/").status_code == 404
    assert client.get(f"{API}comments/{world.comments['prep'].pk}/").status_code == 404
    # Its council is public (councils are), but nothing of the plan itself.
    assert client.get(f"{API}councils/region-c/").status_code == 200


def test_no_text_of_a_plan_in_preparation_in_any_answer(client, world):
    for path in all_paths(world):
        response = client.get(path)
        assert response.status_code == 200, path
        assert SECRET.encode() not in response.content, path


def test_online_proposals_with_their_supports_residence_and_duplicate(client, world):
    online = world.a.online
    # Merged with a proposal hidden since: the hidden one is never named.
    orphan = factories.OnlineProposalFactory(plan=world.plan_a, duplicate_of=online.hidden)
    listed = {p["id"]: p for p in results(client, "proposals")}
    kept = listed[online.kept.pk]
    assert kept["online"] is True and kept["workshop"] is None
    assert kept["support_count"] == 7 and kept["residence"] == "Tétouan"
    assert kept["submitted_by"] == "Association Amal" and kept["duplicate_of"] is None
    assert listed[online.duplicate.pk]["duplicate_of"] == online.kept.pk
    assert listed[online.duplicate.pk]["residence"] == "Martil"
    assert kept["url"] == f"{django_settings.SITE_URL}{online.kept.get_absolute_url()}"
    assert listed[orphan.pk]["duplicate_of"] is None
    workshop = listed[world.a.proposals[0].pk]
    assert workshop["online"] is False and workshop["support_count"] == 0
    assert client.get(f"{API}proposals/{online.kept.pk}/").json() == kept
    for state in ("pending", "awaiting", "hidden"):
        proposal = getattr(online, state)
        assert proposal.pk not in listed, state
        assert client.get(f"{API}proposals/{proposal.pk}/").status_code == 404, state
    raw = client.get(f"{API}proposals/", {"page_size": 200}).content.decode()
    for state in ("pending", "awaiting", "hidden"):
        assert f"A en ligne {state}" not in raw, state
    for secret in (EMAILS["proposer"], EMAILS["supporter"], "c" * 64, "m" * 64):
        assert secret not in raw, secret
    assert '"client_hash"' not in raw and '"consent_at"' not in raw


def test_only_published_comments(client, world):
    listed = {c["id"] for c in results(client, "comments")}
    assert listed == {world.comments["published"].pk, world.comments["reply"].pk}
    for state in ("pending", "confirmed", "hidden"):
        comment = world.comments[state]
        assert client.get(f"{API}comments/{comment.pk}/").status_code == 404, state
    everything = client.get(f"{API}comments/", {"page_size": 200}).content
    for state in ("pending", "confirmed", "hidden"):
        assert f"Texte-{state}".encode() not in everything
        assert f"Nom-{state}".encode() not in everything
    assert b"Texte-published" in everything


def test_no_email_anywhere(client, world):
    assert Comment.objects.filter(email__in=EMAILS.values()).count() == 6
    for path in all_paths(world):
        response = client.get(path)
        assert response.status_code == 200, path
        raw = response.content.decode()
        for email in EMAILS.values():
            assert email not in raw, (path, email)
        assert "@mail.test" not in raw, path
        assert '"email"' not in raw and '"contact_email"' not in raw, path


def test_schema_documents_no_email(client):
    schema = client.get(f"{API}schema", HTTP_ACCEPT="application/json").json()
    properties = {
        name
        for component in schema["components"]["schemas"].values()
        for name in component.get("properties", {})
    }
    assert properties and not any("email" in name for name in properties)


# --- read-only -------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_read_only(client, world, endpoint, method):
    detail = detail_paths(world)[endpoint]
    before_detail = client.get(detail).content
    counts = {
        model: model.objects.count()
        for model in (Council, ActionPlan, Commitment, Workshop, Proposal, Comment)
    }
    payload = json.dumps({"title_fr": "Changé", "name_fr": "Changé", "body": "Changé"})
    for path in (f"{API}{endpoint}/", detail):
        response = getattr(client, method)(path, payload, content_type="application/json")
        assert response.status_code in (403, 405), (path, response.status_code)
    cache.clear()
    assert client.get(detail).content == before_detail
    for model, count in counts.items():
        assert model.objects.count() == count, model


# --- conditional GET and the cache -----------------------------------------------------------


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_etag_and_last_modified_then_304(client, world, endpoint):
    for path in (f"{API}{endpoint}/", detail_paths(world)[endpoint]):
        response = client.get(path)
        assert response.status_code == 200
        etag, modified = response["ETag"], response["Last-Modified"]
        assert re.fullmatch(r'(W/)?"[^"]+"', etag)
        assert modified.endswith(" GMT")
        again = client.get(path, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again.content == b""
        assert again["ETag"] == etag
        since = client.get(path, HTTP_IF_MODIFIED_SINCE=modified)
        assert since.status_code == 304 and since.content == b""
        other = client.get(path, HTTP_IF_NONE_MATCH='"something-else"')
        assert other.status_code == 200 and other.content == response.content


def test_etag_differs_between_urls(client, world):
    first = client.get(f"{API}commitments/")["ETag"]
    second = client.get(f"{API}commitments/", {"plan": world.plan_a.pk})["ETag"]
    assert first != second
    assert client.get(f"{API}commitments/", HTTP_IF_NONE_MATCH=second).status_code == 200


def test_a_change_invalidates_the_cache(client, world):
    commitment = world.a.commitments[0]
    path = f"{API}commitments/{commitment.pk}/"
    list_path = f"{API}commitments/"
    first = client.get(path)
    first_list = client.get(list_path)
    assert client.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    commitment.title_fr = "Titre tout neuf"
    commitment.save()
    for target, before in ((path, first), (list_path, first_list)):
        conditional = client.get(target, HTTP_IF_NONE_MATCH=before["ETag"])
        assert conditional.status_code == 200, target
        assert conditional["ETag"] != before["ETag"]
        assert "Titre tout neuf" in conditional.content.decode()
        plain = client.get(target)
        assert plain.status_code == 200 and "Titre tout neuf" in plain.content.decode()
        assert plain["ETag"] == conditional["ETag"]
    assert client.get(path).json()["title_fr"] == "Titre tout neuf"


def test_a_change_answers_if_modified_since_with_the_new_data(client, world):
    # Pretend the last change was long ago, then change something now.
    cache.set(
        dataversion.KEY, (1, timezone.now().replace(microsecond=0) - datetime.timedelta(days=1))
    )
    path = f"{API}plans/{world.plan_a.pk}/"
    old = client.get(path)
    assert client.get(path, HTTP_IF_MODIFIED_SINCE=old["Last-Modified"]).status_code == 304
    world.plan_a.title_fr = "Nouveau titre du plan"
    world.plan_a.save()
    response = client.get(path, HTTP_IF_MODIFIED_SINCE=old["Last-Modified"])
    assert response.status_code == 200
    assert response["Last-Modified"] != old["Last-Modified"]
    assert response.json()["title_fr"] == "Nouveau titre du plan"


def test_deleting_invalidates_the_cache(client, world):
    comment = world.comments["published"]
    assert comment.pk in [c["id"] for c in results(client, "comments")]
    comment.delete()
    assert comment.pk not in [c["id"] for c in results(client, "comments")]


def test_answers_are_served_from_the_cache(client, world):
    path = f"{API}plans/"
    first = client.get(path)
    # A change that bypasses the signals (a bulk update) is not seen until the version changes.
    ActionPlan.objects.filter(pk=world.plan_a.pk).update(title_fr="Sans signal")
    with CaptureQueriesContext(connection) as queries:
        cached = client.get(path)
    assert cached.content == first.content and len(queries) == 0
    dataversion.bump()
    assert "Sans signal" in client.get(path).content.decode()


def test_cached_answer_follows_the_readers_language(client, world):
    french = client.get(f"{API}plans/", HTTP_ACCEPT_LANGUAGE="fr")
    assert all("/fr/" in plan["url"] for plan in french.json()["results"])
    arabic = client.get(f"{API}plans/", HTTP_ACCEPT_LANGUAGE="ar")
    assert all("/ar/" in plan["url"] for plan in arabic.json()["results"])
    assert arabic["ETag"] != french["ETag"]


def test_preconditions_never_hide_a_404(client, world):
    modified = client.get(f"{API}plans/")["Last-Modified"]
    for path in (f"{API}plans/{world.prep.pk}/", f"{API}plans/?page=99", f"{API}plans/123456/"):
        assert client.get(path).status_code == 404, path
        response = client.get(path, HTTP_IF_MODIFIED_SINCE=modified)
        assert response.status_code == 404, path


def test_data_version_changes_when_the_change_is_committed(
    world, django_capture_on_commit_callbacks
):
    from django.db import transaction

    before = dataversion.data_version()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        commitment = world.a.commitments[0]
        commitment.title_fr = "Pas encore validé"
        commitment.save()
        # Another reader may cache the not-yet-committed state under this version...
        during = dataversion.data_version()
    # ...so the commit moves the version again: such an answer is never served afterwards.
    after = dataversion.data_version()
    assert after != during and after != before


# --- schema and docs -------------------------------------------------------------------------


def test_schema_is_valid_openapi_3_with_every_endpoint(client):
    response = client.get(f"{API}schema")
    assert response.status_code == 200
    spec = yaml.safe_load(response.content)
    as_json = client.get(f"{API}schema", HTTP_ACCEPT="application/json").json()
    assert spec == as_json
    assert str(spec["openapi"]).startswith("3")
    schemathesis.openapi.from_dict(spec).validate()  # the OpenAPI 3.0 meta-schema
    paths = set(spec["paths"])
    for endpoint in ENDPOINTS:
        assert f"{API}{endpoint}/" in paths, endpoint
        lookup = {"councils": "slug", "sdgs": "number"}.get(endpoint, "id")
        assert f"{API}{endpoint}/{{{lookup}}}/" in paths, endpoint
    for path, operations in spec["paths"].items():
        assert set(operations) <= {"get", "parameters"}, f"{path} is read-only"
    parameters = {p["name"] for p in spec["paths"][f"{API}commitments/"]["get"]["parameters"]}
    assert {"council", "plan", "theme", "status", "page", "page_size"} <= parameters
    for endpoint in CURSOR_PAGED:
        parameters = {p["name"] for p in spec["paths"][f"{API}{endpoint}/"]["get"]["parameters"]}
        assert {"plan", "cursor", "page_size"} <= parameters and "page" not in parameters


def test_docs_page_loads_without_third_party_origins(client):
    response = client.get(f"{API}docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/schema" in html
    assert "https://" not in html and "http://" not in html
    assert not re.search(r"""(src|href)=["']//""", html)
    for link in re.findall(r"""(?:src|href)=["']([^"']+)""", html):
        assert link.startswith("/") and not link.startswith("//"), link
    scripts = re.findall(r"""<script[^>]+src=["']([^"']+)""", html)
    assert scripts, "the documentation needs its script"
    for src in scripts:
        # Redoc's bundle comes from the portal without its third-party logo (test_api_docs.py).
        if src == reverse("api:redoc_script"):
            assert client.get(src).status_code == 200
            continue
        assert src.startswith("/static/"), src
        assert finders.find(src.removeprefix("/static/")), f"{src} is not served by the site"


def openapi_to_json_schema(node):
    """OpenAPI 3.0 schema objects as JSON Schema ("nullable" becomes a null alternative).
    Formats are not checked here, so the oneOf of a blank URL field ("" or a URI) would match
    twice: it is read as anyOf."""
    if isinstance(node, list):
        return [openapi_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {
        "anyOf" if key == "oneOf" else key: openapi_to_json_schema(value)
        for key, value in node.items()
    }
    if converted.pop("nullable", False):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def null_links(world):
    """Data where the optional links are empty: no theme, no region, no commitment."""
    commitment = factories.CommitmentFactory(plan=world.plan_a, theme=None, reference="NUL-01")
    factories.WorkingGroupFactory(workshop=world.a.workshop, theme=None, position=9)
    factories.ProposalFactory(
        working_group=None, workshop=None, plan=world.plan_a, council=world.region, theme=None
    )
    return commitment


@pytest.mark.parametrize(
    "endpoint",
    [
        endpoint
        for endpoint, _field in [
            ("councils", "Council.region"),
            ("plans", ""),
            ("commitments", "Commitment.theme"),
            ("workshops", "WorkingGroup.theme"),
            ("proposals", "Proposal.theme"),
            ("comments", "Comment.commitment"),
        ]
    ],
)
def test_answers_match_the_schema(client, world, endpoint):
    import jsonschema

    null_links(world)
    spec = client.get(f"{API}schema", HTTP_ACCEPT="application/json").json()
    components = openapi_to_json_schema(spec["components"])
    operation = spec["paths"][f"{API}{endpoint}/"]["get"]
    reference = operation["responses"]["200"]["content"]["application/json"]["schema"]
    validator = jsonschema.Draft7Validator({**reference, "components": components})
    page = client.get(f"{API}{endpoint}/", {"page_size": 200}).json()
    assert page["results"]
    errors = {f"{e.absolute_path[-1]}: {e.message}" for e in validator.iter_errors(page)}
    assert errors == set()


def test_council_slug_with_a_nul_character_is_404(client):
    client.raise_request_exception = False
    assert client.get(f"{API}councils/a%00b/").status_code == 404


# --- queries ---------------------------------------------------------------------------------


def grow(count):
    for n in range(count):
        council = factories.CouncilFactory(slug=f"grow-{n}", code=f"GR{n:03d}")
        plan = factories.ActionPlanFactory(council=council, stage=Stage.ADOPTED)
        factories.CouncilProgrammeFactory(council=council)
        make_document(plan, "ar")
        make_document(plan, "fr")
        filled = fill_plan(plan, factories.ThemeFactory(), f"G{n}", commitments=3)
        factories.WorkingGroupFactory(workshop=filled.workshop, position=2)
        make_comment(
            plan, f"g{n}@mail.test", Comment.State.PUBLISHED, commitment=filled.commitments[0]
        )


def queries_of(client, path):
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(path, {"page_size": 200})
    assert response.status_code == 200
    return len(context.captured_queries), len(response.json()["results"])


# The seventeen goals never grow.
@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e != "sdgs"])
def test_list_query_count_does_not_grow_with_rows(client, endpoint, django_assert_max_num_queries):
    grow(1)
    path = f"{API}{endpoint}/"
    small, small_rows = queries_of(client, path)
    grow_more = 4
    for n in range(1, grow_more + 1):
        council = factories.CouncilFactory(slug=f"more-{n}", code=f"MO{n:03d}")
        plan = factories.ActionPlanFactory(council=council, stage=Stage.IMPLEMENTATION)
        factories.CouncilProgrammeFactory(council=council)
        make_document(plan)
        filled = fill_plan(plan, factories.ThemeFactory(), f"M{n}", commitments=3)
        make_comment(
            plan, f"m{n}@mail.test", Comment.State.PUBLISHED, commitment=filled.commitments[1]
        )
    cache.clear()
    with django_assert_max_num_queries(small):
        assert client.get(path).status_code == 200
    large, large_rows = queries_of(client, path)
    assert large_rows > small_rows
    assert large == small


# --- fuzzing ---------------------------------------------------------------------------------


def load_schema():
    """The schema as the application serves it at /api/v1/schema (read once, at collection)."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings

    with override_settings(ALLOWED_HOSTS=["localhost", "testserver"]):
        return schemathesis.openapi.from_wsgi(f"{API}schema", WSGIHandler())


fuzzed = load_schema()


@pytest.fixture
def demo_data(settings):
    """The demo data in the test database (the test's transaction, as every other test); the
    requests go through the WSGI application, in this thread, so they see it."""
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    load_demo()
    cache.clear()
    # As django.test.Client does: the end of a request must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.fuzz
@fuzzed.parametrize()
@hypothesis_settings(
    max_examples=15,
    deadline=None,
    derandomize=True,  # the same cases at every run
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_fuzz_no_server_error(case, demo_data):
    response = case.call_and_validate(checks=[not_a_server_error])
    assert response.status_code < 500


# --- the multi-stakeholder forum ----------------------------------------------------------------


def test_forum_counts_every_current_member_and_names_only_those_who_consented(client, world):
    forum = client.get(detail_paths(world)["forums"]).json()
    assert forum["council"] == "region-a"
    assert forum["composition"]["total"] == 2
    assert forum["composition"]["by_sex"] == {"woman": 2, "man": 0, "not_stated": 0}
    assert forum["composition"]["by_sector"]["civil_society"] == 2
    assert [m["name"] for m in forum["members"]] == ["Membre RGA"]
    assert "sex" not in forum["members"][0]
    assert [m["title_fr"] for m in forum["meetings"]] == ["A réunion"]


def test_forum_of_a_council_with_a_plan_in_preparation_hides_that_plan_meeting(client, world):
    (forum,) = results(client, "forums", council="region-c")
    assert forum["meetings"] == []
    assert forum["composition"]["total"] == 2
    assert [m["name"] for m in forum["members"]] == ["Membre RGC"]


def test_endorsements_of_public_plans_only(client, world):
    listed = results(client, "endorsements")
    assert {e["plan"] for e in listed} == {world.plan_a.pk, world.plan_b.pk}
    endorsement = client.get(detail_paths(world)["endorsements"]).json()
    assert endorsement["version"] == 1
    assert endorsement["statement_fr"] == "B avis du forum"
    assert endorsement["council"] == "commune-b"
    hidden = world.hidden.endorsement.pk
    assert client.get(f"{API}endorsements/{hidden}/").status_code == 404
