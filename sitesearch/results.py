"""What the search returns to the page: plain data, no model instances, so the page's template
and its tests depend on these shapes only (sitesearch.selectors.search builds them)."""

from dataclasses import dataclass, field

# The kinds of results, in the order the page shows their groups.
KINDS = (
    "council",
    "plan",
    "commitment",
    "milestone",
    "workshop",
    "working_group",
    "proposal",
    "comment",
)


@dataclass(frozen=True)
class Text:
    """A text shown in a language that may not be the reader's: `html` is escaped, with the
    matched words inside <mark>; `language` ("ar", "fr") and `direction` ("rtl", "ltr") are the
    text's own, for its lang and dir attributes."""

    html: str
    language: str
    direction: str


@dataclass(frozen=True)
class Hit:
    kind: str  # one of KINDS
    url: str  # the page (and anchor) where the thing is shown, in the reader's language
    title: Text
    excerpt: Text | None  # the body's best passage; None when the title is all there is
    council: str  # the council's name in the reader's language ("" for a council itself)
    plan: str  # the plan's title ("" for a council or a plan itself)
    date: object = None  # a datetime.date when the kind has one (workshop, milestone due …)


@dataclass(frozen=True)
class Group:
    kind: str
    count: int  # matches of this kind, up to `cap`
    capped: bool  # True: there are more than `count` ("1,000+")
    hits: tuple[Hit, ...] = ()  # the best few, on the unfiltered first page


@dataclass(frozen=True)
class Results:
    text: str  # the query as typed (trimmed)
    groups: tuple[Group, ...]  # every kind, in KINDS order, with its count (0 included)
    hits: tuple[Hit, ...]  # this page's results of the chosen kind (filtered by kind)
    kind: str | None  # the chosen kind, None for the overview of every kind
    page: int
    has_next: bool
    council: str | None = None  # the name of the council the search is limited to, if any
    plan: str | None = None  # the title of the plan the search is limited to, if any
    corrected: str | None = None  # "did you mean": the corrected query, whose results these are
    message: str | None = None  # a translated explanation when nothing could be searched
    extra: dict = field(default_factory=dict)
