"""Co-creation input: who (councils), for which plan, where and with whom (workshops, working
groups), what was proposed, and the councils' own programmes (PAC, PDP, PDR). Translated fields
are registered in translation.py.

One module per sub-domain; everything is importable from consultations.models, as the
migrations and the other apps name it."""

from .common import (
    MAX_PARTICIPANTS,
    YEAR_VALIDATORS,
    council_logo_path,
    differs_from_stored,
    random_upload_name,
    workshop_document_path,
)
from .councils import (
    Council,
    CouncilQuerySet,
    Theme,
    ThemeQuerySet,
)
from .plans import (
    ActionPlan,
    ActionPlanQuerySet,
    PlanOwned,
    PlanRowsQuerySet,
    ensure_plan_open,
    private_condition,
)
from .programmes import CouncilProgramme, programme_document_path
from .proposals import (
    PROPOSAL_SEARCH_WEIGHTS,
    Proposal,
    ProposalQuerySet,
    answered_condition,
)
from .stages import PlanStageChange
from .supports import ProposalSupport
from .workshops import (
    PARTICIPANT_CATEGORY_FIELDS,
    PARTICIPANT_SEX_FIELDS,
    WorkingGroup,
    Workshop,
    WorkshopDocument,
    WorkshopQuerySet,
)

__all__ = [
    "MAX_PARTICIPANTS",
    "PARTICIPANT_CATEGORY_FIELDS",
    "PARTICIPANT_SEX_FIELDS",
    "PROPOSAL_SEARCH_WEIGHTS",
    "YEAR_VALIDATORS",
    "ActionPlan",
    "ActionPlanQuerySet",
    "Council",
    "CouncilProgramme",
    "CouncilQuerySet",
    "PlanOwned",
    "PlanRowsQuerySet",
    "PlanStageChange",
    "Proposal",
    "ProposalQuerySet",
    "ProposalSupport",
    "Theme",
    "ThemeQuerySet",
    "WorkingGroup",
    "Workshop",
    "WorkshopDocument",
    "WorkshopQuerySet",
    "answered_condition",
    "council_logo_path",
    "differs_from_stored",
    "ensure_plan_open",
    "private_condition",
    "programme_document_path",
    "random_upload_name",
    "workshop_document_path",
]
