"""The printable plan marks texts waiting for their translation, as the pages do: read back
with pdftotext."""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext

from commitments.publishing.pdf import render_plan_pdf
from consultations.models import ActionPlan
from opengov import translations
from tests import factories
from tests.commitments.publishing.test_pdf import PDFFONTS, PDFTOTEXT, pdftotext, squash

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not (PDFTOTEXT and PDFFONTS), reason="poppler-utils is not installed"),
]


def _note(language: str, shown: str) -> str:
    with translation.override(language):
        return gettext("Translation pending. Shown in: %(languages)s.") % {
            "languages": translations.language_name(shown)
        }


def test_plan_pdf_notes_a_commitment_shown_in_the_other_language(tmp_path):
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.ADOPTED)
    waiting = factories.CommitmentFactory(
        plan=plan, reference="TST-2024-01", title_fr="", description_ar="نشر الميزانية"
    )
    factories.CommitmentFactory(plan=plan, reference="TST-2024-02")  # in both languages
    factories.MilestoneFactory(commitment=waiting)

    documents = {}
    for language in ("fr", "ar"):
        path = tmp_path / f"plan-{language}.pdf"
        path.write_bytes(
            render_plan_pdf(
                plan,
                language,
                version=1,
                published_on=datetime.date(2025, 3, 4),
                public_url=f"https://infitah.example.ma/{language}/",
            )
        )
        documents[language] = squash("".join(pdftotext(path)))

    # Once for the commitment written in Arabic only, not for the one in both languages.
    assert documents["fr"].count(squash(_note("fr", "ar"))) == 1
    assert squash("نشر الميزانية") in documents["fr"]  # shown in Arabic
    assert squash(_note("ar", "fr")) not in documents["ar"]
