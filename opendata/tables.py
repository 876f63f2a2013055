"""The shape every open-data table shares: its name, description, columns, rows and the lookup
that limits it to one plan; and the CSV (UTF-8 with BOM) and JSON writers, both writing every
moment in ISO 8601 with its offset from UTC (opengov.spreadsheets.timestamp_text)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet

from opengov.spreadsheets import csv_bytes, timestamp_text

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


class _Encoder(DjangoJSONEncoder):
    """Moments as the CSV writes them: ISO 8601 with their offset, to the second."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            return timestamp_text(o)
        return super().default(o)


def to_json(dataset: Dataset) -> bytes:
    objects = [
        dict(zip(dataset.columns, dataset.row(obj), strict=True)) for obj in dataset.queryset()
    ]
    return json.dumps(objects, cls=_Encoder, ensure_ascii=False, indent=1).encode()
