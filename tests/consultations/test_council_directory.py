"""The council directory's search by name (CouncilQuerySet.named_like, migration 0019): names
compared normalised in both scripts, with trigram similarity for a misspelt word, through the
trigram index."""

import pytest
from django.db import connection
from django.test import Client

from consultations.models import Council
from consultations.selectors import council_directory
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def councils():
    return {
        "tetouan": factories.CouncilFactory(
            kind="commune", name_fr="Tétouan", name_ar="تطوان", slug="tetouan"
        ),
        "fes": factories.CouncilFactory(kind="commune", name_fr="Fès", name_ar="فاس", slug="fes"),
        "ksar": factories.CouncilFactory(
            kind="commune", name_fr="Ksar El Kébir", name_ar="القصر الكبير", slug="ksar-el-kebir"
        ),
    }


def _found(text) -> list[str]:
    return [council.slug for council in council_directory(text=text)]


@pytest.mark.parametrize(
    "typed", ["Tétouan", "Tetouan", "tetouan", "TÉTOUAN", "تطوان", "تِطْوَان", "Tetoun", "tétou"]
)
def test_a_council_is_found_whatever_the_spelling(councils, typed):
    assert _found(typed) == ["tetouan"]


@pytest.mark.parametrize(
    ("typed", "slug"),
    [("fes", "fes"), ("Fès", "fes"), ("فاس", "fes"), ("kebir", "ksar-el-kebir"),
     ("الكبير", "ksar-el-kebir"), ("ksar-el", "ksar-el-kebir")],
)  # fmt: skip
def test_other_names_by_part_and_script(councils, typed, slug):
    assert _found(typed) == [slug]


@pytest.mark.parametrize("typed", ["rabat", "100%", "_", "a\\b", "زاكورة", "t\x00touan"])
def test_nothing_matches_a_name_no_council_has(councils, typed):
    assert _found(typed) == []


def test_a_text_of_nothing_but_spaces_and_nul_lists_every_council(councils):
    assert len(_found(" \x00 ")) == 3


def test_a_misspelt_word_counts_only_when_no_name_contains_the_text(councils):
    factories.CouncilFactory(kind="commune", name_fr="Tetoun", slug="tetoun")
    assert _found("Tetoun") == ["tetoun"]


def test_the_directory_page_uses_it(councils):
    page = Client().get("/fr/councils/", {"q": "Tetouan"}).content.decode()
    assert "/fr/councils/tetouan/" in page and "/fr/councils/fes/" not in page


def test_the_search_can_use_the_trigram_index(councils):
    factories.CouncilFactory.create_batch(5)
    queryset = Council.objects.named_like("tetouan")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = queryset.order_by().explain()
        cursor.execute("SET LOCAL enable_indexscan = on")
        cursor.execute("SET LOCAL enable_seqscan = on")
    assert "council_name_trgm_idx" in plan
