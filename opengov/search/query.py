"""matching(): a queryset filtered on a citizen's search text and ranked, in PostgreSQL over a
stored, weighted tsvector (kept by a trigger, under a GIN index), on SQLite over the text.

The tsquery is built here from the words only (opengov.params.websearch_terms), never from the
operators typed: "a phrase", `or` and a leading `-` keep their websearch meaning, every other
operator character is a separator, so no input is a query error. Each word is normalised
(opengov.search.normalize), expanded through the thesaurus (an OR of its forms) and looked for
under both configurations, to_tsquery('infitah_ar', w) || to_tsquery('infitah_fr', w), so the
language of the query need not be known; the last word typed also matches as a prefix
(`:*`). A word one of the two configurations drops as a stop word ("de", "في") is dropped from
the query: the other one would still require it of texts indexed under the first.

SQLite (the demo) has no text search: each word (its normalised forms, the article ال read
off) must be contained in one of the normalised text columns (`columns`, through the SQLite
function infitah_normalize registered by opengov.apps). What differs: no stemming (a word finds
its longer forms, "éducation" finds "éducations", not the reverse), no stop words, and the rank
only tells the words found in a title (A) from those found elsewhere."""

import re
import unicodedata
from collections.abc import Mapping, Sequence, Set

from django.contrib.postgres.search import SearchQueryField
from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Expression,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from opengov.params import SEARCH_MAX_LENGTH, SearchTerm, websearch_terms

from .normalize import normalize, normalize_ar
from .thesaurus import clitic_forms, variants
from .vocabulary import known_words

CONFIGS = ("infitah_ar", "infitah_fr")
# A word the tsquery parser reads as one operand that may carry a prefix mark.
_PLAIN_WORD = re.compile(r"\w+")
_ARTICLES = ("وال", "بال", "لل", "ال")
_LATIN_WORD = re.compile(r"[a-z0-9à-ÿ]+")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")
# A Latin last word this long is also looked for one letter shorter, as a prefix.
SHORTENED_PREFIX_MIN = 7


class TsQuery(Expression):
    """A tsquery written as SQL with its parameters (the words)."""

    output_field = SearchQueryField()

    def __init__(self, sql: str, params: Sequence[str]):
        super().__init__()
        self.sql, self.params = sql, list(params)

    def as_sql(self, compiler, connection):
        return f"({self.sql})", self.params


class Matches(Func):
    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class Rank(Func):
    function = "ts_rank_cd"
    output_field = FloatField()


class WordSimilar(Func):
    """name %> text: a word of the name is similar to the text (pg_trgm's word_similarity
    above pg_trgm.word_similarity_threshold, 0.6: "Tetoun" or "tetouane" find Tétouan,
    "Titouan" at 0.5 does not), served by a trigram index on the name."""

    arg_joiner = " %%> "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _either(function: str, text: str) -> tuple[str, list[str]]:
    """The text under both configurations, ORed; empty (matching anything) if either drops
    it as a stop word."""
    ar, fr = (f"{function}('{config}'::regconfig, %s)" for config in CONFIGS)
    sql = f"CASE WHEN numnode({ar}) = 0 OR numnode({fr}) = 0 THEN ''::tsquery ELSE {ar} || {fr} END"
    return sql, [text] * 4


def _word(word: str, prefix: bool, known: Set[str] | None) -> tuple[str, list[str]] | None:
    forms = [form for form in variants(word) if form]
    if not forms:
        return None
    if prefix and known is not None and not known.isdisjoint(_whole_forms(word)):
        # A word some text holds whole was typed to its end: looked for as a prefix, a common
        # one ("المواطن", stem 'مواط':*) made PostgreSQL gather the postings of every longer
        # stem, hundreds of thousands of rows, before the search's cap applied.
        prefix = False
    parts, params = [], []
    for position, form in enumerate(forms):
        if _PLAIN_WORD.fullmatch(form):
            text = form + (":*" if prefix and position == 0 else "")
            sql, values = _either("to_tsquery", text)
        else:  # punctuation the parser keeps inside a word ("1.5", "a@b"): no prefix
            sql, values = _either("phraseto_tsquery", form)
        parts.append(sql)
        params += values
    if prefix and _LATIN_WORD.fullmatch(forms[0]) and len(forms[0]) >= SHORTENED_PREFIX_MIN:
        # The stem of a word cut short may be longer than the whole word's ("assainiss" stays,
        # "assainissement" is 'assain'): one letter less is stemmed like the whole word.
        sql, values = _either("to_tsquery", forms[0][:-1] + ":*")
        parts.append(sql)
        params += values
    glued = [g for g in _glued(forms) if known is None or g in known]
    if glued:
        parts.append("to_tsquery('infitah_ar'::regconfig, %s)")
        params.append(" | ".join(glued))
    return "(" + " || ".join(parts) + ")", params


def _glued(forms: list[str]) -> list[str]:
    """The forms as a text may glue them to a proclitic, with the sound plural ات of those
    that have no feminine ending (the stemmer keeps "والمستوصفات" whole but for its last
    letter). Looked for exactly, under infitah_ar only, in one function call: not as
    prefixes, the stemmer shortens a glued form before the prefix applies ("والنفية" is
    'والنف', which "والنفقات" starts with)."""
    glued = []
    for form in forms:
        for g in clitic_forms(form):
            glued.append(g)
            if not g.endswith(("ة", "ات")):
                glued.append(g + "ات")
    return [g for g in dict.fromkeys(glued) if _PLAIN_WORD.fullmatch(g)]


def glued_candidates(alternatives: list[list[SearchTerm]]) -> list[str]:
    """What `tsquery` looks up in the vocabulary before it builds the query (the `known` it
    is given): every glued form the words of the query could take, of which it keeps those
    some text holds, and the last word typed, normalised, which it looks for as a prefix only
    when no text holds it whole."""
    found = []
    for terms in alternatives:
        for term in terms:
            if not term.phrase:
                found += _glued([f for f in variants(term.words[0]) if f])
    last = alternatives[-1][-1] if alternatives else None
    if last is not None and not last.phrase:
        found += _whole_forms(last.words[0])
    return list(dict.fromkeys(found))


def _whole_forms(word: str) -> list[str]:
    """The word normalised, and in Arabic with and without the article: "ميزانية" is a whole
    word when a text holds "الميزانية"."""
    word = normalize(word)
    forms = [word]
    if _ARABIC_WORD.fullmatch(word):
        bare = word[2:] if word.startswith("ال") and len(word) > 4 else word
        forms += [bare, "ال" + bare]
    return list(dict.fromkeys(forms))


def _term(term: SearchTerm, last: bool, known: Set[str] | None) -> tuple[str, list[str]] | None:
    if term.phrase:
        text = " ".join(w for w in (normalize_ar(w) for w in term.words) if w)
        built = _either("phraseto_tsquery", text) if text else None
    else:
        built = _word(term.words[0], prefix=last and not term.negated, known=known)
    if built is None:
        return None
    sql, params = built
    return (f"!!({sql})" if term.negated else sql), params


def _clean(text) -> list[list[SearchTerm]]:
    text = unicodedata.normalize("NFC", str(text if text is not None else ""))
    return websearch_terms(text.strip()[:SEARCH_MAX_LENGTH])


def tsquery(alternatives: list[list[SearchTerm]], known: Set[str] | None = None) -> TsQuery | None:
    """The tsquery of the terms (alternatives ORed, terms of each ANDed), or None if no word
    is left once normalised. `known`: those of glued_candidates() the vocabulary holds (the
    glued forms to keep; the last word, if there, is not taken as a prefix); None keeps every
    glued form and the prefix."""
    last = alternatives[-1][-1] if alternatives else None
    ored, params = [], []
    for terms in alternatives:
        anded = []
        for term in terms:
            built = _term(term, last=term is last, known=known)
            if built:
                anded.append(built[0])
                params += built[1]
        if anded:
            ored.append("(" + " && ".join(anded) + ")")
    return TsQuery(" || ".join(ored), params) if ored else None


def held_tsquery(alternatives: list[list[SearchTerm]], using: str = "default") -> TsQuery | None:
    """tsquery() with the vocabulary's answer for glued_candidates() (one query, whatever the
    words): only the glued forms some text holds, and the last word a prefix only if no text
    holds it whole. Each form ORed in raises the planner's estimate of the matches: fifty forms
    no text holds made it walk the whole date index for a word with no match (4.5 s at
    national scale), or read every comment through another index (12 s for "مشروع")."""
    return tsquery(alternatives, known_words(glued_candidates(alternatives), using=using))


def matching(
    queryset: QuerySet,
    text: str,
    *,
    field: str = "search_document",
    columns: Mapping[str, Sequence[str]] | None = None,
) -> QuerySet:
    """The rows of the queryset matching the search text, annotated with `search_rank`
    (higher is better). Empty text: the queryset unchanged; text without a word ("---"):
    none. `columns` (weight letter -> text columns, "A" for titles) serve SQLite only."""
    if not str(text if text is not None else "").strip():
        return queryset
    alternatives = _clean(text)
    if connections[queryset.db].vendor != "postgresql":
        return _matching_text(queryset, alternatives, columns or {})
    query = held_tsquery(alternatives, using=queryset.db)
    if query is None:
        return queryset.none()
    return queryset.annotate(search_rank=Rank(F(field), query)).filter(Matches(F(field), query))


# --- SQLite ---------------------------------------------------------------------------------


def _forms(word: str) -> list[str]:
    forms = []
    for form in variants(word):
        forms.append(form)
        forms += [
            form[len(a) :] for a in _ARTICLES if form.startswith(a) and len(form) > len(a) + 1
        ]
    return [f for f in dict.fromkeys(normalize(form) for form in forms) if f]


def _contains(term: SearchTerm, columns: Sequence[str]) -> Q | None:
    forms = [normalize(" ".join(term.words))] if term.phrase else _forms(term.words[0])
    forms = [f for f in forms if f.strip()]
    if not forms:
        return None
    condition = Q()
    for column in columns:
        for form in forms:
            condition |= Q(**{f"_normalized_{column}__contains": form})
    return ~condition if term.negated else condition


def _matching_text(queryset, alternatives, columns: Mapping[str, Sequence[str]]) -> QuerySet:
    every = [column for weight in sorted(columns) for column in columns[weight]]
    queryset = queryset.alias(
        **{
            f"_normalized_{column}": Func(
                Coalesce(F(column), Value("")),
                function="infitah_normalize",
                output_field=TextField(),
            )
            for column in every
        }
    )
    found, in_titles = None, Q(pk__in=[])
    for terms in alternatives:
        alternative, titled = Q(), Q()
        for term in terms:
            condition = _contains(term, every)
            if condition is not None:
                alternative &= condition
                titled &= _contains(term, columns.get("A", ())) or Q()
        if alternative:
            found = alternative if found is None else found | alternative
            in_titles |= alternative & titled
    if found is None:
        return queryset.none()
    rank = Case(When(in_titles, then=Value(1.0)), default=Value(0.5), output_field=FloatField())
    return queryset.filter(found).annotate(search_rank=rank)


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """infitah_normalize(text) in SQLite: the Python normalisation (connection_created)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "infitah_normalize",
            1,
            lambda text: None if text is None else normalize(text),
            deterministic=True,
        )
