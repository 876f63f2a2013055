"""The printed plan keeps what the public page keeps (issue 22): the lines staff typed (bullet
lists as lists, one supporting actor per line), each table's caption on the page of its first
row, and an overdue milestone said to be overdue. Real WeasyPrint documents, read back with
pdftotext."""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext

from commitments.models import Milestone
from consultations.models import ActionPlan
from tests.commitments.publishing.test_pdf import (
    PDFTOTEXT,
    PUBLISHED_ON,
    _render_to,
    pdftotext,
    squash,
)
from tests.factories import ActionPlanFactory, CommitmentFactory, IndicatorFactory, MilestoneFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not PDFTOTEXT, reason="poppler-utils is not installed"),
]

LANGUAGES = ("ar", "fr")

BULLETS = {
    "fr": ["Publier le budget annuel", "Ouvrir les séances au public", "Former les agents"],
    "ar": ["نشر الميزانية السنوية", "فتح الجلسات للعموم", "تكوين أعوان الاستقبال"],
}
PARTNERS = {
    "fr": ["Association Tanmia", "Université Mohammed Premier", "Agence de l'Oriental"],
    "ar": ["جمعية التنمية", "جامعة محمد الأول", "وكالة تنمية جهة الشرق"],
}


def _lines(path) -> list[str]:
    """Every line of the document, without white space (pdftotext may split Arabic words)."""
    return [squash(line) for page in pdftotext(path) for line in page.splitlines()]


def _each_on_its_own_line(lines: list[str], texts: list[str]) -> None:
    wanted = [squash(text) for text in texts]
    for text in wanted:
        assert any(text in line for line in lines), (text, lines)
    for line in lines:
        assert sum(text in line for text in wanted) <= 1, line


@pytest.mark.parametrize("language", LANGUAGES)
def test_plan_pdf_prints_each_bullet_item_on_its_own_line(tmp_path, language):
    ar, fr = BULLETS["ar"], BULLETS["fr"]
    commitment = CommitmentFactory(
        # Hyphens, and a bullet typed as such, as staff paste them from a word processor.
        description_fr=f"Le conseil va :\n- {fr[0]}\n- {fr[1]}\n• {fr[2]}",
        description_ar=f"سيقوم المجلس بما يلي:\n- {ar[0]}\n- {ar[1]}\n• {ar[2]}",
    )
    path = _render_to(tmp_path, commitment.plan, language)
    _each_on_its_own_line(_lines(path), BULLETS[language])


def test_plan_html_makes_bullet_lines_a_real_list(tmp_path):
    commitment = CommitmentFactory(description_fr="Le conseil va :\n- Publier\n- Ouvrir")
    from commitments.publishing.pdf import render_plan_html

    with translation.override("fr"):
        html = render_plan_html(
            commitment.plan, version=1, published_on=PUBLISHED_ON, public_url="https://x.ma/"
        )
    assert "<p>Le conseil va :</p><ul><li>Publier</li><li>Ouvrir</li></ul>" in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_plan_pdf_prints_one_supporting_actor_per_line(tmp_path, language):
    commitment = CommitmentFactory(
        partners_fr="\n".join(PARTNERS["fr"]), partners_ar="\n".join(PARTNERS["ar"])
    )
    path = _render_to(tmp_path, commitment.plan, language)
    _each_on_its_own_line(_lines(path), PARTNERS[language])


@pytest.mark.parametrize("language", LANGUAGES)
def test_plan_pdf_says_an_open_milestone_past_its_due_date_is_overdue(tmp_path, language):
    commitment = CommitmentFactory()
    MilestoneFactory(
        commitment=commitment,
        status=Milestone.Status.IN_PROGRESS,
        due_date=PUBLISHED_ON - datetime.timedelta(days=30),
    )
    path = _render_to(tmp_path, commitment.plan, language)
    text = squash("".join(pdftotext(path)))
    with translation.override(language):
        overdue, in_progress = gettext("Overdue"), gettext("In progress")
    assert squash(overdue) in text
    assert squash(in_progress) not in text


def test_plan_pdf_keeps_each_table_caption_on_the_page_of_its_first_row(tmp_path):
    # Every commitment starts a page; its description (one line per line typed, so its height
    # is known) grows by one line from one commitment to the next, so that over 48 lines, about
    # a page, the captions of the milestones and indicators tables below it fall at every height
    # of a page, the very bottom included.
    plan = ActionPlanFactory(stage=ActionPlan.Stage.IMPLEMENTATION)
    count = 48
    for number in range(count):
        commitment = CommitmentFactory(
            plan=plan,
            reference=f"TST-2024-{number:02d}",
            description_fr="\n".join(f"Ligne {line}" for line in range(number)),
        )
        MilestoneFactory(commitment=commitment, title_fr=f"Jalon M{number:02d}")
        IndicatorFactory(commitment=commitment, name_fr=f"Indicateur I{number:02d}")
    path = _render_to(tmp_path, plan, "fr")
    pages = [[squash(line) for line in page.splitlines()] for page in pdftotext(path)]
    with translation.override("fr"):
        captions = {"M": squash(gettext("Milestones")), "I": squash(gettext("Indicators"))}
    for prefix, caption in captions.items():
        # The n-th caption of a kind is the n-th commitment's.
        caption_pages = [i for i, lines in enumerate(pages) for line in lines if line == caption]
        assert len(caption_pages) == count
        for number, caption_page in enumerate(caption_pages):
            marker = f"{prefix}{number:02d}"
            row_page = next(i for i, lines in enumerate(pages) if any(marker in x for x in lines))
            assert caption_page == row_page, (caption, number, caption_page, row_page)
