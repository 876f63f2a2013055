"""Reads shared by the admin and the public pages: a plan's readiness for its next stage, and
what a commitment is pre-filled with when coordinators turn proposals into one."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Sum
from django.utils.translation import gettext, ngettext

from consultations.models import ActionPlan, PlanStageChange, Proposal, Workshop
from opengov import translations

from .models import Commitment, Indicator, Milestone, MilestoneCounts, MilestoneUpdate, PlanCounters


@dataclass(frozen=True)
class ReadinessItem:
    """One line of a plan's readiness checklist: green when `problems` is empty. `warnings`
    are recommendations: shown in the checklist, they never block a stage change."""

    key: str
    label: str
    problems: list[str] = field(default_factory=list)
    # Where the coordinator goes to fix it: (admin changelist name, query string).
    fix_url_name: str = ""
    fix_query: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def plan_commitments_for_readiness(plan: ActionPlan):
    return (
        Commitment.objects.filter(plan=plan)
        .annotate(milestone_count=Count("milestones", distinct=True))
        .annotate(indicator_count=Count("indicators", distinct=True))
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_date", "id")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("id")),
        )
        .order_by("position", "reference")
    )


def _workshops_item(plan: ActionPlan) -> ReadinessItem:
    workshops = list(Workshop.objects.filter(plan=plan).order_by("starts_on", "id"))
    problems = []
    if not workshops:
        problems.append(gettext("No co-creation workshop is recorded for this plan."))
    for workshop in workshops:
        if workshop.participants_total == 0:
            problems.append(
                gettext("Workshop “%(workshop)s” has no attendance figures.")
                % {"workshop": workshop}
            )
        if not (workshop.summary_ar or workshop.summary_fr):
            problems.append(
                gettext("Workshop “%(workshop)s” has no summary.") % {"workshop": workshop}
            )
    return ReadinessItem(
        key="workshops",
        label=gettext("Workshops held and documented"),
        problems=problems,
        fix_url_name="admin:consultations_workshop_changelist",
        fix_query=f"plan__id__exact={plan.pk}",
    )


def _proposals_item(plan: ActionPlan) -> ReadinessItem:
    unanswered = Proposal.objects.filter(plan=plan).published().unanswered().count()
    problems = []
    if unanswered:
        problems.append(
            ngettext(
                "%(count)d proposal has no response.",
                "%(count)d proposals have no response.",
                unanswered,
            )
            % {"count": unanswered}
        )
    return ReadinessItem(
        key="proposals",
        label=gettext("Every proposal received a reasoned response"),
        problems=problems,
        fix_url_name="admin:consultations_proposal_changelist",
        fix_query=f"plan__id__exact={plan.pk}&answered=no",
    )


def _commitments_item(plan: ActionPlan, commitments: list[Commitment]) -> ReadinessItem:
    problems, warnings = [], []
    if not commitments:
        problems.append(gettext("The plan has no commitment yet."))
    for commitment in commitments:
        reference = commitment.reference
        if not (commitment.lead_agency_ar or commitment.lead_agency_fr):
            problems.append(
                gettext("Commitment %(reference)s has no lead agency.") % {"reference": reference}
            )
        if not commitment.start_date or not commitment.end_date:
            problems.append(
                gettext("Commitment %(reference)s has no start or end date.")
                % {"reference": reference}
            )
        if not translations.filled(commitment, "description"):
            # OGP's template asks what will be done: in one language at least.
            problems.append(
                gettext("Commitment %(reference)s does not say what will be done.")
                % {"reference": reference}
            )
        if commitment.milestone_count == 0:
            problems.append(
                gettext("Commitment %(reference)s has no milestone.") % {"reference": reference}
            )
        if commitment.indicator_count == 0:
            # Recommended, not required: OGP's own templates do not ask for indicators and
            # most real commitments have none.
            warnings.append(
                gettext("Commitment %(reference)s has no indicator.") % {"reference": reference}
            )
        if not commitment.ogp_values:
            problems.append(
                gettext("Commitment %(reference)s advances no OGP value.")
                % {"reference": reference}
            )
        for milestone in commitment.milestones.all():
            if milestone.due_date.year > plan.end_year:
                problems.append(
                    gettext(
                        "A milestone of commitment %(reference)s ends after the plan's period "
                        "(%(period)s)."
                    )
                    % {"reference": reference, "period": plan.period}
                )
            if milestone.start_date and milestone.start_date.year < plan.start_year:
                problems.append(
                    gettext(
                        "A milestone of commitment %(reference)s starts before the plan's "
                        "period (%(period)s)."
                    )
                    % {"reference": reference, "period": plan.period}
                )
    return ReadinessItem(
        key="commitments",
        label=gettext(
            "Every commitment says what will be done and has a lead agency, dates and milestones "
            "within the plan's period (an indicator is recommended)"
        ),
        problems=problems,
        warnings=warnings,
        fix_url_name="admin:commitments_commitment_changelist",
        fix_query=f"plan__id__exact={plan.pk}",
    )


def _languages_item(plan: ActionPlan, commitments: list[Commitment]) -> ReadinessItem:
    """Texts written in one language wait for their translation: a warning naming them, never
    a problem (a plan may be adopted with each text in one language). Only the plan's official
    text counts (opengov.translations: official models); progress notes never do."""
    warnings = []
    objects = [plan]
    for commitment in commitments:
        objects.append(commitment)
        objects.extend(commitment.milestones.all())
        objects.extend(commitment.indicators.all())
    entries = translations.registered()
    for obj in objects:
        entry = entries.get(type(obj))
        if entry is None or not entry.official:
            continue
        waiting = translations.pending(obj, entry.fields)
        if waiting:
            labels = ", ".join(
                str(type(obj)._meta.get_field(name).verbose_name) for name in waiting
            )
            codes = sorted({code for missing in waiting.values() for code in missing})
            warnings.append(
                gettext("%(object)s: %(fields)s. Waiting for a translation into: %(languages)s.")
                % {
                    "object": f"{type(obj)._meta.verbose_name} “{obj}”",
                    "fields": labels,
                    "languages": ", ".join(translations.language_name(c) for c in codes),
                }
            )
    return ReadinessItem(
        key="languages",
        label=gettext(
            "The plan and its commitments are written in each language (a text in one language "
            "waits for its translation)"
        ),
        warnings=warnings,
        fix_url_name="admin:consultations_actionplan_translations",
        fix_query=f"plan={plan.pk}",
    )


def plan_readiness(plan: ActionPlan) -> list[ReadinessItem]:
    """The readiness checklist drawn from OGP's co-creation standards, in the active language.

    Runs a fixed number of queries whatever the number of commitments."""
    commitments = list(plan_commitments_for_readiness(plan))
    for commitment in commitments:
        commitment.plan = plan  # their texts' checks read the plan: not once per commitment
    return [
        _workshops_item(plan),
        _proposals_item(plan),
        _commitments_item(plan, commitments),
        _languages_item(plan, commitments),
    ]


def commitment_prefill_from_proposals(proposals) -> dict:
    """Initial values for a commitment made from proposals: the most common theme, problems
    into "problem", the other kinds into "what will be done", each language kept apart."""
    proposals = list(proposals)
    initial: dict = {}
    themes = [p.theme_id for p in proposals if p.theme_id]
    if themes:
        initial["theme"] = max(set(themes), key=themes.count)
    if len(proposals) == 1:
        initial["title_ar"] = proposals[0].title_ar or ""
        initial["title_fr"] = proposals[0].title_fr or ""
    for language in ("ar", "fr"):
        problems, actions = [], []
        for proposal in proposals:
            text = "\n".join(
                part
                for part in (
                    getattr(proposal, f"title_{language}") or "",
                    getattr(proposal, f"body_{language}") or "",
                )
                if part
            )
            if not text:
                continue
            (problems if proposal.kind == Proposal.Kind.PROBLEM else actions).append(text)
        initial[f"problem_{language}"] = "\n\n".join(problems)
        initial[f"description_{language}"] = "\n\n".join(actions)
    return initial


# --- public pages -----------------------------------------------------------------------------


def plan_public(council_slug: str, start_year: int) -> ActionPlan:
    """A public plan (not in preparation) by its council and first year, or DoesNotExist."""
    return (
        ActionPlan.objects.public()
        .select_related("council__parent", "predecessor__council")
        .get(council__slug=council_slug, start_year=start_year)
    )


def plan_commitments_by_theme(plan: ActionPlan) -> list[tuple[object, list[Commitment]]]:
    """The plan's commitments grouped by theme (in theme order), with their milestones for
    Commitment.milestone_counts(): two queries."""
    milestones = Milestone.objects.only("id", "commitment_id", "status", "due_date")
    commitments = (
        Commitment.objects.filter(plan=plan)
        .select_related("theme", "plan__council")
        .prefetch_related(Prefetch("milestones", queryset=milestones))
        .order_by("theme__position", "theme__slug", "position", "reference")
    )
    groups: list[tuple[object, list[Commitment]]] = []
    for commitment in commitments:
        if groups and groups[-1][0] == commitment.theme:
            groups[-1][1].append(commitment)
        else:
            groups.append((commitment.theme, [commitment]))
    return groups


def plan_workshops(plan: ActionPlan) -> list[Workshop]:
    return list(
        Workshop.objects.filter(plan=plan)
        .annotate(group_count=Count("groups", distinct=True))
        .annotate(proposal_count=Count("proposals", distinct=True))
        .order_by("starts_on", "id")
    )


def commitment_public(plan: ActionPlan, reference: str) -> Commitment:
    """A commitment of `plan` by its reference, or DoesNotExist, with its programme, its
    goals, its milestones in date order and their dated progress entries, newest first (four
    queries)."""
    updates = MilestoneUpdate.objects.order_by("-created_at", "-id")
    milestones = Milestone.objects.prefetch_related(Prefetch("updates", queryset=updates))
    return (
        Commitment.objects.select_related("theme", "plan__council", "programme")
        .prefetch_related(
            Prefetch("milestones", queryset=milestones.order_by("due_date", "id")), "sdgs"
        )
        .get(plan=plan, reference=reference)
    )


def commitment_sources(commitment: Commitment) -> list[Proposal]:
    return list(
        commitment.source_proposals.public()
        .select_related("workshop", "working_group", "theme")
        .order_by("workshop__starts_on", "pk")
    )


def plan_stages(plan: ActionPlan) -> list[tuple[str, str, PlanStageChange | None]]:
    """Every stage of the cycle, in order, with the last move of `plan` into it (None when the
    plan never reached it): one query. A recorded move carries its real date (happened_on)."""
    last_move: dict[str, PlanStageChange] = {}
    for change in plan.stage_changes.order_by("changed_at", "id"):
        last_move[change.to_stage] = change
    return [(value, label, last_move.get(value)) for value, label in ActionPlan.Stage.choices]


def adopted_outside_portal(stages: list[tuple[str, str, PlanStageChange | None]]) -> bool:
    """Whether the plan's adoption was recorded afterwards (commitments.plan_record): a plan
    the council brought to the portal once adopted, whose co-creation happened elsewhere.
    Reads plan_stages()' answer: no query."""
    return any(
        change is not None and change.recorded and value == ActionPlan.Stage.ADOPTED
        for value, _label, change in stages
    )


def network_commitment_totals() -> tuple[int, MilestoneCounts]:
    """The commitments of the public plans and what their milestones add up to (the overdue
    ones as of the last recount: commitments.counters), summed from the plans' counters in one
    query, whatever the number of milestones."""
    sums = PlanCounters.objects.filter(plan__in=ActionPlan.objects.public()).aggregate(
        commitments=Sum("commitments"),
        total=Sum("milestones"),
        done=Sum("milestones_done"),
        overdue=Sum("milestones_overdue"),
    )
    counts = MilestoneCounts(**{k: sums[k] or 0 for k in ("total", "done", "overdue")})
    return sums["commitments"] or 0, counts
