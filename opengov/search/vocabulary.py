"""The vocabulary of the searched texts and "did you mean" (issue 19).

The floor names no app: each app registers the texts it makes searchable, from its own
AppConfig.ready(), as a queryset and its text columns (`register_source`); `rebuild()` reads
every registered source into the table opengov.SearchWord, one row per normalised word (the
rules of opengov.search.normalize.normalize: Arabic folded, accents dropped, lower case) with
the number of texts holding it. A queryset rather than raw SQL: it carries the app's own rule
of what is public (Proposal.objects.published()), compiles to SQL for PostgreSQL, where the
whole rebuild is one INSERT ... SELECT, and iterates in Python on SQLite (the demo), so the
two fill the same table from the same registration.

`suggestion(text)` corrects each word of a query that the vocabulary lacks into the most
similar word it holds (ties: the word more texts hold), or says there is nothing to correct.
PostgreSQL: one query for all the words, trigram similarity (pg_trgm's `%` under the GIN index
searchword_trgm_idx, in the SQL function infitah_suggestions of migration opengov 0003, which
makes the planner use that index); a French stop word is never corrected. SQLite: difflib over
the table.

Freshness: the table is as old as its last rebuild (the daily task opengov.rebuild_search_
vocabulary, and `manage.py rebuild_search_vocabulary`). A word new since then is missing, so a
query made of it alone may be "corrected" into an older, similar word; the suggestion is only
offered when the search itself finds nothing, which a word present in the index never does."""

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connection, connections, transaction
from django.db.models import QuerySet

from opengov.params import SEARCH_MAX_LENGTH

from .normalize import normalize, normalize_ar, normalize_fr

WORD = re.compile(r"\w+")
# Words shorter than this are neither kept nor corrected: too few trigrams to compare.
MIN_LENGTH = 3
MAX_LENGTH = 64  # SearchWord.word's max_length
# The least pg_trgm similarity of a correction (one letter missing, doubled or wrong in a word
# of 6 letters or more scores 0.5-0.8; "الطالبه"/"الطالبة" 0.6).
SIMILARITY = 0.5
# The least difflib ratio of a correction on SQLite (a different measure, on letters).
SQLITE_RATIO = 0.8
# The words of one query looked at, at most.
MAX_WORDS = 12


@dataclass(frozen=True)
class Source:
    name: str
    rows: Callable[[], QuerySet]
    columns: tuple[str, ...]


_SOURCES: dict[str, Source] = {}


def register_source(name: str, rows: Callable[[], QuerySet], columns: Sequence[str]) -> None:
    """Make the text columns of the rows a callable returns part of the vocabulary (called
    when the vocabulary is rebuilt, so it reads the rows public then). Registering a name
    again replaces its source."""
    if not columns:
        raise ValueError("a vocabulary source needs at least one text column")
    _SOURCES[name] = Source(name, rows, tuple(columns))


def sources() -> list[Source]:
    return list(_SOURCES.values())


def words_of(text) -> list[str]:
    """The vocabulary's words of a text, in order, repeated as they occur: normalised, 3 to
    64 characters, not only digits."""
    return [
        word
        for word in WORD.findall(normalize(text or ""))
        if MIN_LENGTH <= len(word) <= MAX_LENGTH and word.strip("0123456789_")
    ]


@transaction.atomic
def rebuild() -> int:
    """Replace the vocabulary with the words of every registered source, now; atomic (readers
    see the old vocabulary until the commit). Returns the number of words."""
    from opengov.models import SearchWord

    SearchWord.objects.all().delete()
    if not _SOURCES:
        return 0
    if connection.vendor == "postgresql":
        return _rebuild_sql()
    counts: Counter[str] = Counter()
    for source in _SOURCES.values():
        rows = source.rows().order_by().values_list(*source.columns)
        for row in rows.iterator(chunk_size=2000):
            counts.update(set(words_of(" ".join(value or "" for value in row))))
    SearchWord.objects.bulk_create(
        (SearchWord(word=word, documents=n) for word, n in counts.items()), batch_size=1000
    )
    return len(counts)


def _rebuild_sql() -> int:
    selects, params = [], []
    for source in _SOURCES.values():
        sql, values = source.rows().order_by().values_list(*source.columns).query.sql_with_params()
        names = [f"c{n}" for n in range(len(source.columns))]
        # The queryset's own compiled SQL and parameters; the names are ours: nothing typed.
        selects.append(
            f"SELECT concat_ws(' ', {', '.join(names)}) AS t FROM ({sql}) AS q({', '.join(names)})"  # noqa: S608
        )
        params += values
    # The sources' compiled SQL (their values stay parameters) and our own constants.
    sql = f"""
        INSERT INTO opengov_searchword (word, documents)
        SELECT token, count(*) FROM ({" UNION ALL ".join(selects)}) AS source
        CROSS JOIN LATERAL (
            SELECT DISTINCT token
            FROM regexp_split_to_table(unaccent(infitah_normalize(source.t)), '\\W+') AS token
        ) AS words
        WHERE length(token) BETWEEN {MIN_LENGTH} AND {MAX_LENGTH} AND token !~ '^[0-9_]*$'
        GROUP BY token
        """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def known_words(words: Sequence[str], using: str = "default") -> set[str]:
    """Those of the words whose normalised form the vocabulary holds: one query, even for no
    word, so that a search costs the same number of queries whatever its words."""
    keys = {word: normalize(word) for word in words}
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT word FROM opengov_searchword WHERE word = ANY(%s)", [list(set(keys.values()))]
        )
        held = {row[0] for row in cursor.fetchall()}
    return {word for word, key in keys.items() if key in held}


def suggestion(text) -> str | None:
    """The query with each word the vocabulary lacks replaced by the most similar word it
    holds (Arabic rules and lower case applied to the whole text, accents kept where nothing
    was corrected), or None when no word changes. Never raises on any text; at most one SQL
    query."""
    typed = normalize_ar(unicodedata.normalize("NFC", str(text if text is not None else "")))
    typed = typed.replace("\x00", " ")[:SEARCH_MAX_LENGTH]
    keys = []
    for match in WORD.finditer(typed):
        key = normalize_fr(match.group())
        if MIN_LENGTH <= len(key) <= MAX_LENGTH and key.strip("0123456789_") and key not in keys:
            keys.append(key)
    keys = keys[:MAX_WORDS]
    if not keys:
        return None
    corrections = (
        _corrections_sql(keys) if connection.vendor == "postgresql" else _corrections_python(keys)
    )
    if not corrections:
        return None
    corrected = WORD.sub(lambda m: corrections.get(normalize_fr(m.group()), m.group()), typed)
    return " ".join(corrected.split())


def _corrections_sql(keys: list[str]) -> dict[str, str]:
    # infitah_suggestions (migration opengov 0003): for each word the vocabulary lacks and
    # French does not drop as a stop word, the most similar word (`%` under the GIN index,
    # similarity >= threshold), then the more frequent, then the first in order.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT typed, suggested FROM infitah_suggestions(%s::text[], %s::real)",
            [keys, SIMILARITY],
        )
        return dict(cursor.fetchall())


def _corrections_python(keys: list[str]) -> dict[str, str]:
    from opengov.models import SearchWord

    known = dict(SearchWord.objects.values_list("word", "documents"))
    corrections = {}
    for key in keys:
        if key in known:
            continue
        scored = []
        for word, documents in known.items():
            matcher = difflib.SequenceMatcher(None, key, word)
            if matcher.real_quick_ratio() >= SQLITE_RATIO and matcher.quick_ratio() >= SQLITE_RATIO:
                ratio = matcher.ratio()
                if ratio >= SQLITE_RATIO:
                    scored.append((ratio, documents, word))
        if scored:
            best = max(scored, key=lambda s: (s[0], s[1], [-ord(c) for c in s[2]]))
            corrections[key] = best[2]
    return corrections
