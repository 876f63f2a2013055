"""National-scale generated data: every Moroccan territorial collectivity with an action plan,
its workshops, working groups, proposals, commitments, milestones, indicators and comments,
in Arabic and French (the modeltranslation `_ar` / `_fr` columns).

What it guarantees:
- Reproducible: the same options (seed, base date, counts) give the same rows, ids included when
  the tables start empty. Every random choice comes from `random.Random` instances seeded from
  the seed (one per council, so the data does not depend on how rows are batched); every date is
  relative to the base date, never to the clock.
- Valid: each row satisfies the database constraints and the models' clean() (dates inside the
  plan's period, completion dates only on completed milestones and not after the base date,
  hidden comments with a reason, replies to published top-level comments of the same page...).
  Plans past consultation pass the adoption readiness checklist (every proposal answered, both
  languages filled, milestones inside the period, an indicator per commitment).
- Fast: rows are built as lists with ids assigned in order, so children link to parents without
  reading anything back, and written with binary COPY from a second thread while the next batch
  is generated. Into empty tables, b-tree indexes and foreign keys are dropped for the load and
  put back identical at the end (re-adding a foreign key checks every row). All of it runs in
  one transaction: nothing is left half-written on failure.
- Not generated: users (answered_by, moderated_by... stay empty), files (logos, documents,
  PDFs), simple-history rows.

`generate(options)` is the entry point; `flush()` empties the portal's tables. One module per
thing built: councils, plans (generator), workshops, proposals, commitments (with milestones,
progress and indicators), comments; the words they draw from are in places and vocabulary, the
buffers and COPY in tables, the transaction, indexes and sequences in run."""

from .councils import choose_councils
from .run import GENERATED_MODELS, Summary, existing_data, flush, generate
from .tables import DEFAULT_BASE_DATE, DEFAULT_SEED, NATIONAL_COUNCILS, Random, ScaleOptions

__all__ = [
    "DEFAULT_BASE_DATE",
    "DEFAULT_SEED",
    "GENERATED_MODELS",
    "NATIONAL_COUNCILS",
    "Random",
    "ScaleOptions",
    "Summary",
    "choose_councils",
    "existing_data",
    "flush",
    "generate",
]
