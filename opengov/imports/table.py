"""The shape of an imported sheet: its columns (with the headers staff may type, in Arabic,
French or English), its rows of text numbered as the spreadsheet numbers them, and errors by
sheet, row and column. Nothing here knows a model: each import checks its own rows."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext

from .reading import MAX_ROWS

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def normal_text(text: str) -> str:
    """Case-, accent-, apostrophe- and spacing-insensitive form of a header or a value, for
    matching."""
    text = unicodedata.normalize("NFKD", str(text)).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_APOSTROPHES)
    return " ".join(text.replace("_", " ").split())


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy, in the reader's language
    header_ar: str
    header_fr: str
    max_length: int | None = None
    aliases: tuple[str, ...] = ()  # other headers accepted (English, short forms)

    @property
    def template_header(self) -> str:
        return f"{self.header_ar} | {self.header_fr}"

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.key, self.header_ar, self.header_fr, self.template_header, *self.aliases)


@dataclass
class CellError:
    row: int  # as the spreadsheet numbers it: the header is row 1; 0 for the whole file
    column: str  # column key, "" for the whole row or file
    message: str
    sheet: str = ""  # sheet key, "" for the file
    label: str = ""  # the column's label, in the reader's language
    sheet_label: str = ""

    def column_label(self) -> str:
        return self.label


@dataclass
class ParsedRow:
    row: int
    values: dict[str, str]
    errors: list[CellError] = field(default_factory=list)


@dataclass
class ReadSheet:
    """A table as read: its rows, the errors of the table as a whole, the columns present."""

    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    present: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Sheet:
    """One table of an import: a workbook's sheet or a CSV file. `names`: the sheet titles
    it is found under in a workbook (besides its key and label)."""

    key: str
    label: object  # lazy, plural: "commitments"
    columns: tuple[Column, ...]
    names: tuple[str, ...] = ()
    max_rows: int = MAX_ROWS

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def header_lookup(self) -> dict[str, str]:
        """Every header staff may type → its column: the key, the template's Arabic and French
        headers, the aliases, and the column's label in Arabic, French and English."""
        lookup = {}
        for language in ("en", "fr", "ar"):
            with translation.override(language):
                lookup.update({normal_text(str(c.label)): c.key for c in self.columns})
        lookup.update({normal_text(alias): c.key for c in self.columns for alias in c.headers})
        return lookup

    def matches(self, title: str) -> bool:
        with translation.override("en"):
            english = str(self.label)
        titles = {normal_text(t) for t in (self.key, english, *self.names)}
        wanted = normal_text(title)
        # The template's titles are "Arabic | French": either half names the sheet.
        return wanted in titles or any(normal_text(p) in titles for p in title.split("|"))

    def error(self, row: int, column: str, message: str) -> CellError:
        found = self.column(column)
        return CellError(
            row,
            column,
            message,
            sheet=self.key,
            label=str(found.label) if found else "",
            sheet_label=str(self.label),
        )

    def read(self, table: list[list[str]]) -> ReadSheet:
        """The rows of `table` under its header (the first row not empty), numbered as the
        spreadsheet numbers them (blank rows skipped, not renumbered), with the errors of the
        table as a whole: unknown or repeated headers, too many rows. Texts are stripped."""
        numbered = [(n, row) for n, row in enumerate(table, start=1) if any(c.strip() for c in row)]
        errors: list[CellError] = []
        if not numbered:
            return ReadSheet(errors=[self.error(1, "", gettext("The file is empty."))])
        (header_number, header), body = numbered[0], numbered[1:]
        lookup = self.header_lookup()
        positions: dict[str, int] = {}
        for index, cell in enumerate(header):
            key = lookup.get(normal_text(cell))
            if key is None:
                if cell.strip():
                    message = gettext("Column %(number)d: unknown header “%(header)s”.") % {
                        "number": index + 1,
                        "header": cell.strip(),
                    }
                    errors.append(self.error(header_number, "", message))
                continue
            if key in positions:
                message = gettext("The column “%(column)s” appears twice.") % {
                    "column": self.column(key).label
                }
                errors.append(self.error(header_number, key, message))
            positions[key] = index
        if len(body) > self.max_rows:
            message = gettext("The file has more than %(max)d rows; split it.") % {
                "max": self.max_rows
            }
            errors.append(self.error(body[self.max_rows][0], "", message))
            body = body[: self.max_rows]
        rows = [
            ParsedRow(
                row=number,
                values={
                    key: (cells[index].strip() if index < len(cells) else "")
                    for key, index in positions.items()
                },
            )
            for number, cells in body
        ]
        return ReadSheet(rows, errors, frozenset(positions))

    def length_errors(self, row: ParsedRow) -> list[CellError]:
        """A text longer than its column accepts."""
        errors = []
        for key, value in row.values.items():
            column = self.column(key)
            limit = column.max_length if column else None
            if limit and len(value) > limit:
                message = gettext("%(count)d characters; at most %(max)d are accepted.") % {
                    "count": len(value),
                    "max": limit,
                }
                errors.append(self.error(row.row, key, message))
        return errors


def choice_lookup(choices, aliases: dict[str, tuple[str, ...]] | None = None) -> dict[str, str]:
    """Every way staff may write a choice, normalised (normal_text) → its value: the value,
    its label in Arabic, French and English, and the `aliases` given by value."""
    lookup = {
        normal_text(alias): value for value, names in (aliases or {}).items() for alias in names
    }
    for value, label in choices:
        lookup[normal_text(value)] = value
        for language in ("ar", "fr", "en"):
            with translation.override(language):
                lookup[normal_text(str(label))] = value
    return lookup


def preview_rows(sheet: Sheet, rows: list[ParsedRow]) -> list[dict]:
    """The rows as the preview table shows them: each cell with its errors, and the row's
    errors that name no column."""
    return [
        {
            "number": row.row,
            "cells": [
                (
                    row.values.get(column.key, ""),
                    [e.message for e in row.errors if e.column == column.key],
                )
                for column in sheet.columns
            ],
            "row_errors": [e.message for e in row.errors if e.column == ""],
        }
        for row in rows
    ]
