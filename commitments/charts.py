"""A plan's charts (opengov.charts draws them): its commitments by completion level, and its
milestones by the quarter they are due, each done, on track or overdue as Milestone.state()
says on a given day. Both read rows already loaded (the commitments with their milestones
prefetched, as the plan page and the PDF load them): no query of their own."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext, ngettext

from consultations.models import ActionPlan
from opengov import charts
from opengov.charts import model as colours

from .models import Commitment, CompletionLevel

# A plan of more quarters than this is charted by year: columns stay wide enough on a phone.
MAX_QUARTERS = 16


def completion_series() -> list[charts.Series]:
    """The completion levels, the most advanced first (drawn from the reading start)."""
    looks = {
        CompletionLevel.COMPLETE: (colours.GREEN, "solid"),
        CompletionLevel.SUBSTANTIAL: (colours.BLUE, "diagonal"),
        CompletionLevel.LIMITED: (colours.PURPLE, "dots"),
        CompletionLevel.NOT_STARTED: (colours.BROWN, "horizontal"),
        CompletionLevel.NO_EVIDENCE: (colours.GREY, "cross"),
    }
    return [
        charts.Series(str(level.value), str(level.label), colour, pattern)
        for level, (colour, pattern) in looks.items()
    ]


def milestone_series() -> list[charts.Series]:
    """Milestone.state()'s states but "cancelled" (never counted), as the pages word them
    (commitments/includes/milestone_state.html)."""
    return [
        charts.Series("done", gettext("Done"), colours.GREEN, "solid"),
        charts.Series("on-track", gettext("On track"), colours.BLUE, "diagonal"),
        charts.Series("overdue", gettext("Overdue"), colours.RED, "cross"),
    ]


def plan_completion_chart(
    commitments: Sequence[Commitment], *, rtl: bool, font: str = ""
) -> charts.Chart:
    """One bar of the plan's commitments by completion level (Commitment.completion(): the
    level set by hand, or the one the milestones show), in the active language."""
    series = completion_series()
    values, total, levels = charts.shares(
        series, Counter(str(commitment.completion()) for commitment in commitments)
    )
    summary = ngettext(
        "%(count)d commitment: %(levels)s.", "%(count)d commitments: %(levels)s.", total
    ) % {"count": total, "levels": levels}
    return charts.stacked_bar(
        chart_id="plan-completion",
        title=gettext("Commitments by completion level"),
        summary=summary,
        series=series,
        values=values,
        label_header=gettext("Completion level"),
        empty_text=gettext("The plan has no commitment yet: there is no progress to show."),
        rtl=rtl,
        font=font,
    )


def _columns(plan: ActionPlan, due: list[tuple[datetime.date, str]], keys: list[str]):
    first = min([plan.start_year, *(day.year for day, _state in due)])
    last = max([plan.end_year, *(day.year for day, _state in due)])
    counts: Counter = Counter()
    by_year = (last - first + 1) * 4 > MAX_QUARTERS
    for day, state in due:
        counts[(day.year, 0 if by_year else (day.month - 1) // 3 + 1, state)] += 1
    columns = []
    for year in range(first, last + 1):
        for quarter in [0] if by_year else [1, 2, 3, 4]:
            label = (
                str(year)
                if by_year
                else gettext("Q%(quarter)d %(year)d") % {"quarter": quarter, "year": year}
            )
            columns.append(
                charts.Column(
                    label=label,
                    values=tuple(counts[(year, quarter, key)] for key in keys),
                    tick=str(quarter) if quarter else "",
                    group=str(year),
                )
            )
    return columns


def plan_milestones_chart(
    plan: ActionPlan,
    commitments: Sequence[Commitment],
    *,
    rtl: bool,
    on: datetime.date | None = None,
    font: str = "",
) -> charts.Chart:
    """Columns of the plan's milestones by the quarter they are due (by year when the period
    is long), over the plan's years and any year a milestone falls in, each stacked done / on
    track / overdue on `on` (today by default: the day the PDF is published, in the PDF).
    Cancelled milestones are not counted, as in MilestoneCounts."""
    on = on or timezone.localdate()
    due = [
        (milestone.due_date, milestone.state(on))
        for commitment in commitments
        for milestone in commitment.milestones.all()
    ]
    due = [(day, state) for day, state in due if state != "cancelled"]
    series = milestone_series()
    keys = [one.key for one in series]
    _values, total, states = charts.shares(series, Counter(state for _day, state in due))
    summary = ngettext(
        "%(count)d milestone: %(states)s.",
        "%(count)d milestones: %(states)s.",
        total,
    ) % {"count": total, "states": states}
    return charts.stacked_columns(
        chart_id="plan-milestones",
        title=gettext("Milestones over the plan's period"),
        summary=summary,
        series=series,
        columns=_columns(plan, due, keys) if due else [],
        label_header=gettext("Period"),
        empty_text=gettext("No milestone is planned yet."),
        rtl=rtl,
        font=font,
    )


def plan_charts(
    plan: ActionPlan,
    commitments: Sequence[Commitment],
    *,
    rtl: bool,
    on: datetime.date | None = None,
    font: str = "",
) -> list[charts.Chart]:
    """The plan page's and the PDF's charts, in their order (`on` and `font`: the PDF's
    publication date and font)."""
    return [
        plan_completion_chart(commitments, rtl=rtl, font=font),
        plan_milestones_chart(plan, commitments, rtl=rtl, on=on, font=font),
    ]
