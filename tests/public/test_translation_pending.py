"""Public pages of texts waiting for their translation: the text in the language it exists in,
marked with its own lang and dir, and one short translated note per block; the original version
of an official text written in another language."""

import html

import pytest
from django.utils import translation
from django.utils.translation import gettext

from consultations.models import ActionPlan
from opengov import translations
from tests import factories

pytestmark = pytest.mark.django_db

NOTE = 'class="translation-note" role="note"'


def _in(page_language: str, message: str, **values) -> str:
    """A message as the page in `page_language` writes it (escaped as in the HTML)."""
    with translation.override(page_language):
        text = gettext(message)
        if values:
            text = text % {k: translations.language_name(v) for k, v in values.items()}
    return html.escape(text)


def pending_in(language: str, shown: str) -> str:
    return _in(language, "Translation pending. Shown in: %(languages)s.", languages=shown)


def _page(client, obj, language: str) -> str:
    with translation.override(language):
        url = obj.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def french_commitment():
    plan = factories.ActionPlanFactory(
        stage=ActionPlan.Stage.ADOPTED, title_ar="", title_fr="Plan de Tétouan"
    )
    commitment = factories.CommitmentFactory(
        plan=plan,
        reference="TET-2024-03",
        title_ar="",
        title_fr="Publication proactive",
        description_fr="Refonte du portail.",
        lead_agency_ar="",
        lead_agency_fr="Direction générale des services",
        original_language="fr",
    )
    factories.MilestoneFactory(commitment=commitment, title_ar="", title_fr="Portail refondu")
    factories.IndicatorFactory(commitment=commitment, name_ar="", name_fr="Pages publiées")
    return commitment


def test_arabic_commitment_page_shows_french_text_with_its_lang_and_one_note_per_block(
    client, french_commitment
):
    page = _page(client, french_commitment, "ar")

    assert '<h1><span lang="fr" dir="ltr">Publication proactive</span></h1>' in page
    assert '<span lang="fr" dir="ltr">Direction générale des services</span>' in page
    note = f"<p {NOTE}>{pending_in('ar', 'fr')}</p>"
    # The commitment's fields, its milestone, its indicators: one note each, not one a field.
    assert page.count(NOTE) == 3
    assert page.count(note) == 3
    # In the page's body (the head's meta description quotes the text too).
    body = page[page.index("<main") :]
    assert body.index(note) < body.index("Refonte du portail.")


def test_french_commitment_page_of_a_french_original_says_it_is_the_original(
    client, french_commitment
):
    page = _page(client, french_commitment, "fr")

    assert "<h1>Publication proactive</h1>" in page
    assert pending_in("fr", "ar") not in page
    assert _in("fr", "Original version, as officially written.") in page
    assert page.count(NOTE) == 1


def test_arabic_translation_of_a_french_original_is_marked_as_a_translation(client):
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    commitment = factories.CommitmentFactory(plan=plan, original_language="fr")

    page = _page(client, commitment, "ar")

    assert _in("ar", "Translation. Original version: %(language)s.", language="fr") in (page)
    assert _in("ar", "Original language") in page
    assert pending_in("ar", "fr") not in page


def test_commitment_written_in_another_language_shows_its_original_wording(client):
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.ADOPTED)
    commitment = factories.CommitmentFactory(
        plan=plan,
        original_language=translations.OTHER,
        original_wording="Proactive publication of information\nrelated to communal management",
    )

    for language in ("ar", "fr"):
        page = _page(client, commitment, language)
        assert (
            _in(language, "Translation. The official text was written in another language.") in page
        )
        assert (
            '<div class="original-wording" lang="" dir="auto">Proactive publication of '
            "information<br>related to communal management</div>"
        ) in page


def test_plan_council_and_workshop_pages_note_titles_shown_in_the_other_language(
    client, french_commitment
):
    plan = french_commitment.plan
    workshop = factories.WorkshopFactory(
        council=plan.council, plan=plan, title_ar="", summary_ar="", summary_fr="Synthèse"
    )

    plan_page = _page(client, plan, "ar")
    assert '<h1><span lang="fr" dir="ltr">Plan de Tétouan</span></h1>' in plan_page
    # The plan's own texts, its workshops' titles, its commitments' titles.
    assert plan_page.count(pending_in("ar", "fr")) == 3
    council_page = _page(client, plan.council, "ar")
    assert council_page.count(pending_in("ar", "fr")) == 2
    workshop_page = _page(client, workshop, "ar")
    assert workshop_page.count(pending_in("ar", "fr")) == 1
    assert '<div lang="fr" dir="ltr">Synthèse</div>' in workshop_page
    assert NOTE not in _page(client, workshop, "fr")


def test_progress_note_in_one_language_is_marked_once(client, french_commitment):
    milestone = french_commitment.milestones.get()
    for note in ("Maquette validée", "Portail en ligne"):
        update = factories.MilestoneUpdateFactory(milestone=milestone)
        type(update).objects.filter(pk=update.pk).update(note_ar="", note_fr=note)

    page = _page(client, french_commitment, "ar")

    assert '<div lang="fr" dir="ltr">Maquette validée</div>' in page
    # commitment, milestone, its two updates (one note), indicators
    assert page.count(NOTE) == 4
