"""The search page (/<lang>/search/, issue 19): the header's box on every page, the groups and
their counts, the filters by kind, council and plan, the excerpts in the reader's language (or
the other one, with its own lang and dir), paging, hostile input, and a fixed number of queries
whatever the amount of data. What each kind indexes and hides is tested with the index
(tests/sitesearch/)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from consultations.models import ActionPlan, Proposal
from tests import factories

pytestmark = pytest.mark.django_db

Stage = ActionPlan.Stage


def search_url(language: str = "ar") -> str:
    with translation.override(language):
        return reverse("sitesearch:search")


def get(client, language="ar", **params):
    response = client.get(search_url(language), params)
    assert response.status_code == 200
    return response.content.decode()


def hits(page: str) -> list[str]:
    """The hrefs of the results, in order."""
    return re.findall(r'<li class="search-hit[^"]*">\s*<h3><a href="([^"]+)"', page)


@pytest.fixture
def world():
    """Two public plans in two councils, a commitment about budgets in each, a milestone, a
    workshop, proposals (one hidden) and a published comment."""
    tetouan = factories.CouncilFactory(name_ar="تطوان", name_fr="Tétouan", slug="tetouan")
    rabat = factories.CouncilFactory(name_ar="الرباط", name_fr="Rabat", slug="rabat")
    plans = {}
    for council in (tetouan, rabat):
        plan = factories.ActionPlanFactory(council=council, stage=Stage.IMPLEMENTATION)
        plans[council.slug] = plan
        commitment = factories.CommitmentFactory(
            plan=plan,
            title_ar=f"نشر الميزانية التشاركية في {council.name_ar}",
            title_fr=f"Publier le budget participatif de {council.name_fr}",
        )
        factories.MilestoneFactory(
            commitment=commitment, title_ar="إنشاء منصة الميزانية", title_fr="Créer la plateforme"
        )
    workshop = factories.WorkshopFactory(
        council=tetouan, plan=plans["tetouan"], title_ar="ورشة المياه", title_fr="Atelier eau"
    )
    group = factories.WorkingGroupFactory(workshop=workshop)
    factories.ProposalFactory(
        working_group=group, title_ar="حديقة عمومية للأطفال", title_fr="Un jardin public"
    )
    factories.ProposalFactory(
        working_group=group,
        title_ar="حديقة سرية مخفية",
        title_fr="Jardin caché",
        publication=Proposal.Publication.HIDDEN,
        hidden_reason="spam",
    )
    return {"tetouan": tetouan, "rabat": rabat, "plans": plans}


def test_every_page_has_the_search_box_in_its_header(client):
    for language in ("ar", "fr"):
        home = client.get(f"/{language}/").content.decode()
        form = re.search(r'<form class="header-search" action="([^"]+)"', home)
        assert form and form.group(1) == search_url(language)
        assert 'name="q"' in home


def test_the_empty_page_is_a_form_without_results(client, world):
    for language in ("ar", "fr"):
        page = get(client, language)
        assert 'class="search-form"' in page and "search-hit" not in page
        with translation.override(language):
            assert f"<h1>{gettext('Search')}</h1>" in page


def test_an_arabic_query_finds_the_commitments_of_both_councils_in_the_overview(client, world):
    # Without the article and with a hamza the texts do not have: the engine's folding.
    page = get(client, "ar", q="ميزانية")
    found = hits(page)
    commitments = [url for url in found if "/commitments/" in url and "#" not in url]
    assert any("#milestone-" in url for url in found)
    assert len(commitments) == 2
    assert all(url.startswith("/ar/") for url in found)
    assert "<mark>" in page
    with translation.override("ar"):
        assert gettext("Commitments") in page


def test_the_french_page_shows_the_french_texts(client, world):
    page = get(client, "fr", q="budget participatif")
    assert "Publier le" in page and "Tétouan" in page
    assert all(url.startswith("/fr/") for url in hits(page))


def test_a_hidden_proposal_is_never_shown(client, world):
    page = get(client, "ar", q="حديقة")
    assert "عمومية" in page
    assert "سرية" not in page and "مخفية" not in page
    page = get(client, "fr", q="jardin", kind="proposal")
    assert "caché" not in page


def test_kind_filter_lists_only_that_kind_and_marks_it(client, world):
    page = get(client, "ar", q="ميزانية", kind="milestone")
    found = hits(page)
    assert found and all("#milestone-" in url for url in found)
    assert re.search(r'kind=milestone" aria-current="page"', page)


def test_council_scope_keeps_to_the_council_and_offers_everywhere(client, world):
    page = get(client, "fr", q="budget", council="tetouan", kind="commitment")
    found = hits(page)
    assert len(found) == 1
    assert 'type="hidden" name="council" value="tetouan"' in page
    with translation.override("fr"):
        assert gettext("Search everywhere") in page


def test_paging_by_kind(client, world):
    plan = world["plans"]["rabat"]
    workshop = factories.WorkshopFactory(council=plan.council, plan=plan)
    group = factories.WorkingGroupFactory(workshop=workshop)
    for number in range(25):
        factories.ProposalFactory(working_group=group, title_fr=f"Éclairage public rue {number}")
    first = get(client, "fr", q="eclairage", kind="proposal")
    assert len(hits(first)) == 20 and 'rel="next"' in first
    second = get(client, "fr", q="eclairage", kind="proposal", page="2")
    assert len(hits(second)) == 5 and 'rel="prev"' in second and 'rel="next"' not in second
    assert not set(hits(first)) & set(hits(second))


def test_a_text_in_the_other_language_keeps_its_lang_and_dir(client, world):
    plan = world["plans"]["rabat"]
    factories.CommitmentFactory(plan=plan, title_ar="", title_fr="Transparence des marchés publics")
    page = get(client, "ar", q="marchés", kind="commitment")
    assert re.search(r'<span lang="fr" dir="ltr">[^<]*<mark>', page)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "<script>alert(1)</script>"},
        {"q": "-" * 60},
        {"q": "!!! & | ( ) : *"},
        {"q": "ميزانية" * 100},
        {"q": "budget", "kind": "nonsense"},
        {"q": "budget", "plan": "٤٢"},
        {"q": "budget", "council": "<x>"},
        {"q": "budget", "page": "99999"},
        {"q": "\x00budget"},
    ],
)
def test_hostile_input_is_an_answer_never_an_error(client, world, params):
    for language in ("ar", "fr"):
        response = client.get(search_url(language), params)
        assert response.status_code == 200
        assert "<script>alert" not in response.content.decode()


def test_a_title_with_markup_is_escaped_in_the_results(client, world):
    plan = world["plans"]["rabat"]
    factories.CommitmentFactory(
        plan=plan, title_fr="<script>alert('x')</script> budget des quartiers"
    )
    page = get(client, "fr", q="quartiers", kind="commitment")
    assert "<script>alert" not in page and "&lt;script&gt;" in page


def test_the_same_number_of_queries_with_few_or_many_results(client, world):
    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            get(client, "fr", **params)
        return len(captured)

    few = {"overview": queries(q="budget"), "kind": queries(q="budget", kind="commitment")}
    plan = world["plans"]["rabat"]
    for number in range(30):
        commitment = factories.CommitmentFactory(plan=plan, title_fr=f"Budget ouvert {number}")
        factories.MilestoneFactory(commitment=commitment, title_fr=f"Budget publié {number}")
    factories.CommentFactory(
        plan=plan,
        body="Le budget doit être publié",
        state="published",
        published_at=timezone.now(),
        language="fr",
    )
    many = {"overview": queries(q="budget"), "kind": queries(q="budget", kind="commitment")}
    assert few == many


def test_did_you_mean_shows_the_corrected_results_and_offers_the_words_as_typed(client, world):
    from opengov.search import vocabulary

    vocabulary.rebuild()
    page = get(client, "fr", q="partisipatif")
    assert "participatif" in page and len(hits(page)) >= 2
    assert 'class="did-you-mean"' in page and "exact=1" in page
    exact = get(client, "fr", q="partisipatif", exact="1")
    assert not hits(exact) and 'class="did-you-mean"' not in exact
