"""What this app tells the floor about its models (opengov.scoping, read by the admin's council
scoping, the closed-plan choices and the page cache's data versions; opengov.translations, the
texts that wait for their translation): how a row reaches its
council and its plan, and where else it shows. Called from ConsultationsConfig.ready(). The plan
path of a plan's row is the model's own PLAN_PATH (PlanOwned), read by the registry."""

from opengov import scoping, translations
from opengov.search import vocabulary

from .models import (
    PROPOSAL_SEARCH_WEIGHTS,
    ActionPlan,
    Council,
    CouncilProgramme,
    PlanStageChange,
    Proposal,
    ProposalSupport,
    Theme,
    WorkingGroup,
    Workshop,
    WorkshopDocument,
)


def successor_councils(plan: ActionPlan) -> list[str]:
    """A plan shows on its successor's page (whatever the successor's council)."""
    successors = ActionPlan.objects.filter(predecessor=plan.pk)
    return list(successors.values_list("council__slug", flat=True))


def proposal_is_private(proposal: Proposal, created: bool) -> bool:
    """A proposal sent online waiting for its e-mail confirmation or for a moderator has never
    been public (no path leads back to those states)."""
    return proposal.publication in (Proposal.Publication.PENDING, Proposal.Publication.AWAITING)


def register() -> None:
    # A council's or a theme's name shows on other councils' pages.
    scoping.register(Council, council="pk", everywhere=True)
    scoping.register(Theme, council=None, everywhere=True)
    scoping.register(CouncilProgramme, council="council")
    scoping.register(ActionPlan, council="council", plan="")
    scoping.register(PlanStageChange, council="plan__council")
    scoping.register(Workshop, council="council")
    scoping.register(WorkshopDocument, council="workshop__council")
    scoping.register(WorkingGroup, council="workshop__council")
    scoping.register(Proposal, council="council", private=proposal_is_private)
    # A support shows only as its proposal's count, which the support services write (and
    # whose council's pages they refresh): the rows themselves are on no page.
    scoping.register_off_pages(ProposalSupport)
    scoping.shown_elsewhere(ActionPlan, successor_councils)
    # Texts that wait for their translation when written in one language (the staff list
    # "Awaiting translation"); the plan's own is part of its official text.
    translations.register(ActionPlan, fields=("title", "introduction"))
    translations.register(Workshop, official=False)
    translations.register(WorkingGroup, official=False)
    # The words of the public proposals' titles and texts: "did you mean" corrects a
    # search of the proposals list into them.
    vocabulary.register_source(
        "proposals",
        lambda: Proposal.objects.public(),
        (*PROPOSAL_SEARCH_WEIGHTS["A"], *PROPOSAL_SEARCH_WEIGHTS["B"]),
    )
