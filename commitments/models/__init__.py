"""The commitments app's models, one module per sub-domain, all importable from here (the
migrations name commitments.models.plan_document_path): commitments.py (the commitment and
what its milestones add up to), goals.py (the UN Sustainable Development Goals a commitment
serves), milestones.py (milestones, indicators), publishing.py (PDF
publications and documents), comments.py (citizens' comments and reports), progress.py
(implementation follow-up: progress entries, assessments, reminders)."""

# In the order the models were always registered (the admin and dumps list them so).
# isort: off
from .commitments import (
    ChallengeArea,
    Commitment,
    CompletionLevel,
    MilestoneCounts,
    OpenedGovernment,
)
from .milestones import Indicator, Milestone
from .goals import SDG_COUNT, SustainableDevelopmentGoal
from .publishing import PlanDocument, PlanPublication, plan_document_path
from .comments import COMMENT_MAX_LENGTH, Comment, CommentReport
from .progress import (
    MAX_ASSESSMENT_EVIDENCE,
    AssessmentEvidence,
    CommitmentAssessment,
    IndicatorValue,
    MilestoneUpdate,
    PlanSelfAssessment,
    ReminderLog,
    evidence_path,
)

# isort: on

__all__ = [
    "COMMENT_MAX_LENGTH",
    "MAX_ASSESSMENT_EVIDENCE",
    "SDG_COUNT",
    "AssessmentEvidence",
    "ChallengeArea",
    "Comment",
    "CommentReport",
    "Commitment",
    "CommitmentAssessment",
    "CompletionLevel",
    "Indicator",
    "IndicatorValue",
    "Milestone",
    "MilestoneCounts",
    "MilestoneUpdate",
    "OpenedGovernment",
    "PlanDocument",
    "PlanPublication",
    "PlanSelfAssessment",
    "ReminderLog",
    "SustainableDevelopmentGoal",
    "evidence_path",
    "plan_document_path",
]
