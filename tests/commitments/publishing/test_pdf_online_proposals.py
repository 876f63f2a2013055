"""The printable plan's proposals annex takes the proposals sent online as it takes the workshops'
ones, marked as online, with their organisation, municipality, supports and the proposal a
duplicate was merged with; never one waiting or hidden, never an e-mail address. Rendered with
WeasyPrint in both languages, read back with pdftotext."""

import datetime
import re

import pytest
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from commitments.publishing.pdf import render_plan_pdf
from consultations.models import ActionPlan, Proposal
from tests import factories
from tests.commitments.publishing.test_pdf import PDFFONTS, PDFTOTEXT, pdftotext, squash

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not (PDFTOTEXT and PDFFONTS), reason="poppler-utils is not installed"),
]

Publication = Proposal.Publication
# Arabic short vowels and shadda, which the extraction may drop or move.
HARAKAT = re.compile("[\u064b-\u0652]")
# Arabic words for the Arabic titles: a Latin word inside Arabic text moves in the extraction.
ARABIC_KEYS = {
    "kept": "الأصلي",
    "duplicate": "المكرر",
    "orphan": "المدمج",
    "hidden": "المخفي",
    "pending": "المعلق",
    "awaiting": "المنتظر",
}


def online(plan, key: str, publication=Publication.PUBLISHED, **values):
    """A proposal sent online (no workshop), with its author's e-mail address."""
    extra = {"hidden_reason": "Hors sujet"} if publication == Publication.HIDDEN else {}
    return factories.OnlineProposalFactory(
        plan=plan,
        title_fr=f"Proposition {key}",
        title_ar=f"اقتراح {ARABIC_KEYS[key]}",
        residence=values.pop("residence", ""),
        email=f"{key}.author@mail.test",
        publication=publication,
        client_hash="f" * 64,
        **extra,
        **values,
    )


@pytest.fixture
def plan():
    plan = factories.ActionPlanFactory(stage=ActionPlan.Stage.ADOPTED)
    workshop = factories.WorkshopFactory(council=plan.council, plan=plan)
    group = factories.WorkingGroupFactory(workshop=workshop)
    factories.ProposalFactory(working_group=group, title_fr="Atelier eau", title_ar="ورشة الماء")
    kept = online(
        plan,
        "kept",
        submitted_by="Association Amal",
        residence="Tétouan",
        support_count=12,
    )
    online(plan, "duplicate", duplicate_of=kept, residence="Martil", support_count=0)
    hidden = online(plan, "hidden", Publication.HIDDEN)
    # Merged with a proposal that was hidden since: it must not be named.
    online(plan, "orphan", duplicate_of=hidden, support_count=3)
    online(plan, "pending", Publication.PENDING)
    online(plan, "awaiting", Publication.AWAITING)
    return plan


def render(plan, tmp_path, language: str) -> tuple[str, str]:
    """The document's text squashed (no white space, no hyphen added to break a word) and as
    extracted."""
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
    text = "".join(pdftotext(path))
    return plain(text).replace("\u2010", ""), text


def plain(text: str) -> str:
    return HARAKAT.sub("", squash(text))


def label(name: str) -> str:
    return plain(capfirst(str(Proposal._meta.get_field(name).verbose_name)))


def title(key: str, language: str) -> str:
    return plain(f"اقتراح {ARABIC_KEYS[key]}" if language == "ar" else f"Proposition {key}")


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_plan_pdf_annex_marks_published_online_proposals_and_hides_the_rest(
    plan, tmp_path, language
):
    document, raw = render(plan, tmp_path, language)
    with translation.override(language):
        sent_online = plain(gettext("Sent online"))
        heading = plain(gettext("Proposals sent online"))
        workshop = plain("ورشة الماء" if language == "ar" else "Atelier eau")
        submitted_by, residence = label("submitted_by"), label("residence")
        supports, merged_with = label("support_count"), label("duplicate_of")

    assert workshop in document and heading in document
    for key in ("duplicate", "orphan"):
        assert title(key, language) in document, key
    for key in ("pending", "awaiting", "hidden"):
        assert title(key, language) not in document, key
    # The kept proposal: its own row, and the duplicate's "merged with"; the proposal merged
    # with a hidden one names nothing.
    assert document.count(title("kept", language)) == 2
    assert document.count(merged_with) == 1
    # Each of the three online proposals says so, with its supports; the workshop's does not.
    assert document.count(sent_online) == 3
    assert document.count(supports) == 3
    assert document.count(residence) == 2
    # The workshop's proposal (the factory's association) and the kept one give who sent them.
    assert document.count(submitted_by) == 2
    assert "@" not in raw and "mail.test" not in raw


def test_plan_pdf_annex_reads_each_online_mark_with_its_value(plan, tmp_path):
    # In French the extraction keeps each label beside its value (in Arabic, a Latin value
    # beside a label may move).
    document, _raw = render(plan, tmp_path, "fr")
    with translation.override("fr"):
        received = plain(gettext("Proposals received"))
        assert f"{label('support_count')}:12" in document
        assert f"{label('support_count')}:3" in document
        assert f"{label('residence')}:Tétouan" in document
        assert f"{label('residence')}:Martil" in document
        assert f"{label('submitted_by')}:AssociationAmal" in document
        assert f"{label('duplicate_of')}:{title('kept', 'fr')}" in document
    # The workshop's proposal and the three published online ones.
    assert f"{received}4" in document
