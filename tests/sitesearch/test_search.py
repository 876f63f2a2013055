"""sitesearch.selectors.search(): what a citizen finds (only what is public), the shapes of
results.Results, the links, the highlighted and escaped excerpts, the capped counts, a fixed
number of queries, and no error on any input."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from commitments.models import Comment
from consultations.models import ActionPlan, Proposal
from sitesearch import selectors
from sitesearch.results import KINDS, Results
from sitesearch.selectors import search
from tests import factories

pytestmark = pytest.mark.django_db

PUBLIC = ActionPlan.Stage.IMPLEMENTATION
WORD = "assainissement"


def _counts(results: Results) -> dict:
    return {group.kind: group.count for group in results.groups if group.count}


def _titles(results: Results, kind: str) -> list[str]:
    group = next(g for g in results.groups if g.kind == kind)
    return [hit.title.html for hit in group.hits]


@pytest.fixture
def place():
    """A public plan with one thing of every kind saying WORD, in a council named Tétouan."""
    council = factories.CouncilFactory(
        name_fr="Tétouan", name_ar="تطوان", slug="tetouan", kind="commune"
    )
    plan = factories.ActionPlanFactory(
        council=council, stage=PUBLIC, title_fr=f"Plan {WORD}", title_ar="خطة"
    )
    commitment = factories.CommitmentFactory(
        plan=plan, title_fr=f"Réseau d'{WORD}", title_ar="شبكة التطهير", reference="TET-1"
    )
    milestone = factories.MilestoneFactory(commitment=commitment, deliverable_fr=f"Étude {WORD}")
    workshop = factories.WorkshopFactory(council=council, plan=plan, summary_fr=f"{WORD} liquide")
    group = factories.WorkingGroupFactory(workshop=workshop, title_fr=f"Groupe {WORD}")
    proposal = factories.ProposalFactory(working_group=group, plan=plan, body_fr=f"Un {WORD}")
    comment = factories.CommentFactory(
        plan=plan,
        commitment=commitment,
        body=f"Le {WORD} du quartier",
        state=Comment.State.PUBLISHED,
        published_at=timezone.now(),
    )
    return locals()


def test_the_overview_finds_every_kind_with_its_link_and_context(place):
    results = search(WORD, language="fr")
    assert [g.kind for g in results.groups] == list(KINDS)
    assert _counts(results) == {kind: 1 for kind in KINDS if kind != "council"}
    hits = {g.kind: g.hits[0] for g in results.groups if g.hits}
    base = "/fr/councils/tetouan/plans/2024/"
    assert hits["plan"].url == base
    assert hits["commitment"].url == base + "commitments/TET-1/"
    assert hits["milestone"].url == f"{base}commitments/TET-1/#milestone-{place['milestone'].pk}"
    assert hits["workshop"].url == f"/fr/workshops/{place['workshop'].pk}/"
    assert hits["working_group"].url == (
        f"/fr/workshops/{place['workshop'].pk}/#group-{place['group'].pk}"
    )
    assert hits["proposal"].url == f"/fr/proposals/{place['proposal'].pk}/"
    assert hits["comment"].url == f"{base}commitments/TET-1/#comment-{place['comment'].pk}"
    assert hits["commitment"].council == "Tétouan"
    assert hits["commitment"].plan == f"Plan {WORD}"
    assert "<mark>" in hits["commitment"].title.html
    assert "<mark>" in hits["proposal"].excerpt.html
    assert results.hits == () and results.message is None


def test_the_linked_pages_exist_and_show_the_anchor(place, client):
    results = search(WORD, language="fr")
    for group in results.groups:
        for hit in group.hits:
            path, _, anchor = hit.url.partition("#")
            response = client.get(path)
            assert response.status_code == 200, hit.url
            if anchor:
                assert f'id="{anchor}"' in response.content.decode(), hit.url


@pytest.mark.parametrize(
    "typed", ["Tétouan", "Tetouan", "TETOUAN", "تطوان", "تِطْوان", "Tetoun", "tetouane", "tetou"]
)
def test_a_council_is_found_by_its_name_in_either_script_and_with_a_typo(place, typed):
    results = search(typed, language="fr")
    assert _titles(results, "council") in (["Tétouan"], ["<mark>Tétouan</mark>"])
    assert results.groups[0].hits[0].url == "/fr/councils/tetouan/"


def test_the_title_and_excerpt_fall_back_to_the_other_language_with_its_direction(place):
    factories.ProposalFactory(
        working_group=place["group"],
        plan=place["plan"],
        title_fr="",
        body_fr="",
        title_ar="الصرف الصحي",
        body_ar="شبكة الصرف الصحي في الحي",
    )
    results = search("الصرف", kind="proposal", language="fr")
    (hit,) = results.hits
    assert (hit.title.language, hit.title.direction) == ("ar", "rtl")
    assert (hit.excerpt.language, hit.excerpt.direction) == ("ar", "rtl")
    assert "<mark>" in hit.excerpt.html
    arabic = search(WORD, kind="commitment", language="ar").hits[0]
    assert (arabic.title.language, arabic.title.html) == ("ar", "شبكة التطهير")


def test_a_title_with_markup_is_escaped_and_only_marks_are_html(place):
    factories.ProposalFactory(
        working_group=place["group"],
        plan=place["plan"],
        title_fr="<script>alert('x')</script> égouts \ue000",
        body_fr="<b>égouts</b> & <img src=x onerror=alert(1)>",
    )
    (hit,) = search("égouts", kind="proposal", language="fr").hits
    assert "<script>" not in hit.title.html and "&lt;script&gt;" in hit.title.html
    assert "<img" not in hit.excerpt.html and "&lt;img" in hit.excerpt.html
    assert hit.title.html.count("<mark>") == 1 == hit.title.html.count("</mark>")
    stripped = hit.excerpt.html.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped


def _hidden_everywhere(place):
    """Every kind's thing made private or unpublished, its text saying 'clandestin'."""
    secret = "clandestin"
    private = factories.ActionPlanFactory(
        council=place["council"], start_year=2030, end_year=2032, title_fr=f"Plan {secret}"
    )
    commitment = factories.CommitmentFactory(plan=private, title_fr=f"Réseau {secret}")
    factories.MilestoneFactory(commitment=commitment, title_fr=f"Jalon {secret}")
    workshop = factories.WorkshopFactory(
        council=place["council"], plan=private, title_fr=f"Atelier {secret}"
    )
    factories.WorkingGroupFactory(workshop=workshop, title_fr=f"Groupe {secret}")
    factories.ProposalFactory(
        working_group=place["group"],
        title_fr=f"Idée {secret}",
        publication=Proposal.Publication.HIDDEN,
        hidden_reason="x",
    )
    factories.OnlineProposalFactory(
        plan=place["plan"],
        council=place["council"],
        title_fr=f"En attente {secret}",
        publication=Proposal.Publication.AWAITING,
    )
    factories.CommentFactory(plan=place["plan"], body=f"Avis {secret}")  # pending
    parent = factories.CommentFactory(
        plan=place["plan"], body="Caché", state=Comment.State.HIDDEN, hidden_reason="x"
    )
    factories.CommentFactory(
        plan=place["plan"],
        parent=parent,
        body=f"Réponse {secret}",
        state=Comment.State.PUBLISHED,
        published_at=timezone.now(),
    )
    return secret, private


def test_nothing_private_or_unpublished_is_found_nor_counted(place):
    secret, private = _hidden_everywhere(place)
    results = search(secret, language="fr")
    assert _counts(results) == {}
    for kind in KINDS:
        assert search(secret, kind=kind, language="fr").hits == (), kind
    # Its plan opening its proposals window today makes the plan's things public at once.
    ActionPlan.objects.filter(pk=private.pk).update(
        proposals_opens_on=timezone.localdate(),
        proposals_closes_on=timezone.localdate() + datetime.timedelta(days=9),
    )
    assert set(_counts(search(secret, language="fr"))) == {
        "plan",
        "commitment",
        "milestone",
        "workshop",
        "working_group",
    }


def test_a_plan_turning_private_takes_its_things_out(place):
    ActionPlan.objects.filter(pk=place["plan"].pk).update(stage=ActionPlan.Stage.PREPARATION)
    assert _counts(search(WORD, language="fr")) == {}


def test_no_text_of_a_hidden_thing_leaks_into_another_excerpt(place):
    _hidden_everywhere(place)
    results = search(WORD, language="fr")
    shown = " ".join(
        hit.title.html + (hit.excerpt.html if hit.excerpt else "")
        for group in results.groups
        for hit in group.hits
    )
    assert "clandestin" not in shown


def test_filters_by_kind_council_and_plan(place):
    other = factories.ProposalFactory(
        working_group__workshop__plan__stage=PUBLIC, title_fr=f"Autre {WORD}"
    )
    assert search(WORD, kind="proposal").groups[6].count == 2
    by_council = search(WORD, kind="proposal", council="tetouan", language="fr")
    assert by_council.council == "Tétouan" and len(by_council.hits) == 1
    by_plan = search(WORD, kind="proposal", plan=str(other.plan_id), language="fr")
    assert by_plan.plan == other.plan.title_fr
    assert [h.url for h in by_plan.hits] == [f"/fr/proposals/{other.pk}/"]
    ignored = search(WORD, kind="proposal", council="nowhere", plan="٤٢")
    assert ignored.council is None and ignored.plan is None and len(ignored.hits) == 2


def test_a_private_plan_is_not_a_filter(place):
    private = factories.ActionPlanFactory(council=place["council"], start_year=2030, end_year=2031)
    results = search(WORD, plan=private.pk)
    assert results.plan is None


def test_pages_of_a_kind_and_capped_counts(place, monkeypatch):
    factories.ProposalFactory.create_batch(
        4, working_group=place["group"], plan=place["plan"], title_fr=f"Encore {WORD}"
    )
    monkeypatch.setattr(selectors, "PER_PAGE", 2)
    first = search(WORD, kind="proposal", page=1)
    last = search(WORD, kind="proposal", page=3)
    assert len(first.hits) == 2 and first.has_next
    assert len(last.hits) == 1 and not last.has_next
    monkeypatch.setattr(selectors, "CAP", 3)
    group = search(WORD).groups[KINDS.index("proposal")]
    assert (group.count, group.capped) == (3, True)


def test_titles_rank_above_bodies(place):
    factories.ProposalFactory(
        working_group=place["group"], plan=place["plan"], title_fr=f"{WORD} pluvial", body_fr=""
    )
    hits = search(WORD, kind="proposal", language="fr").hits
    assert hits[0].title.html.startswith("<mark>")


def test_the_overview_ranks_each_kinds_first_matches_and_counts_them_all(place, monkeypatch):
    factories.ProposalFactory(
        working_group=place["group"], plan=place["plan"], title_fr=f"{WORD} pluvial", body_fr=""
    )
    overview = {group.kind: group for group in search(WORD, language="fr").groups}
    assert overview["proposal"].hits[0].title.html.startswith("<mark>")  # the title match first
    monkeypatch.setattr(selectors, "OVERVIEW_RANKED", 1)
    overview = {group.kind: group for group in search(WORD, language="fr").groups}
    assert len(overview["proposal"].hits) == 1  # the best of the first match only
    assert overview["proposal"].count == 2  # still every match counted
    assert len(search(WORD, kind="proposal").hits) == 2  # a kind's page ranks them all


def _queries(**arguments) -> int:
    with CaptureQueriesContext(connection) as captured:
        search(**arguments)
    return len(captured)


def test_the_same_number_of_queries_for_few_and_many_results(place):
    few = {
        "overview": _queries(text=WORD),
        "kind": _queries(text=WORD, kind="proposal"),
        "filtered": _queries(text=WORD, kind="proposal", council="tetouan", plan=place["plan"].pk),
    }
    factories.ProposalFactory.create_batch(
        30, working_group=place["group"], plan=place["plan"], title_fr=f"Encore {WORD}"
    )
    factories.CommitmentFactory.create_batch(5, plan=place["plan"], title_fr=f"{WORD} bis")
    many = {
        "overview": _queries(text=WORD),
        "kind": _queries(text=WORD, kind="proposal"),
        "filtered": _queries(text=WORD, kind="proposal", council="tetouan", plan=place["plan"].pk),
    }
    assert few == many == {"overview": 3, "kind": 3, "filtered": 5}


def test_the_planner_settings_of_the_search_do_not_outlive_it(place):
    search(WORD)
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_seqscan")
        assert cursor.fetchone() == ("on",)


@pytest.mark.parametrize("typed", ["---", "   ", '""', "!!&|", "-", "or or"])
def test_a_text_without_a_word_answers_a_message(typed):
    results = search(typed)
    assert results.hits == () and all(g.count == 0 for g in results.groups)
    assert (results.message is None) == (typed.strip() == "")


@pytest.mark.fuzz
@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(max_size=300),
    kind=st.one_of(st.none(), st.sampled_from(KINDS), st.text(max_size=5)),
    page=st.one_of(st.integers(-5, 10**6), st.text(max_size=3)),
    council=st.one_of(st.none(), st.text(max_size=90)),
    plan=st.one_of(st.none(), st.text(max_size=20), st.integers()),
)
def test_no_input_is_an_error(place, text, kind, page, council, plan):
    results = search(text, kind=kind, page=page, council=council, plan=plan, language="fr")
    assert isinstance(results, Results)
