"""The portal-wide search's read: `search()` answers results.Results from the index
(sitesearch.models.SearchEntry), in a fixed number of queries whatever the text and however many
things match: one per filter given (the council, the plan), one to the vocabulary (which glued
forms of the words some text holds, and whether the last word is one some text holds whole, not
a prefix: opengov.search.query.held_tsquery), then one for the counts of every kind and the
ids of the page, then one for those entries with their highlighted texts (left out when nothing
matched).

Counts stop at CAP: each kind's matches are read up to CAP + 1 rows (never a COUNT over
millions), and only those are ranked, so a word common to 200,000 proposals ranks the first
CAP + 1 the index gives, not all of them; a page past CAP is not offered. The overview ranks
fewer: each kind's best three are those of its first OVERVIEW_RANKED matches (a kind's page, at
least as good, ranks all its CAP + 1), and a kind only counted is not ranked at all: ranking
is the costly part once the matches are read (tens of microseconds a commitment).
Ranking: ts_rank_cd (titles weighted above bodies); councils also by trigram word similarity
of their normalised names, so "Tetouan", "tétouan" or a typo such as "Tetuan" find Tétouan.

SQLite (the demo): the same shape, matched by opengov.search.query.matching's text path, with
a plain excerpt (no ts_headline) in which nothing is marked."""

from __future__ import annotations

import re
from dataclasses import replace

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import Case, F, Func, Q, TextField, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext

from consultations.models import ActionPlan, Council
from opengov.params import SEARCH_MAX_LENGTH, ascii_int, websearch_terms
from opengov.search import vocabulary
from opengov.search.normalize import normalize
from opengov.search.query import (
    Matches,
    Rank,
    TsQuery,
    WordSimilar,
    held_tsquery,
    matching,
    tsquery,
)

from .models import SearchEntry
from .results import KINDS, Group, Hit, Results, Text

CAP = 1000
PER_PAGE = 20
OVERVIEW_HITS = 3
# The overview's best of each kind are those of its first matches (see _scalar_subqueries).
OVERVIEW_RANKED = 200
EXCERPT_WORDS = 30
# After the search, inside a transaction (a test, an atomic block), SET LOCAL would last until
# its end: the settings go back at once.
RESET = (
    "RESET enable_seqscan; RESET enable_indexscan; RESET max_parallel_workers_per_gather;"
    " RESET work_mem"
)
# Marks around the matched words in ts_headline's output, from Unicode's private use area:
# removed from the texts first, then replaced by <mark> once the text is escaped.
START, STOP = "\ue000", "\ue001"
DIRECTIONS = {"ar": "rtl", "fr": "ltr"}
SEARCHED = {"A": ("title_ar", "title_fr"), "B": ("body_ar", "body_fr")}


class Headline(Func):
    function = "ts_headline"
    output_field = TextField()


SLUG = re.compile(r"[-a-zA-Z0-9_]{1,80}")


def _words(text: str) -> str:
    return " ".join(str(text if text is not None else "").split())[:SEARCH_MAX_LENGTH]


def _council(slug) -> Council | None:
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        return None
    return Council.objects.filter(slug=slug).first()


def _plan(pk) -> ActionPlan | None:
    number = ascii_int(pk)
    if number is None:
        return None
    return ActionPlan.objects.public().select_related("council").filter(pk=number).first()


def _matches(entries, text: str, kind: str, query: TsQuery | None):
    """The entries of `kind` matching the text, annotated `search_rank`; `query` is the text's
    tsquery (held_tsquery; None on SQLite)."""
    if connection.vendor != "postgresql":
        return matching(entries.filter(kind=kind), text, columns=SEARCHED)
    entries = entries.filter(kind=kind).annotate(search_rank=_rank(text, kind, query))
    if kind != "council":
        return entries.filter(Matches(F("document"), query))
    name = _name(text)
    return entries.filter(Q(Matches(F("document"), query)) | Q(WordSimilar(F("name"), Value(name))))


def _name(text: str) -> str:
    return normalize(
        " ".join(word for terms in websearch_terms(text) for t in terms for word in t.words)
    )


def _rank(text: str, kind: str, query):
    """ts_rank_cd of the document (titles weighted above bodies); for councils, the trigram
    word similarity of their names if higher."""
    if kind != "council":
        return Rank(F("document"), query)
    return Greatest(Rank(F("document"), query), TrigramWordSimilarity(Value(_name(text)), "name"))


def _scalar_subqueries(
    entries, text: str, kind: str | None, page: int, query: TsQuery
) -> tuple[str, list]:
    """One statement: every kind's capped count and the ids of the hits to show, ranked. Each
    kind's matches (at most CAP + 1) are read once, into a materialised CTE.

    Its first statements turn off the planner's sequential and plain index scans for this
    statement only (SET LOCAL, RESET at its end): with a LIMIT, PostgreSQL otherwise
    expects a common-looking word (a prefix, "طلب:*", is estimated at 180,000 matches) to fill
    it after a few rows of a full scan, and reads 2.7 million entries when a kind has none;
    the partial GIN index of each kind answers in milliseconds either way. They also give its
    bitmaps 16 MB of work_mem: with the default 4 MB, the matches of a common word in a million
    comments make a lossy bitmap, and every row of those pages was read and rechecked (1.5 s
    for "budget الميزانية" at national scale; 0.3 s without the recheck)."""
    ctes, columns, params, column_params = [], [], [], []
    for position, each in enumerate(KINDS):
        # Only the kind of a kind's page is ranked among all its candidates (its pages need
        # one order); the overview ranks each kind's first OVERVIEW_RANKED, a kind only counted
        # none.
        candidates = _matches(entries, text, each, query).order_by()
        fields = ("id", "search_rank") if kind == each else ("id",)
        sql, values = candidates.values(*fields)[: CAP + 1].query.sql_with_params()
        # The SQL is the ORM's, its values parameters; limit and offset are integers.
        ctes.append(f"found_{position} AS MATERIALIZED ({sql})")
        params += values
        columns.append(f"(SELECT count(*) FROM found_{position})")  # noqa: S608
        if kind == each:
            offset = (page - 1) * PER_PAGE
            columns.append(
                f"(SELECT array_agg(id ORDER BY rank DESC, id) FROM (SELECT id, "  # noqa: S608
                f"search_rank AS rank FROM found_{position} "
                f"ORDER BY search_rank DESC, id LIMIT {PER_PAGE + 1} OFFSET {offset}) AS best)"
            )
        elif kind is None and page == 1:
            first = RawSQL(f"SELECT id FROM found_{position} LIMIT {OVERVIEW_RANKED}", [])  # noqa: S608, S611
            best = (
                SearchEntry.objects.filter(id__in=first)
                .annotate(search_rank=_rank(text, each, query))
                .order_by("-search_rank", "id")
                .values("id", "search_rank")[:OVERVIEW_HITS]
            )
            sql, values = best.query.sql_with_params()
            columns.append(
                f"(SELECT array_agg(id ORDER BY search_rank DESC, id) FROM ({sql}) AS best)"  # noqa: S608
            )
            column_params += values
        else:
            columns.append("NULL")
    return (
        "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off; "
        "SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL work_mem = '16MB';"
        f"WITH {', '.join(ctes)} SELECT {', '.join(columns)}; {RESET}",
        params + column_params,
    )


def _sqlite_ids(entries, text, kind, page) -> list:
    row = []
    for each in KINDS:
        found = _matches(entries, text, each, None).order_by("-search_rank", "pk")
        row.append(found[: CAP + 1].count())
        if (kind is None and page == 1) or kind == each:
            limit = OVERVIEW_HITS if kind is None else PER_PAGE + 1
            offset = 0 if kind is None else (page - 1) * PER_PAGE
            row.append(list(found.values_list("pk", flat=True)[offset : offset + limit]))
        else:
            row.append(None)
    return row


def _chosen(language: str):
    """For each of title and body: the column in the reader's language if it has text, else
    the other one; and the language chosen."""
    other = "fr" if language == "ar" else "ar"
    picks = {}
    for name in ("title", "body"):
        mine, theirs = F(f"{name}_{language}"), F(f"{name}_{other}")
        picks[name] = Case(When(**{f"{name}_{language}": ""}, then=theirs), default=mine)
        picks[f"{name}_language"] = Case(
            When(**{f"{name}_{language}": ""}, then=Value(other)), default=Value(language)
        )
    return picks


def _without_marks(expression):
    return Func(expression, Value(START + STOP), Value(""), function="translate")


def _config(name: str, language: str):
    """The text search configuration of the column shown for `name` (its language's)."""
    other = "fr" if language == "ar" else "ar"
    return Func(
        Case(
            When(**{f"{name}_{language}": ""}, then=Value(f"infitah_{other}")),
            default=Value(f"infitah_{language}"),
        ),
        template="(%(expressions)s)::regconfig",
        output_field=TextField(),
    )


def _highlighted(entries, text: str, language: str, query: TsQuery | None):
    """The entries with the title and body shown in the reader's language (else the other),
    the matched words between START and STOP (PostgreSQL's ts_headline; on SQLite, unmarked)."""
    picks = _chosen(language)
    entries = entries.select_related("council", "plan").annotate(
        title_language=picks["title_language"], body_language=picks["body_language"]
    )
    if connection.vendor != "postgresql":
        return entries.annotate(title_shown=picks["title"], body_shown=picks["body"])
    marks = f"StartSel={START}, StopSel={STOP}"
    excerpt = (
        marks + f', MaxWords={EXCERPT_WORDS}, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
    )
    return entries.annotate(
        title_shown=Headline(
            _config("title", language),
            _without_marks(picks["title"]),
            query,
            Value(marks + ", HighlightAll=true"),
        ),
        body_shown=Headline(
            _config("body", language), _without_marks(picks["body"]), query, Value(excerpt)
        ),
    )


def _marked(html_text: str) -> str:
    return escape(html_text or "").replace(START, "<mark>").replace(STOP, "</mark>")


def _url(entry: SearchEntry) -> str:
    council, plan = entry.council, entry.plan
    if entry.kind == "council":
        return reverse("consultations:council", args=[council.slug])
    if entry.kind in ("workshop", "working_group"):
        workshop = entry.parent_id if entry.kind == "working_group" else entry.object_id
        url = reverse("consultations:workshop", args=[workshop])
        return url + (f"#group-{entry.object_id}" if entry.kind == "working_group" else "")
    if entry.kind == "proposal":
        return reverse("commitments:proposal", args=[entry.object_id])
    plan_url = reverse("commitments:plan", args=[council.slug, plan.start_year])
    if entry.kind == "plan":
        return plan_url
    page = plan_url
    if entry.reference:
        page = reverse(
            "commitments:commitment", args=[council.slug, plan.start_year, entry.reference]
        )
    anchors = {"milestone": "#milestone-", "comment": "#comment-"}
    return page + (f"{anchors[entry.kind]}{entry.object_id}" if entry.kind in anchors else "")


def _hit(entry: SearchEntry) -> Hit:
    title_language, body_language = entry.title_language, entry.body_language
    excerpt, body = None, entry.body_shown or ""
    if connection.vendor != "postgresql":  # no ts_headline: the body's beginning
        body = Truncator(body).words(EXCERPT_WORDS, truncate=" …")
    if body.strip():
        excerpt = Text(_marked(body), body_language, DIRECTIONS[body_language])
    return Hit(
        kind=entry.kind,
        url=_url(entry),
        title=Text(_marked(entry.title_shown), title_language, DIRECTIONS[title_language]),
        excerpt=excerpt,
        council="" if entry.kind == "council" else str(entry.council.name or ""),
        plan="" if entry.kind in ("council", "plan") or entry.plan is None else entry.plan.title,
        date=entry.date,
    )


def search(
    text, *, kind=None, council=None, plan=None, page=1, language: str = "ar", correct=True
) -> Results:
    """_search()'s results; when nothing at all matches and `correct`, those of the text with
    its unknown words corrected from the vocabulary ("did you mean":
    opengov.search.vocabulary.suggestion), marked `corrected`, if that finds something. Two
    queries more on that path only (the suggestion, the second search)."""
    found = _search(text, kind=kind, council=council, plan=plan, page=page, language=language)
    if not correct or found.message or any(group.count for group in found.groups):
        return found
    suggested = vocabulary.suggestion(found.text)
    if not suggested:  # None when no word changes
        return found
    retried = _search(
        suggested, kind=kind, council=council, plan=plan, page=page, language=language
    )
    if not any(group.count for group in retried.groups):
        return found
    return replace(retried, text=found.text, corrected=suggested)


def _search(text, *, kind=None, council=None, plan=None, page=1, language: str = "ar") -> Results:
    """The results of a citizen's search, in `language` ("ar" or "fr": the reader's), of every
    kind (`kind` None: each kind's best OVERVIEW_HITS on page 1) or one kind's `page`.
    `council` is a council's slug, `plan` an action plan's id: unknown, private or invalid,
    they are ignored (Results.council / plan None). Never raises on any text: a text without
    a searchable word answers a translated `message`. Only what citizens may read is found."""
    text = _words(text)
    kind = kind if kind in KINDS else None
    page = page if isinstance(page, int) and 0 < page <= CAP // PER_PAGE + 1 else 1
    language = language if language in DIRECTIONS else "ar"
    empty = tuple(Group(kind=each, count=0, capped=False) for each in KINDS)
    if not websearch_terms(text) or (
        connection.vendor == "postgresql" and tsquery(websearch_terms(text)) is None
    ):
        message = None
        if text:
            message = gettext("“%(text)s” has no word to look for: type a word.") % {"text": text}
        return Results(
            text=text,
            groups=empty,
            hits=(),
            kind=kind,
            page=page,
            has_next=False,
            message=message,
        )
    entries = SearchEntry.objects.public()
    found_council, found_plan = _council(council), _plan(plan)
    if found_council:
        entries = entries.filter(council=found_council)
    if found_plan:
        entries = entries.filter(plan=found_plan)
    query = None
    if connection.vendor == "postgresql":
        query = held_tsquery(websearch_terms(text))  # one query, to the vocabulary
        sql, params = _scalar_subqueries(entries, text, kind, page, query)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while cursor.description is None:  # past the SETs to the SELECT's result
                cursor.nextset()
            row = cursor.fetchone()
    else:
        row = _sqlite_ids(entries, text, kind, page)
    groups, ids_by_kind = [], {}
    for position, each in enumerate(KINDS):
        count, ids = row[2 * position], row[2 * position + 1]
        groups.append(Group(kind=each, count=min(count, CAP), capped=count > CAP))
        ids_by_kind[each] = list(ids or [])
    has_next = kind is not None and len(ids_by_kind[kind]) > PER_PAGE
    if kind is not None:
        ids_by_kind[kind] = ids_by_kind[kind][:PER_PAGE]
    wanted = [pk for each in KINDS for pk in ids_by_kind[each]]
    hits: dict = {}
    if wanted:
        with translation.override(language):
            rows = _highlighted(SearchEntry.objects.filter(pk__in=wanted), text, language, query)
            hits = {entry.pk: _hit(entry) for entry in rows}
    by_kind = {each: tuple(hits[pk] for pk in ids_by_kind[each] if pk in hits) for each in KINDS}
    if kind is None:
        groups = [
            Group(kind=g.kind, count=g.count, capped=g.capped, hits=by_kind[g.kind]) for g in groups
        ]
    with translation.override(language):
        council_name = str(found_council.name) if found_council else None
        plan_title = str(found_plan.title or found_plan) if found_plan else None
    return Results(
        text=text,
        groups=tuple(groups),
        hits=by_kind[kind] if kind else (),
        kind=kind,
        page=page,
        has_next=has_next,
        council=council_name,
        plan=plan_title,
    )
