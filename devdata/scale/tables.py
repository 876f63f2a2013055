"""The generator's options, its seeded Random, the Table buffers written with binary COPY from a
second thread, and the small text and date helpers every builder uses."""

from __future__ import annotations

import datetime
import random
import threading
import time
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import SearchVectorField
from django.db import connection, models
from django.utils.text import slugify

from consultations.models import ActionPlan

DEFAULT_SEED = 1
# A fixed default, so two runs without --base-date agree; it must not be after the day the data
# is generated (a milestone cannot be completed in the future).
DEFAULT_BASE_DATE = datetime.date(2026, 11, 1)
NATIONAL_COUNCILS = 1590
UTC = datetime.UTC
Stage = ActionPlan.Stage
D = datetime.date
DAY = datetime.timedelta(days=1)


class Random(random.Random):
    """random.Random with cheaper picks: the generator makes millions of them, and
    choice()/randint() cost several times more than one random() call."""

    def pick(self, seq):
        return seq[int(self.random() * len(seq))]

    def between(self, low: int, high: int) -> int:
        """An integer in [low, high], like randint()."""
        return low + int(self.random() * (high - low + 1))


@dataclass(frozen=True)
class ScaleOptions:
    councils: int
    seed: int = DEFAULT_SEED
    plans_per_council: int = 1
    proposals_per_council: int = 300
    comments_per_council: int = 1250
    # 63 x 1,590 councils: about 100,000 proposals sent online, and 1,000,000 supports.
    online_proposals_per_council: int = 63
    supports_per_proposal: float = 10.0
    base_date: datetime.date = DEFAULT_BASE_DATE
    batch_councils: int = 100


# --- tables ------------------------------------------------------------------------------------

_REQUIRED = object()


class Table:
    """The rows of one table waiting to be copied, with ids assigned in order from `next_id`.

    Column list and defaults come from the model, so a field added later with a default (or
    nullable) is filled without touching this module (a callable default is called once, so
    every row shares its value)."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.name = model._meta.db_table
        # A search document is written by the database's trigger (consultations migration 0008).
        fields = [f for f in model._meta.concrete_fields if not isinstance(f, SearchVectorField)]
        self.columns = [f.column for f in fields]
        self.index = {f.column: i for i, f in enumerate(fields)}
        self.template = [self._default(f) for f in fields]
        self.rows: list[list] = []
        self.types: list[str] | None = None
        self.first_id = self.next_id = 1
        self.written = 0
        self.seconds = 0.0

    @staticmethod
    def _default(field: models.Field):
        if field.primary_key:
            return _REQUIRED
        if field.null:
            return None
        if field.has_default():
            return field.get_default()
        if isinstance(field, models.CharField | models.TextField | models.FileField):
            return ""
        return _REQUIRED

    def add(self, **values) -> int:
        pk = self.next_id
        self.next_id += 1
        row = self.template.copy()
        row[0] = pk
        index = self.index
        for column, value in values.items():
            row[index[column]] = value
        if _REQUIRED in row:
            missing = [c for c, v in zip(self.columns, row, strict=True) if v is _REQUIRED]
            raise ValueError(f"{self.name}: no value for {', '.join(missing)}")
        self.rows.append(row)
        return pk

    def start_at(self, first_id: int) -> None:
        self.first_id = self.next_id = first_id

    @property
    def generated(self) -> int:
        return self.next_id - self.first_id

    def read_types(self, cursor) -> None:
        """The column types, from the catalogue (binary COPY needs them)."""
        cursor.execute(
            "SELECT attname, atttypid::regtype::text FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [self.name],
        )
        types = dict(cursor.fetchall())
        self.types = [types[column] for column in self.columns]

    def take(self) -> list[list]:
        rows, self.rows = self.rows, []
        return rows

    def copy(self, cursor, rows: list[list]) -> None:
        """COPY `rows` in PostgreSQL's binary format (an order of magnitude less client time
        than text: no datetime or number formatting). `cursor` may be a Django or a psycopg
        cursor."""
        if not rows:
            return
        started = time.perf_counter()
        if self.types is None:
            self.read_types(cursor)
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with cursor.copy(f"COPY {self.name} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(self.types)
            for row in rows:
                copy.write_row(row)
        self.written += len(rows)
        self.seconds += time.perf_counter() - started

    def copy_rows(self, cursor) -> None:
        self.copy(cursor, self.take())


class CopyWriter:
    """COPY batches of rows from a second thread on the same connection (so in the same
    transaction) while the main thread generates the next batch: Python and the PostgreSQL
    backend then work at the same time. The main thread must not use the connection between
    submit() and wait(); at most one batch is in flight."""

    def __init__(self, raw_connection):
        self.raw = raw_connection
        self.thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def submit(self, batch: list[tuple[Table, list[list]]]) -> None:
        self.wait()
        self.thread = threading.Thread(target=self._run, args=(batch,), name="scale-copy")
        self.thread.start()

    def _run(self, batch) -> None:
        try:
            with self.raw.cursor() as cursor:
                for table, rows in batch:  # parents before children
                    table.copy(cursor, rows)
        except BaseException as error:  # handed to the main thread by wait()
            self.error = error

    def wait(self) -> None:
        """Block until the batch in flight is written; re-raise its error, if any."""
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.error is not None:
            error, self.error = self.error, None
            raise error


def tr(field_name: str, pair: tuple[str, str]) -> dict:
    """A translated field's columns: Arabic, French, and the original column (which
    modeltranslation fills with the active language's value; Arabic is the default)."""
    ar, fr = pair
    return {field_name: ar, f"{field_name}_ar": ar, f"{field_name}_fr": fr}


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _of(name_fr: str) -> str:
    """French "de Tanger" but "d'Oujda", "d'Aït Baha"."""
    return f"d'{name_fr}" if _ascii(name_fr[0]) in "AEIOU" else f"de {name_fr}"


def _code_letters(name_fr: str) -> str:
    words = [w for w in slugify(name_fr).split("-") if w and w not in {"de", "des", "la", "el"}]
    if len(words) == 1:
        return words[0][:3].upper()
    return "".join(w[0] for w in words)[:3].upper()
