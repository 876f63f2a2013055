"""The commitments app's models, one module per sub-domain, all importable from here (the
migrations name commitments.models.plan_document_path): commitments.py (the commitment and
what its milestones add up to), goals.py (the UN Sustainable Development Goals a commitment
serves), milestones.py (milestones, indicators), publishing.py (PDF
publications and documents), comments.py (citizens' comments and reports), progress.py
(implementation follow-up: progress entries, self-assessments, reminders), inception.py and
monitoring.py (the monitoring body's inception and end-of-commitment assessments), forum.py (the
multi-stakeholder forum: members, meetings, endorsements of a plan), repository.py (the log of
the reminders about a plan's repository), follows.py (citizens following things by e-mail, the
events they are told of and the notifications sent), counters.py (what each plan's commitments
and milestones add up to, kept by commitments/counters.py)."""

# In the order the models were always registered (the admin and dumps list them so).
# isort: off
from .choices import ChallengeArea, CompletionLevel, OpenedGovernment
from .commitments import Commitment, MilestoneCounts
from .milestones import Indicator, Milestone
from .goals import SDG_COUNT, SustainableDevelopmentGoal
from .publishing import PlanDocument, PlanPublication, plan_document_path
from .comments import COMMENT_MAX_LENGTH, Comment, CommentReport
from .progress import (
    IndicatorValue,
    MilestoneUpdate,
    PlanSelfAssessment,
    ReminderLog,
    evidence_path,
)
from .inception import (
    INCEPTION_DUE_MONTHS,
    InceptionAssessment,
    InceptionCommitmentReview,
    PotentialForResults,
    YesNo,
    inception_due_on,
)
from .monitoring import (
    END_OF_COMMITMENT_DUE_MONTHS,
    MAX_ASSESSMENT_EVIDENCE,
    AssessmentEvidence,
    AssessmentReminderLog,
    CommitmentAssessment,
    ValueAnswer,
    commitment_completed_on,
    end_of_commitment_due_on,
)
from .forum import Forum, ForumMeeting, ForumMember, PlanEndorsement, forum_document_path
from .repository import PlanReminderLog
from .follows import FOLLOW_TARGETS, Follow, FollowEvent, Notification, Subscriber
from .counters import PlanCounters

# isort: on

__all__ = [
    "COMMENT_MAX_LENGTH",
    "END_OF_COMMITMENT_DUE_MONTHS",
    "FOLLOW_TARGETS",
    "INCEPTION_DUE_MONTHS",
    "MAX_ASSESSMENT_EVIDENCE",
    "SDG_COUNT",
    "AssessmentEvidence",
    "AssessmentReminderLog",
    "ChallengeArea",
    "Comment",
    "CommentReport",
    "Commitment",
    "CommitmentAssessment",
    "CompletionLevel",
    "Follow",
    "FollowEvent",
    "Forum",
    "ForumMeeting",
    "ForumMember",
    "InceptionAssessment",
    "InceptionCommitmentReview",
    "Indicator",
    "IndicatorValue",
    "Milestone",
    "MilestoneCounts",
    "MilestoneUpdate",
    "Notification",
    "OpenedGovernment",
    "PlanCounters",
    "PlanDocument",
    "PlanEndorsement",
    "PlanPublication",
    "PlanReminderLog",
    "PlanSelfAssessment",
    "PotentialForResults",
    "ReminderLog",
    "Subscriber",
    "SustainableDevelopmentGoal",
    "ValueAnswer",
    "YesNo",
    "commitment_completed_on",
    "end_of_commitment_due_on",
    "evidence_path",
    "forum_document_path",
    "inception_due_on",
    "plan_document_path",
]
