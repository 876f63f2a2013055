"""The printable action plan: rendered from the demo data in both languages, read back with
pdftotext (logical order, bidi marks stripped), pypdf and pdffonts."""

import datetime
import gc
import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from pypdf import PdfReader

from commitments.models import Milestone
from commitments.publishing import pdf as plan_pdf
from commitments.publishing.pdf import render_plan_pdf, safe_url_fetcher
from consultations.models import ActionPlan
from devdata.demo import load_demo
from tests.factories import CommitmentFactory, MilestoneFactory

PDFTOTEXT = shutil.which("pdftotext")
PDFFONTS = shutil.which("pdffonts")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not (PDFTOTEXT and PDFFONTS), reason="poppler-utils is not installed"),
]

PLANS = {"agadir": ("agadir", 2025), "tta": ("tanger-tetouan-al-hoceima", 2024)}
LANGUAGES = ("ar", "fr")
PUBLISHED_ON = datetime.date(2025, 3, 4)
# Direction marks and embeddings pdftotext adds around runs of the other direction.
BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def public_url(slug: str, year: int, language: str) -> str:
    return f"https://infitah.example.ma/{language}/plans/{slug}/{year}/"


def pdftotext(path: Path, *options: str) -> list[str]:
    """The text of each page, in logical order, without bidi control characters."""
    result = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", *options, str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    )
    pages = BIDI_MARKS.sub("", result.stdout).split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def squash(text: str) -> str:
    """Text without any white space: pdftotext may split an Arabic word at a glyph gap."""
    return re.sub(r"\s+", "", BIDI_MARKS.sub("", text))


@dataclass
class Rendered:
    language: str
    path: Path
    reader: PdfReader
    pages: list[str]
    layout_pages: list[str]
    titles: dict[str, str]
    council_name: str
    public_url: str
    footer: str
    queries: int


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker, tmp_path_factory) -> dict:
    """Every (plan, language) document, rendered once for the module from the demo data, which
    is then rolled back."""
    folder = tmp_path_factory.mktemp("plan-pdf")
    documents = {}
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo(today=datetime.date(2026, 1, 15))
        for key, (slug, year) in PLANS.items():
            plan = ActionPlan.objects.get(council__slug=slug, start_year=year)
            for language in LANGUAGES:
                url = public_url(slug, year, language)
                with CaptureQueriesContext(connection) as queries:
                    data = render_plan_pdf(
                        plan, language, version=3, published_on=PUBLISHED_ON, public_url=url
                    )
                with translation.override(language):
                    titles = {c.reference: c.title for c in plan.commitments.all()}
                    council_name = plan.council.name
                    footer = gettext("Page %(page)s of %(pages)s")
                path = folder / f"{key}-{language}.pdf"
                path.write_bytes(data)
                documents[key, language] = Rendered(
                    language=language,
                    path=path,
                    reader=PdfReader(io.BytesIO(data)),
                    pages=pdftotext(path),
                    layout_pages=pdftotext(path, "-layout"),
                    titles=titles,
                    council_name=council_name,
                    public_url=url,
                    footer=footer,
                    queries=len(queries.captured_queries),
                )
        transaction.set_rollback(True)
    return documents


DOCUMENTS = [(key, language) for key in PLANS for language in LANGUAGES]


@pytest.mark.parametrize("document", DOCUMENTS)
def test_plan_pdf_shows_every_commitment_title_in_its_language(rendered, document):
    doc = rendered[document]
    text = squash("".join(doc.pages))
    assert doc.titles
    for title in doc.titles.values():
        assert squash(title) in text


def test_plan_pdf_arabic_text_is_extracted_in_logical_order(rendered):
    arabic = rendered["tta", "ar"]
    cover = arabic.pages[0]
    # Word for word, left to right in memory: a document drawn in visual order (or a shaping
    # that lost the letters) would not contain it.
    assert "جهة طنجة تطوان الحسيمة" in cover
    assert arabic.council_name in cover
    assert "جماعة أكادير" in rendered["agadir", "ar"].pages[0]
    # The letters of a word were not reversed either (what visual-order extraction gives).
    assert "ةميسحلا" not in cover


@pytest.mark.parametrize("language", LANGUAGES)
def test_plan_pdf_keeps_latin_references_intact(rendered, language):
    doc = rendered["tta", language]
    text = "".join(doc.pages)
    for reference in ("TTA-2024-01", "TTA-2024-02", "TTA-2024-03", "TTA-2024-04"):
        assert reference in text
    assert "01-2024-TTA" not in text


@pytest.mark.parametrize("document", DOCUMENTS)
def test_plan_pdf_footer_counts_the_real_number_of_pages(rendered, document):
    doc = rendered[document]
    total = len(doc.reader.pages)
    assert total == len(doc.pages) > 3
    for number, page in enumerate(doc.pages[1:], start=2):
        expected = doc.footer % {"page": number, "pages": total}
        assert squash(expected) in squash(page), f"page {number}"
    assert squash(doc.footer % {"page": total + 1, "pages": total}) not in squash(
        "".join(doc.pages)
    )


@pytest.mark.parametrize("document", DOCUMENTS)
def test_plan_pdf_table_of_contents_points_to_the_commitment_pages(rendered, document):
    doc = rendered[document]
    toc = doc.layout_pages[1]
    for reference, title in doc.titles.items():
        # The page where the commitment starts: the first after the contents with its reference
        # and its title.
        actual = next(
            index
            for index, page in enumerate(doc.pages[2:], start=3)
            if reference in page and squash(title) in squash(page)
        )
        line = next(line for line in toc.splitlines() if reference in line)
        numbers = [int(n) for n in re.findall(r"(?<![\w-])\d+(?![\w-])", line)]
        assert numbers == [actual], f"{reference}: contents say {numbers}, found on {actual}"


@pytest.mark.parametrize("document", DOCUMENTS)
def test_plan_pdf_declares_its_language_and_is_tagged(rendered, document):
    doc = rendered[document]
    catalog = doc.reader.trailer["/Root"]
    assert catalog["/Lang"] == doc.language
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert doc.reader.metadata.title


@pytest.mark.parametrize("document", DOCUMENTS)
def test_plan_pdf_embeds_the_shipped_amiri_fonts(rendered, document):
    doc = rendered[document]
    output = subprocess.run(
        [PDFFONTS, str(doc.path)], capture_output=True, check=True, text=True
    ).stdout
    rows = output.splitlines()[2:]
    assert rows
    assert any("Amiri" in row for row in rows)
    for row in rows:
        # Columns: name type encoding emb sub uni object-id generation.
        assert row.split()[-5] == "yes", row


@pytest.mark.parametrize("document", DOCUMENTS)
def test_plan_pdf_last_page_gives_the_public_url_and_its_qr_code(rendered, document):
    doc = rendered[document]
    assert doc.public_url in doc.pages[-1]
    assert doc.public_url not in "".join(doc.pages[:-1])
    # The QR code is drawn as vector strokes, tagged as a figure (with its alternative text).
    content = doc.reader.pages[-1].get_contents().get_data().decode("latin-1")
    assert "/Figure" in content
    assert content.count(" l\n") > 100


def test_plan_html_embeds_the_qr_code_of_the_public_url():
    url = "https://infitah.example.ma/ar/plans/agadir/2025/"
    commitment = CommitmentFactory()
    with translation.override("ar"):
        html = plan_pdf.render_plan_html(
            commitment.plan, version=1, published_on=PUBLISHED_ON, public_url=url
        )
    assert f'src="{plan_pdf._qr_data_uri(url)}"' in html
    assert '<html lang="ar" dir="rtl">' in html


def test_plan_pdf_reads_the_plan_in_a_bounded_number_of_queries(rendered):
    counts = {key: doc.queries for key, doc in rendered.items()}
    assert max(counts.values()) <= 8, counts
    assert len(set(counts.values())) == 1, counts


def _render_to(tmp_path, plan, language: str):
    """The plan's PDF in `language`, written to tmp_path/plan.pdf (its path)."""
    path = tmp_path / "plan.pdf"
    path.write_bytes(
        render_plan_pdf(
            plan,
            language,
            version=1,
            published_on=PUBLISHED_ON,
            public_url=f"https://infitah.example.ma/{language}/",
        )
    )
    return path


def _bbox(path) -> str:
    """pdftotext's words with their boxes (XHTML)."""
    return subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", "-bbox", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout


def test_plan_pdf_lays_out_an_arabic_heading_that_starts_with_latin_from_the_right(tmp_path):
    commitment = CommitmentFactory(title_ar="OGP Local: منصة رقمية للعرائض")
    path = _render_to(tmp_path, commitment.plan, "ar")
    bbox = _bbox(path)
    words = [
        (float(x), float(y), BIDI_MARKS.sub("", word))
        for x, y, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]+)</word>', bbox
        )
    ]
    # The heading: the line where "Local" is followed by Arabic, in its biggest occurrence.
    local = [w for w in words if w[2] == "Local"]
    for x_local, y, _word in local:
        line = {word: x for x, y_word, word in words if abs(y_word - y) < 1}
        x_ogp = next(x for word, x in line.items() if "OGP" in word)
        # Poppler gives the words of a line in visual order, Arabic letters reversed.
        x_arabic = next(x for word, x in line.items() if "منصة" in (word, word[::-1]))
        # Read from the right: "OGP Local" (itself left to right), then the Arabic words.
        assert x_arabic < x_ogp < x_local


def test_plan_pdf_uses_the_shipped_amiri_on_a_machine_without_it(monkeypatch, tmp_path):
    # The machine's Fontconfig configuration, minus every font file named Amiri: Amiri can only
    # come from the @font-face rules that point to static/fonts.
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        "  <selectfont><rejectfont><glob>*Amiri*</glob><glob>*amiri*</glob></rejectfont>"
        "</selectfont>\n</fontconfig>\n"
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    commitment = CommitmentFactory(title_ar="ميزانية مفتوحة")
    path = _render_to(tmp_path, commitment.plan, "ar")
    output = subprocess.run(
        [PDFFONTS, str(path)], capture_output=True, check=True, text=True
    ).stdout
    names = [row.split()[0].partition("+")[2] for row in output.splitlines()[2:]]
    assert "Amiri" in names
    assert "Amiri-Bold" in names
    assert "ميزانية مفتوحة" in "".join(pdftotext(path))


def test_plan_pdf_breaks_a_word_too_long_for_its_table_column(tmp_path):
    # The milestones table has a fixed layout: its columns keep their widths whatever the
    # content, so a word wider than its column (here a long reference number, which has no
    # break opportunity) must wrap inside its cell, not run over the due date.
    number = "9876543210" * 6
    milestone = MilestoneFactory(title_fr=f"Publier le marché {number}")
    path = _render_to(tmp_path, milestone.commitment.plan, "fr")
    bbox = _bbox(path)
    words = [
        (float(x_min), float(x_max), word)
        for x_min, x_max, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]+)</word>', bbox
        )
    ]
    with translation.override("fr"):
        header = capfirst(Milestone._meta.get_field("due_date").verbose_name).split()[0]
    due_date_column = next(x_min for x_min, _x_max, word in words if word == header)
    pieces = [(x_max, word) for _x_min, x_max, word in words if len(word) > 3 and word in number]
    assert "".join(word for _x_max, word in pieces) == number
    assert len(pieces) > 1
    for x_max, word in pieces:
        assert x_max < due_date_column, word


def test_plan_pdf_pauses_the_garbage_collector_and_restores_its_state(monkeypatch):
    commitment = CommitmentFactory()
    arguments = {
        "version": 1,
        "published_on": PUBLISHED_ON,
        "public_url": "https://infitah.example.ma/fr/",
    }
    write_pdf = plan_pdf.HTML.write_pdf
    during = []

    def spy(self, *args, **kwargs):
        during.append(gc.isenabled())
        return write_pdf(self, *args, **kwargs)

    monkeypatch.setattr(plan_pdf.HTML, "write_pdf", spy)
    assert gc.isenabled()
    render_plan_pdf(commitment.plan, "fr", **arguments)
    assert during == [False]
    assert gc.isenabled()

    # A caller that disabled it keeps it disabled.
    gc.disable()
    try:
        render_plan_pdf(commitment.plan, "fr", **arguments)
        assert not gc.isenabled()
    finally:
        gc.enable()

    # A failed rendering gives it back too.
    def failing(self, *args, **kwargs):
        raise RuntimeError("layout failed")

    monkeypatch.setattr(plan_pdf.HTML, "write_pdf", failing)
    with pytest.raises(RuntimeError):
        render_plan_pdf(commitment.plan, "fr", **arguments)
    assert gc.isenabled()


# --- fetching -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/x.png",
        "https://example.org/style.css",
        "ftp://example.org/font.ttf",
        "file:///etc/passwd",
        "//example.org/x.png",
        "x.png",
    ],
)
def test_safe_url_fetcher_refuses_remote_and_foreign_urls(url):
    with pytest.raises(ValueError):
        safe_url_fetcher(url)


def test_safe_url_fetcher_refuses_dot_dot_escaping_static():
    static = Path(settings.STATICFILES_DIRS[0]).resolve()
    with pytest.raises(ValueError):
        safe_url_fetcher(f"{static.as_uri()}/../manage.py")
    with pytest.raises(ValueError):
        safe_url_fetcher(f"{static.as_uri()}/fonts/../../../../../etc/passwd")
    with pytest.raises(ValueError):
        safe_url_fetcher(f"{static.as_uri()}/fonts/%2E%2E/%2E%2E/manage.py")


def test_safe_url_fetcher_refuses_symlinks_leaving_static(tmp_path, settings):
    settings.STATICFILES_DIRS = [tmp_path]
    (tmp_path / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(ValueError):
        safe_url_fetcher((tmp_path / "passwd").as_uri())


def test_safe_url_fetcher_serves_static_files_and_data_uris():
    font = Path(settings.STATICFILES_DIRS[0]).resolve() / "fonts/amiri/Amiri-Regular.ttf"
    response = safe_url_fetcher(font.as_uri())
    assert response.read(4) == b"\x00\x01\x00\x00"
    response = safe_url_fetcher("data:text/plain;base64,SGVsbG8=")
    assert response.read() == b"Hello"
    assert response.content_type == "text/plain"


def test_plan_pdf_prints_user_html_as_text_and_fetches_nothing_remote(monkeypatch, tmp_path):
    requested = []

    def spy(url, headers=None):
        requested.append(url)
        return safe_url_fetcher(url, headers)

    monkeypatch.setattr(plan_pdf, "safe_url_fetcher", spy)
    commitment = CommitmentFactory(
        description_fr='Voir <img src="http://example.org/x.png"> ici.',
        problem_fr="<style>@import url(http://example.org/evil.css);</style>",
        expected_results_fr='<link rel="stylesheet" href="https://example.org/a.css">',
    )
    data = render_plan_pdf(
        commitment.plan,
        "fr",
        version=1,
        published_on=PUBLISHED_ON,
        public_url="https://infitah.example.ma/fr/",
    )
    path = tmp_path / "plan.pdf"
    path.write_bytes(data)
    text = "".join(pdftotext(path))
    assert '<img src="http://example.org/x.png">' in text
    assert "@import url(http://example.org/evil.css);" in text
    assert requested, "the fonts at least go through the fetcher"
    assert all(url.startswith(("file:", "data:")) for url in requested), requested
