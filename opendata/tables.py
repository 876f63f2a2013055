"""The shape every open-data table shares: its name, description, columns, rows and the lookup
that limits it to one plan; and the CSV (UTF-8 with BOM) and JSON writers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet

from opengov.spreadsheets import csv_bytes

LANGS = ("ar", "fr")


def bilingual(*names: str) -> list[str]:
    return [f"{name}_{code}" for name in names for code in LANGS]


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    columns: list[str]
    queryset: Callable[[], QuerySet]
    row: Callable[[object], list]
    # The lookup from a row to its plan's id, for ?plan= on the CSV download; None: no filter.
    plan_lookup: str | None = None


def rows(dataset: Dataset, queryset: QuerySet | None = None) -> Iterable[list]:
    """The header and the rows as values; to_csv() makes them text (a number, negative ones
    included, stays a number: data, not a formula)."""
    yield dataset.columns
    for obj in queryset if queryset is not None else dataset.queryset():
        yield dataset.row(obj)


to_csv = csv_bytes


def to_json(dataset: Dataset) -> bytes:
    objects = [
        dict(zip(dataset.columns, dataset.row(obj), strict=True)) for obj in dataset.queryset()
    ]
    return json.dumps(objects, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode()
