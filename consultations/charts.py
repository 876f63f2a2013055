"""The consultation side's charts (opengov.charts draws them): a workshop's attendance by
participant category and by sex, and the network's councils by the stage of their latest plan.
The workshop's figures are on its row (no query); the network's are one grouped count
(selectors.network_councils_by_stage)."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext

from opengov import charts
from opengov.charts import model as colours

from .models import PARTICIPANT_CATEGORY_FIELDS, ActionPlan, Workshop
from .selectors import network_councils_by_stage

NO_PLAN = "none"


def _label(field: str) -> str:
    return capfirst(str(Workshop._meta.get_field(field).verbose_name))


def workshop_attendance_chart(workshop: Workshop, *, rtl: bool) -> charts.Chart:
    """Bars of the workshop's participants by category, then by sex (the admin records the two
    apart, not crossed: a bar per category, a bar per sex and one for those whose sex was not
    recorded), on one scale, in the active language."""
    category = charts.Series("category", gettext("Participants"), colours.BLUE, "solid")
    categories = [
        charts.Bar(_label(field), getattr(workshop, field), category)
        for field in PARTICIPANT_CATEGORY_FIELDS
    ]
    total = workshop.participants_total
    women, men = workshop.participants_women, workshop.participants_men
    groups = [(gettext("By category"), categories)]
    if women or men:
        sexes = [
            charts.Bar(
                _label("participants_women"),
                women,
                charts.Series("women", _label("participants_women"), colours.PURPLE, "diagonal"),
            ),
            charts.Bar(
                _label("participants_men"),
                men,
                charts.Series("men", _label("participants_men"), colours.TEAL, "solid"),
            ),
        ]
        if total > women + men:
            sexes.append(
                charts.Bar(
                    gettext("Sex not recorded"),
                    total - women - men,
                    charts.Series("unrecorded", gettext("Sex not recorded"), colours.GREY, "dots"),
                )
            )
        groups.append((gettext("By sex"), sexes))
        summary = ngettext(
            "%(count)d participant, of whom %(women)d women and %(men)d men.",
            "%(count)d participants, of whom %(women)d women and %(men)d men.",
            total,
        ) % {"count": total, "women": women, "men": men}
    else:
        summary = ngettext(
            "%(count)d participant; their sex was not recorded.",
            "%(count)d participants; their sex was not recorded.",
            total,
        ) % {"count": total}
    largest = max(categories, key=lambda bar: bar.value)
    if largest.value:
        summary += " " + gettext("The largest group: %(category)s (%(count)d).") % {
            "category": largest.label,
            "count": largest.value,
        }
    return charts.grouped_bars(
        chart_id="workshop-attendance",
        title=gettext("Participants by category and by sex"),
        summary=summary,
        groups=groups,
        label_header=gettext("Participants"),
        empty_text=gettext("The number of participants was not recorded."),
        rtl=rtl,
    )


def stage_series() -> list[charts.Series]:
    """The stages in the cycle's order, then the councils without a public plan."""
    looks = {
        ActionPlan.Stage.PREPARATION: (colours.GREY, "dots"),
        ActionPlan.Stage.CONSULTATION: (colours.BROWN, "horizontal"),
        ActionPlan.Stage.ADOPTED: (colours.PURPLE, "vertical"),
        ActionPlan.Stage.IMPLEMENTATION: (colours.BLUE, "diagonal"),
        ActionPlan.Stage.CLOSED: (colours.GREEN, "solid"),
    }
    return [
        *(
            charts.Series(str(stage.value), str(stage.label), colour, pattern)
            for stage, (colour, pattern) in looks.items()
        ),
        charts.Series(NO_PLAN, gettext("No published plan yet"), colours.SLATE, "cross"),
    ]


def network_stages_chart(*, rtl: bool) -> charts.Chart:
    """One bar of the network's councils by the stage of their latest public plan: one query."""
    counts = network_councils_by_stage()
    series = stage_series()
    values, total, stages = charts.shares(
        series, {NO_PLAN if stage is None else stage: n for stage, n in counts.items()}
    )
    summary = ngettext(
        "%(count)d council in the network: %(stages)s.",
        "%(count)d councils in the network: %(stages)s.",
        total,
    ) % {"count": total, "stages": stages}
    return charts.stacked_bar(
        chart_id="network-stages",
        title=gettext("The network's councils by the stage of their latest plan"),
        summary=summary,
        series=series,
        values=values,
        label_header=gettext("Stage"),
        empty_text=gettext("No council has joined the network yet."),
        rtl=rtl,
    )
