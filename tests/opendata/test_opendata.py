"""Open-data downloads: each dataset as CSV (BOM, header, both languages, formulas escaped) and
JSON, only public data and no e-mail, the filters of the public pages, conditional GET, the Decidim
results CSV, the ZIP with its README and its rebuild task, the Atom feed of a plan and the page
listing the downloads."""

import csv
import datetime
import io
import json
import re
import zipfile
from types import SimpleNamespace
from xml.etree import ElementTree

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from commitments.models import Comment, Commitment, Milestone
from consultations.models import ActionPlan, Council, PlanStageChange, Proposal, ProposalSupport
from opendata import bundle, datasets
from opendata.decidim import MILESTONE_ID_OFFSET, decidim_columns
from tests import factories

pytestmark = pytest.mark.django_db

Stage = ActionPlan.Stage
MStatus = Milestone.Status
ATOM = "{http://www.w3.org/2005/Atom}"
SECRET = "SECRETPREP"
BOM = b"\xef\xbb\xbf"
ARABIC = re.compile(r"[\u0600-\u06ff]")
LATIN = re.compile(r"[A-Za-z]")

DATASET_NAMES = [
    "councils",
    "plans",
    "commitments",
    "milestones",
    "indicators",
    "workshops",
    "working_groups",
    "proposals",
    "comments",
    "milestone_updates",
    "indicator_values",
    "programmes",
    "sdgs",
    "inception_assessments",
    "inception_reviews",
    "end_of_commitment_assessments",
    "forums",
    "forum_members",
    "forum_meetings",
    "endorsements",
]
# The columns the README promises (a change here is a change of the published format).
KEY_COLUMNS = {
    "councils": ["slug", "kind", "name_ar", "name_fr", "region"],
    "plans": ["id", "council", "start_year", "end_year", "title_ar", "title_fr", "stage"],
    "commitments": ["id", "plan_id", "reference", "title_ar", "title_fr", "status"],
    "milestones": ["id", "commitment_id", "title_ar", "title_fr", "due_date", "status"],
    "indicators": ["id", "commitment_id", "name_ar", "name_fr", "baseline", "target"],
    "workshops": ["id", "council", "plan_id", "kind", "title_ar", "title_fr", "participants_total"],
    "working_groups": ["id", "workshop_id", "title_ar", "title_fr", "theme"],
    "proposals": [
        "id",
        "council",
        "plan_id",
        "title_ar",
        "title_fr",
        "status",
        "response_fr",
        "online",
        "residence",
        "support_count",
        "duplicate_of_id",
    ],
    "comments": ["id", "plan_id", "commitment", "author_name", "body", "official_reply"],
    "inception_assessments": ["id", "plan_id", "forum_exists", "summary_ar", "due_on"],
    "inception_reviews": ["commitment_id", "verifiable", "potential_for_results"],
    "end_of_commitment_assessments": [
        "commitment_id",
        "completion",
        "opened_government",
        "civic_participation",
        "civic_participation_explanation_fr",
    ],
    "forums": ["id", "council", "name_ar", "name_fr", "members", "members_woman"],
    "forum_members": ["forum_id", "council", "name", "organisation", "sector", "role"],
    "forum_meetings": ["id", "forum_id", "plan_id", "held_on", "minutes_ar", "attendees"],
    "endorsements": ["id", "plan_id", "forum_id", "version", "endorsed_on", "statement_fr"],
    "milestone_updates": ["id", "milestone_id", "status", "completed_on", "note_ar", "note_fr"],
    "indicator_values": ["id", "indicator_id", "value", "measured_on", "source"],
    "programmes": ["id", "council", "kind", "title_ar", "title_fr", "start_year", "end_year"],
    "sdgs": ["number", "name_ar", "name_fr", "name_en"],
}
DECIDIM_REQUIRED = [
    "id",
    "parent/id",
    "title/ar",
    "title/fr",
    "description/ar",
    "start_date",
    "end_date",
    "status/key",
    "progress",
    "url",
]
EMAILS = [
    "council.contact@mail.test",
    "commitment.contact@mail.test",
    "pending.author@mail.test",
    "confirmed.author@mail.test",
    "hidden.author@mail.test",
    "published.author@mail.test",
    "prep.author@mail.test",
    "proposer.author@mail.test",
    "supporter.author@mail.test",
]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Downloads are keyed by the data version kept in Redis: start every test afresh."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# --- data ------------------------------------------------------------------------------------


def make_comment(plan, email, state, **values):
    now = timezone.now()
    return Comment.objects.create(
        plan=plan,
        email=email,
        author_name=values.pop("author_name", f"Nom-{state}"),
        body=values.pop("body", f"Texte-{state}"),
        language="fr",
        consent_at=now,
        state=state,
        published_at=now if state == Comment.State.PUBLISHED else None,
        hidden_reason="Hors sujet" if state == Comment.State.HIDDEN else "",
        **values,
    )


def online_proposals(plan, prefix):
    """Proposals sent online: a published one with confirmed supports, its published duplicate,
    one merged with a proposal hidden since, and one in each unpublished state; all with their
    author's e-mail address, and a pending support with its own."""
    Publication = Proposal.Publication

    def make(key, publication=Publication.PUBLISHED, **values):
        return factories.OnlineProposalFactory(
            plan=plan,
            title_fr=f"{prefix} en ligne {key}",
            title_ar=f"{prefix} عبر الإنترنت {key}",
            body_fr=f"{prefix} texte en ligne {key}",
            residence=values.pop("residence", ""),
            email="proposer.author@mail.test",
            client_hash="c" * 64,
            publication=publication,
            hidden_reason="Hors sujet" if publication == Publication.HIDDEN else "",
            **values,
        )

    kept = make("kept", submitted_by="Association Amal", residence="Tétouan", support_count=7)
    hidden = make("hidden", Publication.HIDDEN)
    made = SimpleNamespace(
        kept=kept,
        hidden=hidden,
        duplicate=make("duplicate", duplicate_of=kept, residence="Martil"),
        orphan=make("orphan", duplicate_of=hidden),
        pending=make("pending", Publication.PENDING),
        awaiting=make("awaiting", Publication.AWAITING),
    )
    # A support waiting for its confirmation still holds the address.
    factories.ProposalSupportFactory(
        proposal=kept,
        mailbox="m" * 64,
        email="supporter.author@mail.test",
        state=ProposalSupport.State.PENDING,
        confirmed_at=None,
    )
    return made


def fill_plan(plan, prefix, theme=None):
    theme = theme or factories.ThemeFactory()
    workshop = factories.WorkshopFactory(
        council=plan.council, plan=plan, title_fr=f"{prefix} atelier", title_ar=f"{prefix} ورشة"
    )
    group = factories.WorkingGroupFactory(
        workshop=workshop, theme=theme, title_fr=f"{prefix} groupe", title_ar=f"{prefix} مجموعة"
    )
    proposal = factories.ProposalFactory(
        working_group=group,
        title_fr=f"{prefix} proposition",
        title_ar=f"{prefix} مقترح",
        status=Proposal.Status.MERGED,
        response_fr="Intégrée",
        response_ar="أدمجت",
    )
    commitment = factories.CommitmentFactory(
        plan=plan,
        theme=theme,
        status=Commitment.Status.ONGOING,
        reference=f"{plan.council.code}-{plan.start_year}-01",
        title_fr=f"{prefix} engagement",
        title_ar=f"{prefix} التزام",
        description_fr=f"{prefix} description",
        description_ar=f"{prefix} وصف",
        contact_email="commitment.contact@mail.test",
    )
    commitment.source_proposals.add(proposal)
    online = online_proposals(plan, prefix)
    milestones = [
        factories.MilestoneFactory(
            commitment=commitment,
            status=MStatus.COMPLETED,
            completed_on=datetime.date(2024, 5, 1),
            title_fr=f"{prefix} jalon fait 1",
            title_ar=f"{prefix} مرحلة منجزة 1",
            deliverable_fr="Livrable 1",
        ),
        factories.MilestoneFactory(
            commitment=commitment,
            status=MStatus.COMPLETED,
            completed_on=datetime.date(2024, 6, 1),
            title_fr=f"{prefix} jalon fait 2",
        ),
        factories.MilestoneFactory(
            commitment=commitment, status=MStatus.IN_PROGRESS, title_fr=f"{prefix} jalon en cours"
        ),
        factories.MilestoneFactory(
            commitment=commitment, status=MStatus.CANCELLED, title_fr=f"{prefix} jalon annulé"
        ),
    ]
    indicator = factories.IndicatorFactory(
        commitment=commitment, name_fr=f"{prefix} indicateur", name_ar=f"{prefix} مؤشر"
    )
    # The follow-up: the council's programme and the goals, then the progress histories.
    programme = factories.CouncilProgrammeFactory(
        council=plan.council,
        title_fr=f"Programme {plan.council.code}",
        title_ar=f"برنامج {plan.council.code}",
    )
    commitment.programme = programme
    commitment.programme_reference = "Axe 2"
    commitment.save(update_fields=["programme", "programme_reference"])
    commitment.sdgs.set([16, 5])
    update = factories.MilestoneUpdateFactory(
        milestone=milestones[0],
        status=MStatus.COMPLETED,
        completed_on=datetime.date(2024, 5, 1),
        note_fr=f"{prefix} note de suivi",
        note_ar=f"{prefix} ملاحظة تتبع",
        evidence_url="https://region.example.ma/rapport",
    )
    value = factories.IndicatorValueFactory(
        indicator=indicator,
        value=7,
        measured_on=datetime.date(2024, 6, 30),
        source=f"{prefix} rapport",
    )
    return SimpleNamespace(
        programme=programme,
        update=update,
        value=value,
        workshop=workshop,
        group=group,
        proposal=proposal,
        online=online,
        commitment=commitment,
        milestones=milestones,
        indicator=indicator,
    )


@pytest.fixture
def world():
    region = factories.CouncilFactory(
        slug="region-a", code="RGA", contact_email="council.contact@mail.test"
    )
    commune = factories.CouncilFactory(
        kind=Council.Kind.COMMUNE, slug="commune-b", code="CMB", parent=region
    )
    other = factories.CouncilFactory(slug="region-c", code="RGC")
    plan_a = factories.ActionPlanFactory(council=region, stage=Stage.IMPLEMENTATION)
    plan_b = factories.ActionPlanFactory(
        council=commune, stage=Stage.CONSULTATION, start_year=2025, end_year=2027
    )
    prep = factories.ActionPlanFactory(
        council=other, stage=Stage.PREPARATION, title_fr=f"{SECRET} plan", title_ar=f"{SECRET} خطة"
    )
    a = fill_plan(plan_a, "A")
    b = fill_plan(plan_b, "B")
    hidden = fill_plan(prep, SECRET)
    # A commitment with no milestone: progress 0.
    lonely = factories.CommitmentFactory(
        plan=plan_b, reference="CMB-2025-02", title_fr="B sans jalon", title_ar="ب بدون مراحل"
    )
    # The forums: a member who agreed to be named and one who did not; meetings and
    # endorsements of a public plan and of the plan in preparation.
    forums = {}
    for council in (region, other):
        forums[council.slug] = factories.ForumFactory(council=council)
        factories.ForumMemberFactory(forum=forums[council.slug], name="Membre nommé", public=True)
        factories.ForumMemberFactory(forum=forums[council.slug], name=f"{SECRET} membre")
    for plan, text in ((plan_a, "A"), (prep, SECRET)):
        forum = forums[plan.council.slug]
        meeting = factories.ForumMeetingFactory(
            forum=forum, plan=plan, title_fr=f"{text} réunion", title_ar=f"{text} اجتماع"
        )
        factories.PlanEndorsementFactory(
            plan=plan,
            forum=forum,
            meeting=meeting,
            statement_ar=f"{text} رأي المنتدى",
            statement_fr=f"{text} avis du forum",
        )
    comments = {
        state: make_comment(plan_b, f"{state}.author@mail.test", state)
        for state in Comment.State.values
    }
    comments["prep"] = make_comment(
        prep, "prep.author@mail.test", Comment.State.PUBLISHED, body=f"{SECRET} commentaire"
    )
    # The monitoring body's assessments: public for plan A; a draft (plan B) and a plan in
    # preparation keep theirs private.
    inception = factories.published_inception(
        plan_a,
        summary_fr="A évaluation initiale",
        summary_ar="أ تقييم أولي",
        co_creation_fr="A co-création",
        co_creation_ar="أ إعداد مشترك",
    )
    factories.InceptionCommitmentReviewFactory(
        assessment=inception, commitment=a.commitment, comment_fr="A revue", comment_ar="أ مراجعة"
    )
    draft = factories.InceptionAssessmentFactory(plan=plan_b, summary_fr=f"{SECRET} brouillon")
    factories.InceptionCommitmentReviewFactory(
        assessment=draft, commitment=b.commitment, comment_fr=f"{SECRET} revue"
    )
    factories.published_inception(prep, summary_fr=f"{SECRET} évaluation")
    factories.CommitmentAssessmentFactory(
        commitment=a.commitment,
        what_was_done_ar="أ ما أنجز",
        civic_participation="yes",
        civic_participation_explanation_fr="A participation",
        filed_by=factories.UserFactory(email="monitor@mail.test"),
    )
    factories.CommitmentAssessmentFactory(
        commitment=hidden.commitment, what_was_done_fr=f"{SECRET} évaluation finale"
    )
    return SimpleNamespace(
        region=region,
        commune=commune,
        other=other,
        plan_a=plan_a,
        plan_b=plan_b,
        prep=prep,
        a=a,
        b=b,
        hidden=hidden,
        lonely=lonely,
        comments=comments,
        forums=forums,
    )


# --- helpers ---------------------------------------------------------------------------------


def dataset_url(name, fmt, language="ar"):
    with translation.override(language):
        return reverse("opendata_dataset", args=[name, fmt])


def decidim_url(language="ar"):
    with translation.override(language):
        return reverse("results_decidim")


def zip_url(language="ar"):
    with translation.override(language):
        return reverse("opendata_zip")


def parse_csv(content: bytes, delimiter=","):
    assert content.startswith(BOM)
    return list(
        csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=delimiter)
    )


def csv_rows(client, name, **params):
    response = client.get(dataset_url(name, "csv"), params)
    assert response.status_code == 200
    table = parse_csv(response.content)
    return [dict(zip(table[0], row, strict=True)) for row in table[1:]]


def decidim_rows(client, **params):
    response = client.get(decidim_url(), params)
    assert response.status_code == 200
    table = parse_csv(response.content, delimiter=";")
    return [dict(zip(table[0], row, strict=True)) for row in table[1:]]


def every_download(client):
    """The raw bytes of every download."""
    contents = {}
    for name in DATASET_NAMES:
        for fmt in ("csv", "json"):
            response = client.get(dataset_url(name, fmt))
            assert response.status_code == 200, (name, fmt)
            contents[f"{name}.{fmt}"] = response.content
    response = client.get(decidim_url())
    assert response.status_code == 200
    contents["results_decidim.csv"] = response.content
    return contents


# --- datasets --------------------------------------------------------------------------------


def test_the_documented_datasets():
    assert list(datasets.DATASETS) == DATASET_NAMES


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_csv_has_bom_documented_header_and_both_languages(client, world, name):
    response = client.get(dataset_url(name, "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="{name}.csv"' in response["Content-Disposition"]
    assert response.content.startswith(BOM)
    assert not response.content[3:].startswith(BOM)
    table = parse_csv(response.content)
    header, rows = table[0], table[1:]
    assert header == datasets.DATASETS[name].columns
    assert set(KEY_COLUMNS[name]) <= set(header)
    assert rows and all(len(row) == len(header) for row in rows)
    readme = bundle.readme_text()
    for column in header:
        assert f"  - {column}" in readme, column
    pairs = [(c, c[:-3] + "_fr") for c in header if c.endswith("_ar")]
    if name == "comments":
        assert not pairs  # a comment is in the language it was written in
        assert "language" in header
        return
    if name == "forum_members":
        assert not pairs  # names and organisations as the members wrote them
        return
    if name == "indicator_values":
        assert not pairs  # numbers, dates and the source as entered
        return
    assert pairs and all(fr in header for _ar, fr in pairs)
    ar, fr = pairs[0]
    records = [dict(zip(header, row, strict=True)) for row in rows]
    assert any(ARABIC.search(r[ar]) and LATIN.search(r[fr]) for r in records), (ar, fr)


@pytest.mark.parametrize("name", DATASET_NAMES)
def test_json_is_a_list_of_objects_with_the_csv_columns(client, world, name):
    response = client.get(dataset_url(name, "json"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert isinstance(data, list) and data
    csv_table = parse_csv(client.get(dataset_url(name, "csv")).content)
    assert len(data) == len(csv_table) - 1
    for item in data:
        assert isinstance(item, dict)
        assert list(item) == csv_table[0]
    key = csv_table[0][0]
    assert [str(item[key]) for item in data] == [row[0] for row in csv_table[1:]]


def test_csv_content_matches_the_data(client, world):
    commitments = {r["id"]: r for r in csv_rows(client, "commitments")}
    row = commitments[str(world.a.commitment.pk)]
    assert row["title_ar"] == "A التزام" and row["title_fr"] == "A engagement"
    assert row["plan_id"] == str(world.plan_a.pk) and row["council"] == "region-a"
    assert row["transparency"] == "true" and row["participation"] == "false"
    assert row["source_proposal_ids"] == str(world.a.proposal.pk)
    councils = {r["slug"]: r for r in csv_rows(client, "councils")}
    assert councils["commune-b"]["region"] == "region-a" and councils["region-a"]["region"] == ""
    proposals = {r["id"]: r for r in csv_rows(client, "proposals")}
    assert proposals[str(world.a.proposal.pk)]["response_ar"] == "أدمجت"
    workshops = {r["id"]: r for r in csv_rows(client, "workshops")}
    assert workshops[str(world.a.workshop.pk)]["participants_total"] == "30"


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_formulas_are_escaped_in_csv(client, world, start):
    commitment, proposal = world.a.commitment, world.a.proposal
    commitment.title_fr = f'{start}HYPERLINK("http://evil.test";"x")'
    commitment.description_ar = f"{start}1+1"
    commitment.save()
    proposal.title_fr = f"{start}cmd|' /C calc'!A0"
    proposal.body_ar = f"{start}SUM(A1:A9)"
    proposal.save()
    row = {r["id"]: r for r in csv_rows(client, "commitments")}[str(commitment.pk)]
    assert row["title_fr"] == "'" + commitment.title_fr
    assert row["description_ar"] == "'" + commitment.description_ar
    row = {r["id"]: r for r in csv_rows(client, "proposals")}[str(proposal.pk)]
    assert row["title_fr"] == "'" + proposal.title_fr
    assert row["body_ar"] == "'" + proposal.body_ar
    decidim = {r["id"]: r for r in decidim_rows(client)}[str(commitment.pk)]
    assert decidim["title/fr"] == "'" + commitment.title_fr
    # No cell of any CSV starts a formula.
    for name in DATASET_NAMES:
        table = parse_csv(client.get(dataset_url(name, "csv")).content)
        for row in table[1:]:
            for cell in row:
                assert not cell.startswith(("=", "+", "@")), (name, cell)


def test_plans_in_preparation_and_unpublished_comments_are_absent(client, world):
    contents = every_download(client)
    for filename, content in contents.items():
        assert SECRET.encode() not in content, filename
        for state in ("pending", "confirmed", "hidden"):
            assert f"Texte-{state}".encode() not in content, (filename, state)
            assert f"Nom-{state}".encode() not in content, (filename, state)
    plans = {r["id"] for r in csv_rows(client, "plans")}
    assert plans == {str(world.plan_a.pk), str(world.plan_b.pk)}
    comments = {r["id"] for r in csv_rows(client, "comments")}
    assert comments == {str(world.comments["published"].pk)}
    milestone_ids = {r["id"] for r in csv_rows(client, "milestones")}
    assert not milestone_ids & {str(m.pk) for m in world.hidden.milestones}
    assert str(world.hidden.workshop.pk) not in {r["id"] for r in csv_rows(client, "workshops")}
    groups = {r["id"] for r in csv_rows(client, "working_groups")}
    assert str(world.hidden.group.pk) not in groups and str(world.a.group.pk) in groups
    indicators = {r["id"] for r in csv_rows(client, "indicators")}
    assert str(world.hidden.indicator.pk) not in indicators


def test_no_email_anywhere(client, world):
    for filename, content in every_download(client).items():
        text = content.decode("utf-8-sig")
        for email in EMAILS:
            assert email not in text, (filename, email)
        assert "@mail.test" not in text and "email" not in text.lower(), filename


def test_online_proposals_in_csv_and_json_with_supports_residence_and_duplicate(client, world):
    online = world.a.online
    rows = {r["id"]: r for r in csv_rows(client, "proposals")}
    kept = rows[str(online.kept.pk)]
    assert kept["online"] == "true" and kept["workshop_id"] == ""
    assert kept["support_count"] == "7" and kept["residence"] == "Tétouan"
    assert kept["submitted_by"] == "Association Amal" and kept["duplicate_of_id"] == ""
    assert rows[str(online.duplicate.pk)]["duplicate_of_id"] == str(online.kept.pk)
    assert rows[str(online.duplicate.pk)]["residence"] == "Martil"
    # Merged with a proposal hidden since: the hidden one is never named.
    assert rows[str(online.orphan.pk)]["duplicate_of_id"] == ""
    workshop = rows[str(world.a.proposal.pk)]
    assert workshop["online"] == "false" and workshop["support_count"] == "0"
    items = {item["id"]: item for item in client.get(dataset_url("proposals", "json")).json()}
    assert items[online.kept.pk]["online"] is True and items[online.kept.pk]["support_count"] == 7
    assert items[online.duplicate.pk]["duplicate_of_id"] == online.kept.pk
    assert items[world.a.proposal.pk]["online"] is False
    for state in ("pending", "awaiting", "hidden"):
        pk = getattr(online, state).pk
        assert str(pk) not in rows and pk not in items, state
    # Only the public proposals: the plan in preparation's online ones are nowhere either.
    assert str(world.hidden.online.kept.pk) not in rows
    for filename, content in every_download(client).items():
        text = content.decode("utf-8-sig")
        for state in ("pending", "awaiting", "hidden"):
            assert f"en ligne {state}" not in text, (filename, state)
        assert "c" * 64 not in text and "m" * 64 not in text, filename
        assert "client_hash" not in text and "consent" not in text, filename


def test_commitments_name_only_public_source_proposals(client, world):
    world.a.commitment.source_proposals.add(world.a.online.pending)
    row = {r["id"]: r for r in csv_rows(client, "commitments")}[str(world.a.commitment.pk)]
    assert row["source_proposal_ids"] == str(world.a.proposal.pk)


# --- filters ---------------------------------------------------------------------------------


@pytest.fixture
def proposals(world):
    def make(title, status):
        return factories.ProposalFactory(
            working_group=world.a.group, title_fr=title, title_ar="مقترح", status=status
        )

    return SimpleNamespace(
        wanted=make("Zanzibar lumière publique", Proposal.Status.RECEIVED),
        other_status=make("Zanzibar eau potable", Proposal.Status.RETAINED),
        other_text=make("Transport scolaire", Proposal.Status.RECEIVED),
    )


def test_proposals_csv_honours_the_proposals_page_filters(client, world, proposals):
    params = {"status": "received", "q": "Zanzibar"}
    ids = {r["id"] for r in csv_rows(client, "proposals", **params)}
    assert ids == {str(proposals.wanted.pk)}
    page = client.get(reverse("consultations:proposals"), params).content.decode()
    assert proposals.wanted.title_fr in page or proposals.wanted.title_ar in page
    assert proposals.other_text.title_fr not in page
    assert {r["id"] for r in csv_rows(client, "proposals", q="Zanzibar")} == {
        str(proposals.wanted.pk),
        str(proposals.other_status.pk),
    }
    received = {r["id"] for r in csv_rows(client, "proposals", status="received")}
    assert str(proposals.other_text.pk) in received
    assert str(proposals.other_status.pk) not in received
    assert all(r["status"] == "received" for r in csv_rows(client, "proposals", status="received"))
    by_plan = csv_rows(client, "proposals", plan=world.plan_b.pk)
    assert by_plan and {r["plan_id"] for r in by_plan} == {str(world.plan_b.pk)}


def test_proposals_csv_filter_on_a_plan_in_preparation_reveals_nothing(client, world):
    content = client.get(dataset_url("proposals", "csv"), {"plan": world.prep.pk}).content
    assert SECRET.encode() not in content


def test_commitments_csv_limited_to_one_plan(client, world):
    rows = csv_rows(client, "commitments", plan=world.plan_b.pk)
    assert {r["id"] for r in rows} == {str(world.b.commitment.pk), str(world.lonely.pk)}
    assert {r["plan_id"] for r in rows} == {str(world.plan_b.pk)}
    milestones = csv_rows(client, "milestones", plan=world.plan_a.pk)
    assert {r["id"] for r in milestones} == {str(m.pk) for m in world.a.milestones}
    assert csv_rows(client, "commitments", plan=world.prep.pk) == []
    assert len(csv_rows(client, "commitments")) == 3


# --- conditional GET -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_conditional_get_on_a_download(client, world, fmt):
    url = dataset_url("commitments", fmt)
    response = client.get(url)
    etag, modified = response["ETag"], response["Last-Modified"]
    assert etag and modified
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    world.a.commitment.title_fr = "Titre changé"
    world.a.commitment.save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Titre changé" in changed.content.decode()


def test_conditional_get_on_the_decidim_csv(client, world):
    response = client.get(decidim_url())
    assert client.get(decidim_url(), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


# --- Decidim ---------------------------------------------------------------------------------


ISO_MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$")


def test_every_csv_and_json_time_is_iso_8601_with_its_offset(client, world):
    """proposals.csv's responded_at, comments' published_at, the histories' recorded_at, the
    assessments' updated_at, Decidim's created_at: 2024-03-15T10:30:00+01:00, never
    "2024-03-15 09:30:00.123456+00:00"."""
    moments = 0
    for name in DATASET_NAMES:
        csv_table = csv_rows(client, name)
        json_table = json.loads(client.get(dataset_url(name, "json")).content)
        for rows in (csv_table, json_table):
            for row in rows:
                for column, value in row.items():
                    if column.endswith("_at") and value:
                        assert ISO_MOMENT.match(value), (name, column, value)
                        moments += 1
    decidim = decidim_rows(client)
    assert decidim and all(ISO_MOMENT.match(row["created_at"]) for row in decidim)
    assert moments > 0
    # In the portal's time zone (Morocco), to the second, whatever the database stores.
    first = csv_rows(client, "proposals")[0]["id"]
    utc = datetime.datetime(2024, 3, 15, 9, 30, 12, 345678, tzinfo=datetime.UTC)
    Proposal.objects.filter(pk=first).update(responded_at=utc)
    cache.clear()
    row = next(row for row in csv_rows(client, "proposals") if row["id"] == first)
    expected = timezone.localtime(utc).replace(microsecond=0).isoformat()
    assert row["responded_at"] == expected
    assert expected.startswith("2024-03-15T") and expected[-6:] in ("+00:00", "+01:00")


def test_decidim_results_header_and_separator(client, world):
    response = client.get(decidim_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(BOM)
    first_line = response.content.decode("utf-8-sig").splitlines()[0]
    # Every field quoted (opengov.spreadsheets), the header too.
    assert first_line == ";".join(f'"{column}"' for column in decidim_columns())
    header = [column.strip('"') for column in first_line.split(";")]
    for column in DECIDIM_REQUIRED:
        assert column in header, column
    assert "," not in first_line
    table = parse_csv(response.content, delimiter=";")
    assert all(len(row) == len(header) for row in table)


def test_decidim_commitments_and_milestones_as_children(client, world):
    rows = decidim_rows(client)
    by_id = {r["id"]: r for r in rows}
    commitment = world.a.commitment
    parent = by_id[str(commitment.pk)]
    assert parent["parent/id"] == ""
    assert parent["title/ar"] == "A التزام" and parent["title/fr"] == "A engagement"
    assert parent["description/ar"] == "A وصف" and parent["description/fr"] == "A description"
    assert parent["start_date"] == "2024-03-01" and parent["end_date"] == "2026-06-30"
    assert parent["status/key"] == "ongoing"
    assert parent["url"] == django_settings.SITE_URL + commitment.get_absolute_url()
    completed, second, in_progress, cancelled = world.a.milestones
    children = [r for r in rows if r["parent/id"] == str(commitment.pk)]
    assert {r["id"] for r in children} == {
        str(MILESTONE_ID_OFFSET + m.pk) for m in (completed, second, in_progress)
    }
    assert str(MILESTONE_ID_OFFSET + cancelled.pk) not in by_id
    child = by_id[str(MILESTONE_ID_OFFSET + completed.pk)]
    assert child["title/fr"] == completed.title_fr and child["title/ar"] == completed.title_ar
    assert child["description/fr"] == "Livrable 1"
    assert child["status/key"] == "completed" and float(child["progress"]) == 100
    assert child["end_date"] == completed.due_date.isoformat()
    running = by_id[str(MILESTONE_ID_OFFSET + in_progress.pk)]
    assert running["status/key"] == "ongoing" and float(running["progress"]) == 0
    # Ids never collide and every child points at a commitment of the file.
    assert len(by_id) == len(rows)
    parents = {r["id"] for r in rows if r["parent/id"] == ""}
    assert {r["parent/id"] for r in rows if r["parent/id"]} <= parents
    assert str(world.hidden.commitment.pk) not in parents


def test_decidim_progress_is_the_share_of_completed_milestones(client, world):
    by_id = {r["id"]: r for r in decidim_rows(client)}
    # Two completed of three that count (the cancelled one does not).
    assert float(by_id[str(world.a.commitment.pk)]["progress"]) == pytest.approx(66.67, abs=0.01)
    assert float(by_id[str(world.lonely.pk)]["progress"]) == 0
    in_progress = world.b.milestones[2]
    in_progress.status = MStatus.COMPLETED
    in_progress.completed_on = datetime.date(2024, 7, 1)
    in_progress.save()
    by_id = {r["id"]: r for r in decidim_rows(client)}
    assert float(by_id[str(world.b.commitment.pk)]["progress"]) == 100
    assert float(by_id[str(world.a.commitment.pk)]["progress"]) == pytest.approx(66.67, abs=0.01)


def test_decidim_results_of_one_plan(client, world):
    rows = decidim_rows(client, plan=world.plan_b.pk)
    parents = {r["id"] for r in rows if r["parent/id"] == ""}
    assert parents == {str(world.b.commitment.pk), str(world.lonely.pk)}
    assert client.get(decidim_url(), {"plan": world.prep.pk}).status_code == 404
    assert client.get(decidim_url(), {"plan": 999999}).status_code == 404


# --- the ZIP ---------------------------------------------------------------------------------


def readme_sections(readme):
    sections = {}
    for block in readme.split("\n\n"):
        lines = block.strip("\n").splitlines()
        if lines and (match := re.match(r"^(\w+)\.csv / \1\.json$", lines[0])):
            sections[match.group(1)] = [
                line.removeprefix("  - ") for line in lines if line.startswith("  - ")
            ]
    return sections


def test_zip_contains_readme_and_every_dataset(client, world, media):
    response = client.get(zip_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    content = b"".join(response.streaming_content)
    response.close()
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.testzip() is None
    expected = {"README.txt", "results_decidim.csv"}
    expected |= {f"{name}.{fmt}" for name in DATASET_NAMES for fmt in ("csv", "json")}
    assert set(archive.namelist()) == expected
    readme = archive.read("README.txt").decode()
    sections = readme_sections(readme)
    assert set(sections) == set(DATASET_NAMES)
    for name in DATASET_NAMES:
        assert sections[name] == datasets.DATASETS[name].columns, name
        assert datasets.DATASETS[name].description in readme
        table = parse_csv(archive.read(f"{name}.csv"))
        assert table[0] == sections[name]
        data = json.loads(archive.read(f"{name}.json"))
        assert len(data) == len(table) - 1 and all(list(d) == table[0] for d in data)
    assert "results_decidim.csv" in readme and str(MILESTONE_ID_OFFSET) in readme
    decidim = parse_csv(archive.read("results_decidim.csv"), delimiter=";")
    assert decidim[0] == decidim_columns()
    for member in archive.namelist():
        raw = archive.read(member)
        assert SECRET.encode() not in raw, member
        assert b"@mail.test" not in raw, member
    assert (media / "opendata" / "infitah-opendata.zip").exists()


def test_zip_rebuild_is_idempotent_until_the_data_changes(world, media):
    assert bundle.zip_rebuild() == "rebuilt"
    path = media / "opendata" / "infitah-opendata.zip"
    first = path.read_bytes()
    assert bundle.zip_rebuild() == "up to date"
    assert path.read_bytes() == first
    world.a.commitment.title_fr = "Changé pour le ZIP"
    world.a.commitment.save()
    assert bundle.zip_rebuild() == "rebuilt"
    archive = zipfile.ZipFile(path)
    assert "Changé pour le ZIP" in archive.read("commitments.csv").decode("utf-8-sig")
    assert bundle.zip_rebuild() == "up to date"
    assert sorted(p.name for p in (media / "opendata").iterdir()) == [
        "infitah-opendata.zip",
        "infitah-opendata.zip.version",
    ]


def test_zip_is_rebuilt_when_site_url_changes(world, media, settings):
    """Its links are absolute: a ZIP made while the demo ran at another port is not kept."""
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert bundle.zip_rebuild() == "rebuilt"
    settings.SITE_URL = "http://127.0.0.1:8150"
    assert bundle.zip_rebuild() == "rebuilt"
    readme = zipfile.ZipFile(media / "opendata" / "infitah-opendata.zip").read("README.txt")
    assert b"http://127.0.0.1:8150" in readme and b":8000" not in readme
    assert bundle.zip_rebuild() == "up to date"


def test_zip_is_rebuilt_when_the_file_is_missing(world, media):
    assert bundle.zip_rebuild() == "rebuilt"
    (media / "opendata" / "infitah-opendata.zip").unlink()
    assert bundle.zip_rebuild() == "rebuilt"
    assert (media / "opendata" / "infitah-opendata.zip").exists()


def test_celery_task_rebuilds_the_zip(world, media):
    from opendata.tasks import rebuild_zip as rebuild_opendata_zip
    from opengov.celery import app

    # The beat names the task that the worker registered.
    task_name = django_settings.CELERY_BEAT_SCHEDULE["rebuild-opendata-zip"]["task"]
    assert app.tasks[task_name].name == rebuild_opendata_zip.name == "opendata.rebuild_zip"
    assert rebuild_opendata_zip.delay().get(timeout=30) == "rebuilt"
    assert zipfile.is_zipfile(media / "opendata" / "infitah-opendata.zip")
    assert rebuild_opendata_zip.delay().get(timeout=30) == "up to date"
    Proposal.objects.get(pk=world.a.proposal.pk).save()
    assert rebuild_opendata_zip.apply_async().get(timeout=30) == "rebuilt"


# --- the Atom feed ---------------------------------------------------------------------------


def feed_url(plan, language="ar"):
    with translation.override(language):
        return reverse("commitments:plan_feed", args=[plan.council.slug, plan.start_year])


def test_atom_feed_of_a_public_plan(client, world):
    plan = world.plan_a
    changes = [
        PlanStageChange.objects.create(
            plan=plan, from_stage=Stage.PREPARATION, to_stage=Stage.CONSULTATION
        ),
        PlanStageChange.objects.create(
            plan=plan, from_stage=Stage.CONSULTATION, to_stage=Stage.ADOPTED
        ),
    ]
    PlanStageChange.objects.create(
        plan=world.plan_b, from_stage=Stage.PREPARATION, to_stage=Stage.CONSULTATION
    )
    response = client.get(feed_url(plan, "fr"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own feed)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text
    entries = root.findall(f"{ATOM}entry")
    ids = {entry.find(f"{ATOM}id").text for entry in entries}
    completed = [m for m in world.a.milestones if m.status == MStatus.COMPLETED]
    expected = {f"stage-{c.pk}" for c in changes}
    expected |= {f"commitment-{world.a.commitment.pk}"}
    expected |= {f"milestone-{m.pk}" for m in completed}
    assert ids == expected
    for entry in entries:
        assert entry.find(f"{ATOM}title").text
        assert entry.find(f"{ATOM}updated").text
        assert entry.find(f"{ATOM}link").get("href")
    titles = " ".join(entry.find(f"{ATOM}title").text for entry in entries)
    assert "A engagement" in titles and world.a.commitment.reference in titles
    assert completed[0].title_fr in titles
    arabic = ElementTree.fromstring(client.get(feed_url(plan, "ar")).content)  # noqa: S314
    arabic_titles = " ".join(e.find(f"{ATOM}title").text for e in arabic.findall(f"{ATOM}entry"))
    assert "A التزام" in arabic_titles


def test_no_feed_for_a_plan_in_preparation(client, world):
    assert client.get(feed_url(world.prep)).status_code == 404
    assert client.get(feed_url(world.prep, "fr")).status_code == 404


def test_feed_is_linked_from_the_plan_page(client, world):
    html = client.get(world.plan_a.get_absolute_url()).content.decode()
    assert feed_url(world.plan_a) in html


def test_feed_survives_control_characters_in_texts(client, world):
    commitment = world.a.commitment
    commitment.title_fr = "Budget\x0bouvert"
    commitment.description_fr = "Ligne 1\x0bLigne 2"
    commitment.save()
    client.raise_request_exception = False
    response = client.get(feed_url(world.plan_a, "fr"))
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)  # noqa: S314 (our own feed)
    assert root.findall(f"{ATOM}entry")


# --- the page --------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_opendata_page_lists_every_dataset(client, world, language, media):
    with translation.override(language):
        url = reverse("opendata")
    assert url == f"/{language}/opendata/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    for name in DATASET_NAMES:
        assert f'href="{dataset_url(name, "csv", language)}"' in html, name
        assert f'href="{dataset_url(name, "json", language)}"' in html, name
        # In the page's language (the English original is the msgid: the ZIP's README).
        with translation.override(language):
            description = gettext(datasets.DATASETS[name].description)
        assert f"<td>{escape(description)}</td>" in html, name
    assert f'href="{zip_url(language)}"' in html
    assert f'href="{decidim_url(language)}"' in html
    assert 'href="/api/v1/docs/"' in html
    assert 'lang="en"' not in html.split("<table>")[1]
    for name in DATASET_NAMES:
        assert client.get(dataset_url(name, "csv", language)).status_code == 200


def test_unknown_dataset_or_format_is_404(client, world):
    assert client.get(dataset_url("secrets", "csv")).status_code == 404
    assert client.get(dataset_url("commitments", "xlsx")).status_code == 404
    assert client.post(dataset_url("commitments", "csv")).status_code == 405


def test_forum_datasets_count_every_member_and_name_only_those_who_consented(client, world):
    (forum,) = [r for r in csv_rows(client, "forums") if r["council"] == "region-a"]
    assert (forum["members"], forum["members_woman"], forum["members_civil_society"]) == (
        "2",
        "2",
        "2",
    )
    members = csv_rows(client, "forum_members")
    assert {m["name"] for m in members} == {"Membre nommé"}
    assert "sex" not in members[0]
    meetings = csv_rows(client, "forum_meetings")
    assert [m["title_fr"] for m in meetings] == ["A réunion"]
    endorsements = csv_rows(client, "endorsements")
    assert [(e["plan_id"], e["statement_fr"]) for e in endorsements] == [
        (str(world.plan_a.pk), "A avis du forum")
    ]


# --- completion, goals, programmes, progress histories and the licence -------------------------


def test_commitments_carry_their_completion_goals_and_programme(client, world):
    rows = {r["id"]: r for r in csv_rows(client, "commitments")}
    row = rows[str(world.a.commitment.pk)]
    # Two completed of three that count: half or more is substantial.
    assert row["completion"] == "substantial"
    assert row["sdgs"] == "5 16"
    assert row["programme_id"] == str(world.a.programme.pk)
    assert row["programme_reference"] == "Axe 2"
    lonely = rows[str(world.lonely.pk)]
    assert (lonely["completion"], lonely["sdgs"], lonely["programme_id"]) == ("no_evidence", "", "")
    world.lonely.completion_override = "complete"
    world.lonely.completion_override_reason = "Rapport final reçu."
    world.lonely.save()
    assert {r["id"]: r for r in csv_rows(client, "commitments")}[str(world.lonely.pk)][
        "completion"
    ] == "complete"


def test_the_progress_histories_of_public_plans_only(client, world):
    updates = csv_rows(client, "milestone_updates")
    assert {r["id"] for r in updates} == {str(world.a.update.pk), str(world.b.update.pk)}
    row = {r["id"]: r for r in updates}[str(world.a.update.pk)]
    assert row["milestone_id"] == str(world.a.milestones[0].pk)
    assert row["commitment_id"] == str(world.a.commitment.pk)
    assert (row["status"], row["completed_on"]) == ("completed", "2024-05-01")
    assert (row["note_ar"], row["note_fr"]) == ("A ملاحظة تتبع", "A note de suivi")
    assert row["evidence_url"] == "https://region.example.ma/rapport"
    assert row["evidence_file_url"] == ""
    assert "recorded_by" not in row
    values = csv_rows(client, "indicator_values")
    assert {r["id"] for r in values} == {str(world.a.value.pk), str(world.b.value.pk)}
    row = {r["id"]: r for r in values}[str(world.a.value.pk)]
    assert row["indicator_id"] == str(world.a.indicator.pk)
    assert (row["value"], row["measured_on"], row["source"]) == ("7.00", "2024-06-30", "A rapport")
    only_b = csv_rows(client, "milestone_updates", plan=world.plan_b.pk)
    assert [r["id"] for r in only_b] == [str(world.b.update.pk)]
    only_a = csv_rows(client, "indicator_values", plan=world.plan_a.pk)
    assert [r["id"] for r in only_a] == [str(world.a.value.pk)]


def test_programmes_and_goals_are_tables_of_their_own(client, world):
    programmes = {r["id"]: r for r in csv_rows(client, "programmes")}
    row = programmes[str(world.a.programme.pk)]
    assert (row["council"], row["kind"]) == ("region-a", "pdr")
    assert (row["title_fr"], row["start_year"], row["end_year"]) == (
        "Programme RGA",
        "2022",
        "2027",
    )
    goals = csv_rows(client, "sdgs")
    assert [g["number"] for g in goals] == [str(n) for n in range(1, 18)]
    assert goals[4]["name_en"] == "Gender equality"


def test_the_api_gives_completion_goals_programme_and_histories(client, world):
    data = client.get(f"/api/v1/commitments/{world.a.commitment.pk}/").json()
    assert data["completion"] == "substantial"
    assert data["sdgs"] == [5, 16]
    assert (data["programme"], data["programme_reference"]) == (world.a.programme.pk, "Axe 2")
    milestone = next(m for m in data["milestones"] if m["id"] == world.a.milestones[0].pk)
    (update,) = milestone["updates"]
    assert (update["status"], update["note_fr"]) == ("completed", "A note de suivi")
    assert "recorded_by" not in update
    (value,) = data["indicators"][0]["values"]
    assert (value["value"], value["measured_on"]) == ("7.00", "2024-06-30")
    programmes = client.get("/api/v1/programmes/", {"council": "region-a"}).json()
    assert [p["id"] for p in programmes["results"]] == [world.a.programme.pk]
    goal = client.get("/api/v1/sdgs/16/").json()
    assert goal["name_ar"] == "السلام والعدل والمؤسسات القوية"


LICENCE = {"name": "Licence ouverte de test 2.0", "url": "https://licences.example.ma/ouverte/"}


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_the_open_data_page_states_the_licence(client, settings, language):
    settings.OPEN_DATA_LICENCE = LICENCE
    with translation.override(language):
        response = client.get(reverse("opendata"))
    html = response.content.decode()
    assert f'<a href="{LICENCE["url"]}" rel="license noopener"><bdi>{LICENCE["name"]}' in html


def test_the_default_licence_is_cc_by_4():
    assert django_settings.OPEN_DATA_LICENCE == {
        "name": "Creative Commons Attribution 4.0 International (CC BY 4.0)",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }


def test_every_download_and_the_api_name_the_licence(client, world, settings, media):
    settings.OPEN_DATA_LICENCE = LICENCE
    link = f'<{LICENCE["url"]}>; rel="license"'
    assert client.get(dataset_url("commitments", "csv"))["Link"] == link
    assert client.get(dataset_url("sdgs", "json"))["Link"] == link
    assert client.get(decidim_url())["Link"] == link
    assert client.get("/api/v1/")["Link"] == link
    for path in ("/api/v1/commitments/", f"/api/v1/plans/{world.plan_a.pk}/", "/api/v1/sdgs/"):
        first = client.get(path)
        assert first.status_code == 200, (path, first.content[:500])
        assert first["Link"] == link, path
        assert client.get(path)["Link"] == link, path  # from the cache too
        not_modified = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert not_modified.status_code == 304 and not_modified["Link"] == link, path
    readme = bundle.readme_text()
    assert f"Licence: {LICENCE['name']}" in readme and LICENCE["url"] in readme
    # Last: closing a streamed answer ends the request, and its database connection.
    response = client.get(zip_url())
    assert response["Link"] == link
    response.close()


def test_the_api_schema_names_the_licence(client):
    import yaml

    spec = yaml.safe_load(client.get("/api/v1/schema").content)
    assert spec["info"]["license"] == django_settings.OPEN_DATA_LICENCE
