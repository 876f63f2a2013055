"""What every builder of a plan's rows shares: the plan's facts (PlanInfo), its periods and
timeline, and the text and date helpers of proposals and commitments."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils.text import slugify

from consultations.models import Proposal

from .councils import CouncilSpec
from .tables import DAY, D, Random, Stage
from .vocabulary import ACTIONS, FIRST_NAMES, LAST_NAMES

# --- per-plan generation -----------------------------------------------------------------------

PROBLEM_TITLES = [
    ("ضعف المعلومات المتاحة حول {t}", "Peu d'informations disponibles sur {ta}"),
    ("تأخر معالجة الشكايات بشأن {t}",
     "Retards dans le traitement des réclamations concernant {ta}"),
    ("غياب التشاور حول {t}", "Absence de concertation sur {ta}"),
]  # fmt: skip
UNDER_REVIEW = ("قيد الدراسة من طرف المصالح التقنية.", "À l'étude par les services techniques.")
PROPOSAL_KINDS = [
    (Proposal.Kind.PROBLEM, 25),
    (Proposal.Kind.SOLUTION, 20),
    (Proposal.Kind.PROPOSAL, 40),
    (Proposal.Kind.RECOMMENDATION, 15),
]
OVERRIDE_REASONS = [
    "تقدير المنسق بعد زيارة ميدانية.",
    "Appréciation du coordinateur après une visite de terrain.",
]


def _fill(pair, topic, place) -> tuple[str, str]:
    ar, fr = pair
    return (
        ar.format(t=topic[0], p=place[0]),
        fr.format(ta=topic[1], td=topic[2], pa=place[1], pd=place[2]),
    )


def _title(rng: Random, topic) -> tuple[str, str]:
    ar, fr, form = rng.pick(ACTIONS)
    return f"{ar} {topic[0]}", f"{fr} {topic[2] if form == 'de' else topic[1]}"


def _weighted(rng: Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


def _day_between(rng: Random, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.between(0, (last - first).days))


def _person(rng: Random, language: str, full: bool = True) -> str:
    index = 0 if language == "ar" else 1
    first = rng.pick(FIRST_NAMES)[index]
    return f"{first} {rng.pick(LAST_NAMES)[index]}" if full else first


@dataclass
class PlanInfo:
    pk: int
    council: CouncilSpec
    stage: str
    start_year: int
    end_year: int
    opens: datetime.date | None
    closes: datetime.date | None
    created: datetime.date
    work_from: datetime.date
    work_to: datetime.date
    decided_to: datetime.date  # proposals are answered and commitments drafted by then
    changes: list[tuple[str, str, datetime.date]]
    themes: list[str]
    moderated: bool
    commitments: list[tuple[int, tuple]] = field(default_factory=list)  # (pk, topic)
    # The online proposals window (None: the plan takes none) and its moderation.
    proposals_opens: datetime.date | None = None
    proposals_closes: datetime.date | None = None
    proposals_moderated: bool = True


def plan_periods(
    rng: Random, stage: str, base: datetime.date, count: int
) -> list[tuple[str, int, int]]:
    """(stage, start year, end year) of a council's plans, oldest first; the last one is in
    `stage`, the earlier ones are closed, each ending before the next starts and before the
    base date's year."""
    year, late = base.year, base.month >= 7
    if stage == Stage.PREPARATION:
        start = year + 1
    elif stage in (Stage.CONSULTATION, Stage.ADOPTED):
        start = year + 1 if late else year
    elif stage == Stage.IMPLEMENTATION:
        start = rng.pick([year - 1, year - 1, year - 2])
    else:
        start = rng.pick([year - 3, year - 4])
    years = 2 if rng.random() < 0.25 else 3
    if stage == Stage.IMPLEMENTATION and start + years - 1 < year:
        years = 3
    periods = [(stage, start, start + years - 1)]
    for _ in range(count - 1):
        # A closed plan ended before this year (a gap between plans happens).
        end = min(periods[0][1] - 1, year - 1)
        periods.insert(0, (Stage.CLOSED, end - 2, end))
    return periods


def plan_timeline(rng: Random, stage: str, start: int, end: int, base: datetime.date):
    """Consultation window, workshop window and stage changes of a plan, all up to `base`."""
    last = base - DAY
    changes: list[tuple[str, str, datetime.date]] = []

    def after(day: datetime.date, target: datetime.date) -> datetime.date:
        return max(day + DAY, min(target, last))

    if stage == Stage.PREPARATION:
        created = base - datetime.timedelta(days=rng.between(60, 200))
        work_from, work_to = created + datetime.timedelta(days=10), base - 3 * DAY
        return None, None, created, work_from, work_to, base - DAY, changes
    if stage == Stage.CONSULTATION:
        opens = base - datetime.timedelta(days=rng.between(3, 25))
        closes = base + datetime.timedelta(days=rng.between(10, 45))
    elif stage == Stage.ADOPTED:
        closes = base - datetime.timedelta(days=rng.between(15, 60))
        opens = closes - datetime.timedelta(days=rng.between(21, 45))
    else:
        opens = D(start - 1, rng.between(3, 9), rng.between(1, 28))
        closes = opens + datetime.timedelta(days=rng.between(21, 45))
    changes.append((Stage.PREPARATION, Stage.CONSULTATION, opens))
    if stage != Stage.CONSULTATION:
        adopted = after(closes, closes + datetime.timedelta(days=rng.between(5, 40)))
        changes.append((Stage.CONSULTATION, Stage.ADOPTED, adopted))
        if stage in (Stage.IMPLEMENTATION, Stage.CLOSED):
            started = after(adopted, D(start, 1, 2) + datetime.timedelta(days=rng.between(0, 45)))
            changes.append((Stage.ADOPTED, Stage.IMPLEMENTATION, started))
            if stage == Stage.CLOSED:
                closed = after(started, D(end + 1, 1, 15) + datetime.timedelta(rng.between(0, 60)))
                changes.append((Stage.IMPLEMENTATION, Stage.CLOSED, closed))
    work_to = opens - datetime.timedelta(days=rng.between(15, 30))
    work_from = work_to - datetime.timedelta(days=rng.between(60, 130))
    created = work_from - datetime.timedelta(days=rng.between(15, 60))
    return opens, closes, created, work_from, work_to, opens - DAY, changes


def _format_sentence(sentence: str, topic, place) -> str:
    return sentence.format(
        t=topic[0], p=place[0], ta=topic[1], td=topic[2], pa=place[1], pd=place[2]
    )


FIRST_SLUGS = [slugify(fr) for _ar, fr in FIRST_NAMES]
LAST_SLUGS = [slugify(fr) for _ar, fr in LAST_NAMES]
