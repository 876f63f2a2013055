"""The Generator: every row below one council (plans and their stage history), built into
Table buffers; the rows of workshops, proposals, commitments, comments and online proposals
(with their supports) come from one mixin each."""

from __future__ import annotations

from commitments.models import (
    Comment,
    Commitment,
    Indicator,
    IndicatorValue,
    Milestone,
    MilestoneUpdate,
)
from consultations.models import (
    ActionPlan,
    Council,
    PlanStageChange,
    Proposal,
    ProposalSupport,
    WorkingGroup,
    Workshop,
)

from .comments import CommentRows
from .commitments import CommitmentRows
from .councils import CouncilSpec
from .online import OnlineRows
from .plans import PlanInfo, _weighted, plan_periods, plan_timeline
from .proposals import ProposalRows
from .tables import Random, ScaleOptions, Stage, Table, _at, tr
from .vocabulary import KIND_WEIGHTS, STAGE_WEIGHTS
from .workshops import WorkshopRows


class Generator(WorkshopRows, ProposalRows, CommitmentRows, CommentRows, OnlineRows):
    """Builds the rows of every table, council by council, into `Table` buffers that
    `take_batch` hands over for copying. One `Random` per council: the rows do not depend on
    batching."""

    def __init__(self, options: ScaleOptions, themes: dict[str, int]):
        self.options = options
        self.base = options.base_date
        self.base_end = _at(options.base_date, 18)
        self.themes = themes
        self.tables = {
            "council": Table(Council),
            "plan": Table(ActionPlan),
            "stage_change": Table(PlanStageChange),
            "workshop": Table(Workshop),
            "working_group": Table(WorkingGroup),
            "proposal": Table(Proposal),
            "support": Table(ProposalSupport),
            "commitment": Table(Commitment),
            "source": Table(Commitment.source_proposals.through),
            "milestone": Table(Milestone),
            "milestone_update": Table(MilestoneUpdate),
            "indicator": Table(Indicator),
            "indicator_value": Table(IndicatorValue),
            "comment": Table(Comment),
        }
        self.kind_mean = 1.0

    def take_batch(self) -> list[tuple[Table, list[list]]]:
        """The rows built so far, table by table (parents before children)."""
        return [(table, table.take()) for table in self.tables.values()]

    # --- one council ------------------------------------------------------------------------

    def council(self, index: int, spec: CouncilSpec) -> None:
        """Every row below one council: its plans and all that hangs from them."""
        options = self.options
        rng = Random(f"{options.seed}:council:{index}")
        # Online proposals and supports draw from their own Random: without them (--online-
        # proposals-per-council=0) every other row is the same.
        self.online_rng = Random(f"{options.seed}:online:{index}")
        stage = _weighted(rng, STAGE_WEIGHTS)
        periods = plan_periods(rng, stage, self.base, options.plans_per_council)
        weight = KIND_WEIGHTS[spec.kind] / self.kind_mean
        proposals = options.proposals_per_council * weight * rng.uniform(0.75, 1.25)
        comments = options.comments_per_council * weight * rng.uniform(0.75, 1.25)
        online = self.online_count(self.online_rng, weight)
        # Plans in preparation get no comments: the others make up for them on average.
        prep_share = dict(STAGE_WEIGHTS)[Stage.PREPARATION] / sum(w for _s, w in STAGE_WEIGHTS)
        commented = (len(periods) - 1) + (1 - prep_share)
        predecessor = None
        for plan_stage, start, end in periods:
            plan = self.plan_rows(rng, spec, plan_stage, start, end, predecessor)
            self.stage_change_rows(rng, plan)
            n_proposals = round(proposals / len(periods))
            groups = self.workshop_rows(rng, plan, n_proposals)
            skeletons = self.proposal_skeletons(rng, plan, groups, n_proposals)
            links = self.link_sources(rng, plan, skeletons)
            proposal_pks = self.proposal_rows(rng, plan, groups, skeletons, links)
            self.commitment_rows(rng, plan, skeletons, links, proposal_pks)
            if plan.opens is not None:
                self.comment_rows(rng, plan, round(comments / commented))
            self.online_rows(self.online_rng, plan, round(online))
            predecessor = plan.pk

    # --- plans ------------------------------------------------------------------------------

    def plan_rows(self, rng, council, stage, start, end, predecessor) -> PlanInfo:
        opens, closes, created, work_from, work_to, decided_to, changes = plan_timeline(
            rng, stage, start, end, self.base
        )
        themes = rng.sample(sorted(self.themes), rng.between(5, 8))
        intro = (
            f"تلتزم {council.name[0]} من خلال هذه الخطة بتعزيز الشفافية والمشاركة المواطنة "
            f"والمساءلة خلال الفترة {start}-{end}، بعد مسار للإعداد المشترك مع المجتمع المدني.",
            f"Par ce plan, {council.name[1]} s'engage pour la transparence, la participation "
            f"citoyenne et la redevabilité sur la période {start}-{end}, au terme d'une "
            "co-création avec la société civile.",
        )
        updated = changes[-1][2] if changes else created
        moderated = rng.random() < 0.7
        window = self.proposals_window(self.online_rng, stage, created, opens, closes)
        pk = self.tables["plan"].add(
            created_at=_at(created, 9),
            updated_at=_at(updated, 16),
            start_year=start,
            end_year=end,
            **tr(
                "title",
                (
                    f"خطة عمل {council.name[0]} للحكومة المنفتحة {start}-{end}",
                    f"Plan d'action pour un gouvernement ouvert {start}-{end} — {council.name[1]}",
                ),
            ),
            **tr("introduction", intro),
            stage=stage,
            consultation_opens_on=opens,
            consultation_closes_on=closes,
            comments_need_moderation=moderated,
            predecessor_id=predecessor,
            council_id=council.pk,
            **window,
        )
        return PlanInfo(
            pk, council, stage, start, end, opens, closes, created, work_from, work_to,
            decided_to, changes, themes, moderated,
            proposals_opens=window.get("proposals_opens_on"),
            proposals_closes=window.get("proposals_closes_on"),
            proposals_moderated=window.get("proposals_need_moderation", True),
        )  # fmt: skip

    def stage_change_rows(self, rng, plan: PlanInfo) -> None:
        table = self.tables["stage_change"]
        for from_stage, to_stage, day in plan.changes:
            table.add(
                from_stage=from_stage,
                to_stage=to_stage,
                changed_at=_at(day, rng.between(9, 17), rng.between(0, 59)),
                plan_id=plan.pk,
            )
