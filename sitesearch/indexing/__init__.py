"""How the search index (SearchEntry) is kept, in PostgreSQL: one SELECT per kind says what a
source row becomes (`sources.SOURCES`); the SQL (`sql`) is generated from them, installed by
migration 0001 and installed again (CREATE OR REPLACE) by any later migration that changes
them.

- `sitesearch_refresh_<kind>(ids bigint[])` upserts the entries of those source rows (NULL: all
  of them, in one INSERT ... SELECT: what `rebuild` runs);
- statement-level triggers on each source table, with transition tables, so a COPY or a bulk
  UPDATE of 100,000 rows is one refresh, not 100,000: AFTER INSERT refreshes the new rows, AFTER
  UPDATE those whose searched columns changed (`watched`: a proposal's support counter moving
  reindexes nothing), AFTER DELETE deletes their entries;
- the rows whose entry shows something of another row follow it (`CASCADES`): a commitment's
  milestones and comments show its reference and title, a workshop's groups its date and plan,
  a comment's replies its publication (a reply under a hidden comment is not shown);
- a BEFORE trigger on the entries computes `document` (titles A, bodies B; Arabic columns under
  infitah_ar, French ones under infitah_fr, as the proposals' document of consultations 0018)
  and, for councils, `name` (normalised names for trigram similarity).

What a citizen may see: a row's own publication is the entry's `visible` (published proposals,
published comments whose parent is published, mirroring Proposal.objects.published() and the
comment pages); the plan's visibility depends on the day and is applied when searching
(SearchEntry.objects.public()). SQLite (the demo) has none of this: sitesearch.signals keeps the
entries from Python (`entry_values`)."""

from .sources import (
    COLUMNS,
    COMMITMENT_BODY,
    MILESTONE_BODY,
    PROPOSAL_BODY,
    SOURCES,
    TABLE,
    WORKSHOP_BODY,
    Source,
)
from .sql import fill, install_sql, rebuild, uninstall_sql

__all__ = [
    "COLUMNS",
    "COMMITMENT_BODY",
    "MILESTONE_BODY",
    "PROPOSAL_BODY",
    "SOURCES",
    "TABLE",
    "WORKSHOP_BODY",
    "Source",
    "fill",
    "install_sql",
    "rebuild",
    "uninstall_sql",
]
