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


def websearch_query(text: str) -> str:
    """The search text as websearch_to_tsquery() input that always parses: each term a word,
    a run of words joined by operator characters (kept together as a phrase) or a "quoted
    phrase", with at most one leading `-`, and `or` between terms. Empty when there is no word
    to look for."""
    terms: list[str] = []
    for token in _TOKEN.findall(str(text)[:SEARCH_MAX_LENGTH]):
        words = _WORD.findall(token)
        if not words:
            continue
        if token.startswith('"'):
            terms.append('"' + " ".join(words) + '"')
        elif token.lower() == "or":
            if terms and terms[-1] != "or":
                terms.append("or")
        else:
            term = words[0] if len(words) == 1 else '"' + " ".join(words) + '"'
            terms.append(("-" if token.startswith("-") else "") + term)
    if terms and terms[-1] == "or":
        terms.pop()
    return " ".join(terms)
