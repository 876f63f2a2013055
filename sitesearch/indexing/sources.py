"""What each kind's entry is made of, in SQL (one SELECT per kind, over its source table
aliased `s`) and which columns of the source reindex it: read by sitesearch.indexing.sql, which
generates the functions and triggers, and by sitesearch.signals (the demo's Python twin)."""

from dataclasses import dataclass, field

from django.conf import settings

from commitments.models import Commitment, Milestone

from ..results import KINDS

TABLE = "sitesearch_searchentry"
COLUMNS = (
    "kind",
    "object_id",
    "council_id",
    "plan_id",
    "parent_id",
    "reference",
    "title_ar",
    "title_fr",
    "body_ar",
    "body_fr",
    "language",
    "date",
    "visible",
)
# Every OGP text of a commitment, every text of a milestone, but the title (its own column).
COMMITMENT_BODY = tuple(name for name in Commitment.TEXT_FIELDS if name != "title")
MILESTONE_BODY = tuple(name for name in Milestone.TEXT_FIELDS if name != "title")
WORKSHOP_BODY = ("summary", "venue", "city", "chaired_by")
PROPOSAL_BODY = ("body", "response")


@dataclass(frozen=True)
class Source:
    """What rows of `table` (aliased `s`) become: `values` are SQL expressions in COLUMNS order
    but the first (the kind); `watched` the columns whose change reindexes the row; `cascades`
    the other entries refreshed when some columns of the row change: (their kind, the FROM
    clause naming them `child`, their source id, the column that points to this row, those
    columns)."""

    table: str
    joins: str
    values: tuple[str, ...]
    watched: tuple[str, ...]
    cascades: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = field(default=())


def _texts(alias: str, name: str) -> tuple[str, str]:
    return tuple(f"COALESCE({alias}.{name}_{language}, '')" for language in ("ar", "fr"))


def _joined(alias: str, names: tuple[str, ...]) -> tuple[str, str]:
    """The columns of each language in one text, a line each, empty ones left out."""
    return tuple(
        "concat_ws(E'\\n', "
        + ", ".join(f"NULLIF({alias}.{name}_{language}, '')" for name in names)
        + ")"
        for language in ("ar", "fr")
    )


def _bilingual(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{name}_{language}" for name in names for language in ("ar", "fr"))


_LOCAL_DATE = f"(s.created_at AT TIME ZONE '{settings.TIME_ZONE}')::date"

SOURCES: dict[str, Source] = {
    "council": Source(
        table="consultations_council",
        joins="",
        values=(
            "s.id",
            "s.id",
            "NULL",
            "NULL",
            "''",
            *_texts("s", "name"),
            "''",
            "''",
            "''",
            "NULL",
            "true",
        ),
        watched=_bilingual(("name",)),
    ),
    "plan": Source(
        table="consultations_actionplan",
        joins="",
        values=(
            "s.id",
            "s.council_id",
            "s.id",
            "NULL",
            "''",
            *_texts("s", "title"),
            *_texts("s", "introduction"),
            "''",
            "NULL",
            "true",
        ),
        watched=("council_id", *_bilingual(("title", "introduction"))),
        cascades=(
            # A plan moved to another council: everything of the plan follows.
            *[
                (kind, f"{TABLE} child", "child.object_id", "child.plan_id", ("council_id",))
                for kind in KINDS[2:]
            ],
            # Its comments (on the plan's page) show its title.
            (
                "comment",
                "commitments_comment child",
                "child.id",
                "child.plan_id",
                ("title_ar", "title_fr"),
            ),
        ),
    ),
    "commitment": Source(
        table="commitments_commitment",
        joins="JOIN consultations_actionplan p ON p.id = s.plan_id",
        values=(
            "s.id",
            "p.council_id",
            "s.plan_id",
            "NULL",
            "s.reference",
            *_texts("s", "title"),
            *_joined("s", COMMITMENT_BODY),
            "''",
            "s.start_date",
            "true",
        ),
        watched=("plan_id", "reference", "start_date", *_bilingual(("title", *COMMITMENT_BODY))),
        cascades=(
            (
                "milestone",
                "commitments_milestone child",
                "child.id",
                "child.commitment_id",
                ("plan_id", "reference"),
            ),
            (
                "comment",
                "commitments_comment child",
                "child.id",
                "child.commitment_id",
                ("plan_id", "reference", "title_ar", "title_fr"),
            ),
        ),
    ),
    "milestone": Source(
        table="commitments_milestone",
        joins="JOIN commitments_commitment c ON c.id = s.commitment_id "
        "JOIN consultations_actionplan p ON p.id = c.plan_id",
        values=(
            "s.id",
            "p.council_id",
            "c.plan_id",
            "s.commitment_id",
            "c.reference",
            *_texts("s", "title"),
            *_joined("s", MILESTONE_BODY),
            "''",
            "s.due_date",
            "true",
        ),
        watched=("commitment_id", "due_date", *_bilingual(("title", *MILESTONE_BODY))),
    ),
    "workshop": Source(
        table="consultations_workshop",
        joins="",
        values=(
            "s.id",
            "s.council_id",
            "s.plan_id",
            "NULL",
            "''",
            *_texts("s", "title"),
            *_joined("s", WORKSHOP_BODY),
            "''",
            "s.starts_on",
            "true",
        ),
        watched=("council_id", "plan_id", "starts_on", *_bilingual(("title", *WORKSHOP_BODY))),
        cascades=(
            (
                "working_group",
                "consultations_workinggroup child",
                "child.id",
                "child.workshop_id",
                ("council_id", "plan_id", "starts_on"),
            ),
        ),
    ),
    "working_group": Source(
        table="consultations_workinggroup",
        joins="JOIN consultations_workshop w ON w.id = s.workshop_id",
        values=(
            "s.id",
            "w.council_id",
            "w.plan_id",
            "s.workshop_id",
            "''",
            *_texts("s", "title"),
            "''",
            "''",
            "''",
            "w.starts_on",
            "true",
        ),
        watched=("workshop_id", *_bilingual(("title",))),
    ),
    "proposal": Source(
        table="consultations_proposal",
        joins="",
        values=(
            "s.id",
            "s.council_id",
            "s.plan_id",
            "NULL",
            "''",
            *_texts("s", "title"),
            *_joined("s", PROPOSAL_BODY),
            "''",
            _LOCAL_DATE,
            "s.publication = 'published'",
        ),
        watched=("council_id", "plan_id", "publication", *_bilingual(("title", *PROPOSAL_BODY))),
    ),
    "comment": Source(
        table="commitments_comment",
        joins="JOIN consultations_actionplan p ON p.id = s.plan_id "
        "LEFT JOIN commitments_commitment c ON c.id = s.commitment_id "
        "LEFT JOIN commitments_comment parent ON parent.id = s.parent_id",
        # The title is the page's (the commitment's, else the plan's): shown, not searched.
        values=(
            "s.id",
            "p.council_id",
            "s.plan_id",
            "s.commitment_id",
            "COALESCE(c.reference, '')",
            *tuple(
                f"COALESCE(c.title_{language}, p.title_{language}, '')" for language in ("ar", "fr")
            ),
            "CASE WHEN s.language = 'fr' THEN '' ELSE s.body END",
            "CASE WHEN s.language = 'fr' THEN s.body ELSE '' END",
            "s.language",
            f"(s.published_at AT TIME ZONE '{settings.TIME_ZONE}')::date",
            "s.state = 'published' AND (parent.id IS NULL OR parent.state = 'published')",
        ),
        watched=(
            "plan_id",
            "commitment_id",
            "parent_id",
            "body",
            "language",
            "state",
            "published_at",
        ),
        cascades=(
            ("comment", "commitments_comment child", "child.id", "child.parent_id", ("state",)),
        ),
    ),
}
