"""The floor every spreadsheet import stands on (opengov.imports): cells as typed, rows numbered
as the spreadsheet numbers them, headers in three languages, signed previews."""

import datetime

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from opengov.imports import Column, ParsedRow, Sheet, normal_text, sign_rows, unsign_rows
from opengov.imports.reading import cell_text

SHEET = Sheet(
    "things",
    _("themes"),
    (
        Column("name", _("name"), "الاسم", "Nom", max_length=5),
        Column("status", _("status"), "الحالة", "Statut"),
    ),
    names=("الأشياء", "choses"),
    max_rows=3,
)


@pytest.mark.parametrize(
    "value,number_format,expected",
    [
        (datetime.datetime(2023, 1, 1), "mmm-yy", "2023-01"),
        (datetime.datetime(2023, 1, 1), "[$-fr-FR]mmmm yyyy", "2023-01"),
        (datetime.datetime(2023, 1, 15), "dd/mm/yyyy", "2023-01-15"),
        (datetime.datetime(2023, 1, 15), "yyyy-mm-dd h:mm:ss", "2023-01-15"),
        (datetime.datetime(2023, 1, 15), '"le" d mmmm', "2023-01-15"),
        (12.0, "General", "12"),
        (12.5, "General", "12.5"),
        (None, None, ""),
        ("2023-01", "@", "2023-01"),
    ],
)
def test_cell_text_keeps_what_the_clerk_typed(value, number_format, expected):
    assert cell_text(value, number_format) == expected


def test_rows_keep_the_spreadsheets_numbers_and_blank_rows_are_skipped():
    read = SHEET.read([["", ""], ["Nom", "الحالة"], ["a", "x"], ["", " "], [" b ", "y"]])
    assert not read.errors
    assert read.present == {"name", "status"}
    assert [(r.row, r.values) for r in read.rows] == [
        (3, {"name": "a", "status": "x"}),
        (5, {"name": "b", "status": "y"}),
    ]


def test_headers_by_key_template_header_and_label_in_three_languages():
    for header in ("name", "الاسم | Nom", "NOM", "Name"):
        assert SHEET.read([[header], ["a"]]).present == {"name"}, header
    with translation.override("ar"):
        arabic = str(SHEET.column("status").label)
    assert SHEET.read([[arabic], ["a"]]).present == {"status"}


def test_unknown_and_repeated_headers_and_too_many_rows_are_reported():
    read = SHEET.read([["Nom", "Nom", "Couleur"], *[["a"]] * 5])
    assert {(e.row, e.column) for e in read.errors} == {(1, "name"), (1, ""), (5, "")}
    assert len(read.rows) == 3


def test_length_errors_name_the_column():
    row = ParsedRow(2, {"name": "abcdef", "status": "x" * 50})
    assert [(e.row, e.column, e.sheet) for e in SHEET.length_errors(row)] == [(2, "name", "things")]


def test_a_sheet_is_found_by_any_of_its_titles():
    assert SHEET.matches("choses") and SHEET.matches("الأشياء | Choses") and SHEET.matches("Things")
    assert not SHEET.matches("Notes")


def test_normal_text_ignores_case_accents_apostrophes_and_spacing():
    assert normal_text("  Accès  à l\u2019Information ") == normal_text("acces a l'information")


def test_signed_rows_come_back_only_unaltered_and_for_their_owner():
    token = sign_rows("tests.imports", 7, {"things": [ParsedRow(4, {"name": "a"})]})
    back = unsign_rows("tests.imports", 7, token)
    assert [(r.row, r.values) for r in back["things"]] == [(4, {"name": "a"})]
    assert unsign_rows("tests.imports", 8, token) is None
    assert unsign_rows("tests.other", 7, token) is None
    assert unsign_rows("tests.imports", 7, token[:-2] + "xx") is None
