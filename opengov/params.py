"""Values typed into URLs and forms, read one way everywhere: what does not parse is ignored (a
filter left out, the first page), never a server error.

Numbers: "42" is an id; "²", "٤٢" or "4.2" are not (str.isdigit() accepts superscripts and other
scripts' digits, which int() then refuses or reads otherwise).

Search text: PostgreSQL's websearch_to_tsquery() understands "phrases", `or` and a leading `-`
(not), and turns every other operator character (! & | ( ) < : *) into a separator; but each `-`
is one more NOT on the stack, and 33 of them in a row ("tsquery stack too small") or words of
more than 2,047 bytes are a query error. websearch_query() rebuilds the text from its words so
that none of that can reach the database."""

import re
from dataclasses import dataclass

_ASCII_INTEGER = re.compile(r"[0-9]{1,18}")

# The longest search text read; a longer one is cut (the forms also refuse it).
SEARCH_MAX_LENGTH = 200
# Characters the tsquery parsers treat as operators or quotes: word separators here, as are
# control characters (PostgreSQL refuses NUL in any text).
_OPERATORS = "-!&|()<>:*\"'\\"
_WORD = re.compile(rf"[^\s\x00-\x1f\x7f{re.escape(_OPERATORS)}]+")
_TOKEN = re.compile(r'"[^"]*"?|[^\s"]+')


def ascii_int(value) -> int | None:
    """The integer written in ASCII digits (at most 18, so it fits a bigint), or None."""
    text = str(value if value is not None else "")
    return int(text) if _ASCII_INTEGER.fullmatch(text) else None


def page_number(value) -> int:
    """A page number from the query string: ASCII digits, else the first page (a number past
    the last page is the paginator's to clamp)."""
    number = ascii_int(value)
    return number if number else 1


@dataclass(frozen=True)
class SearchTerm:
    """One term of a search: its words (without operator characters), whether they form a
    phrase (quoted, or joined by operator characters as in "bien-être"), whether it is
    excluded (a leading `-`)."""

    words: tuple[str, ...]
    phrase: bool = False
    negated: bool = False

    def __str__(self) -> str:
        text = '"' + " ".join(self.words) + '"' if self.phrase else self.words[0]
        return ("-" if self.negated else "") + text


def websearch_terms(text: str) -> list[list[SearchTerm]]:
    """The search text read as websearch_to_tsquery() reads it, from its words only: a list of
    alternatives (separated by `or`), each a list of terms all required. Empty when there is
    no word to look for."""
    alternatives: list[list[SearchTerm]] = [[]]
    for token in _TOKEN.findall(str(text)[:SEARCH_MAX_LENGTH]):
        words = tuple(_WORD.findall(token))
        if not words:
            continue
        if token.startswith('"'):
            alternatives[-1].append(SearchTerm(words, phrase=True))
        elif token.lower() == "or":
            if alternatives[-1]:
                alternatives.append([])
        else:
            negated = token.startswith("-")
            alternatives[-1].append(SearchTerm(words, phrase=len(words) > 1, negated=negated))
    return [terms for terms in alternatives if terms]


def websearch_query(text: str) -> str:
    """The search text as websearch_to_tsquery() input that always parses: each term a word,
    a run of words joined by operator characters (kept together as a phrase) or a "quoted
    phrase", with at most one leading `-`, and `or` between terms. Empty when there is no word
    to look for."""
    return " or ".join(" ".join(str(term) for term in terms) for terms in websearch_terms(text))
