"""What this app tells the floor about its models (opengov.scoping, read by the admin's council
scoping, the closed-plan choices and the page cache's data versions; opengov.translations, the
texts that wait for their translation): how a row reaches its
council and its plan, which rows the public cannot see yet, and which consultations rows show on
its pages. Called from CommitmentsConfig.ready(). The plan path of a plan's row is the model's own
PLAN_PATH (PlanOwned), read by the registry."""

from django.db.models.signals import m2m_changed

from consultations.models import Proposal, WorkingGroup, Workshop
from opengov import dataversion, scoping, translations

from .models import (
    AssessmentEvidence,
    AssessmentReminderLog,
    Comment,
    CommentReport,
    Commitment,
    CommitmentAssessment,
    Follow,
    FollowEvent,
    Forum,
    ForumMeeting,
    ForumMember,
    InceptionAssessment,
    InceptionCommitmentReview,
    Indicator,
    IndicatorValue,
    Milestone,
    MilestoneUpdate,
    Notification,
    PlanCounters,
    PlanDocument,
    PlanEndorsement,
    PlanPublication,
    PlanReminderLog,
    PlanSelfAssessment,
    ReminderLog,
    Subscriber,
    SustainableDevelopmentGoal,
)


def comment_is_private(comment: Comment, created: bool) -> bool:
    """A comment waiting for its e-mail confirmation or for a moderator has never been public
    (no path leads back to those states)."""
    return comment.state in (Comment.State.PENDING, Comment.State.CONFIRMED)


def report_is_private(report: CommentReport, created: bool) -> bool:
    """A new report shows nowhere public."""
    return created


def inception_is_private(assessment: InceptionAssessment, created: bool) -> bool:
    """A draft inception assessment shows nowhere public (a published one may go back to
    draft: that change is public, so only a draft that was never published is private)."""
    return assessment.status == InceptionAssessment.Status.DRAFT and assessment.published_on is None


def review_is_private(review: InceptionCommitmentReview, created: bool) -> bool:
    return inception_is_private(review.assessment, created)


def councils_of_commitments_from(lookup: str):
    """The pages of the commitments a consultations row fed (through `lookup`) show it."""

    def pages(instance) -> list[str]:
        commitments = Commitment.objects.filter(**{lookup: instance.pk})
        return list(commitments.values_list("plan__council__slug", flat=True))

    return pages


def register() -> None:
    # The goals are reference data shown on any council's commitment pages.
    scoping.register(SustainableDevelopmentGoal, council=None, everywhere=True)
    scoping.register(Commitment, council="plan__council")
    scoping.register(Milestone, council="commitment__plan__council")
    scoping.register(Indicator, council="commitment__plan__council")
    scoping.register(PlanPublication, council="plan__council")
    scoping.register(PlanDocument, council="plan__council")
    # Comments and reports never move to another plan.
    scoping.register(Comment, council="plan__council", private=comment_is_private, moves=False)
    scoping.register(
        CommentReport,
        council="comment__plan__council",
        plan=None,
        private=report_is_private,
        moves=False,
    )
    scoping.register(MilestoneUpdate, council="milestone__commitment__plan__council")
    scoping.register(IndicatorValue, council="indicator__commitment__plan__council")
    scoping.register(CommitmentAssessment, council="commitment__plan__council")
    scoping.register(AssessmentEvidence, council="assessment__commitment__plan__council")
    scoping.register(PlanSelfAssessment, council="plan__council")
    scoping.register(ReminderLog, council="milestone__commitment__plan__council")
    scoping.register(InceptionAssessment, council="plan__council", private=inception_is_private)
    scoping.register(
        InceptionCommitmentReview,
        council="assessment__plan__council",
        private=review_is_private,
    )
    scoping.register(AssessmentReminderLog, council="plan__council", plan=None)
    # The forum shows on its council's page; a member whose name may not be published still
    # counts there (by sector and sex), so no member's row is private.
    scoping.register(Forum, council="council")
    scoping.register(ForumMember, council="forum__council")
    scoping.register(ForumMeeting, council="forum__council")
    scoping.register(PlanEndorsement, council="plan__council")
    # The worker's log of repository reminders: on no page; its rows never move.
    scoping.register(PlanReminderLog, council="plan__council", plan=None, moves=False)
    # Derived figures, written only by commitments.counters in the transaction of the commitment
    # or milestone write that bumped the council's version already; never saved as a model.
    scoping.register(PlanCounters, council="plan__council", plan=None, moves=False)
    # Citizens' follows and what was mailed to them: personal data, on no page; the admin shows
    # only counts of them.
    scoping.register_off_pages(Subscriber, Follow, FollowEvent, Notification)
    # A commitment's page shows the proposals it came from, with their workshop and group.
    scoping.shown_elsewhere(Proposal, councils_of_commitments_from("source_proposals"))
    scoping.shown_elsewhere(Workshop, councils_of_commitments_from("source_proposals__workshop"))
    scoping.shown_elsewhere(
        WorkingGroup, councils_of_commitments_from("source_proposals__working_group")
    )
    # The plan's official text, then what is written during implementation (never counted in
    # the readiness checklist). Milestone updates are added, never edited: not listed.
    translations.register(Commitment, fields=Commitment.TEXT_FIELDS)
    translations.register(Milestone, fields=Milestone.TEXT_FIELDS)
    translations.register(Indicator)
    translations.register(CommitmentAssessment, official=False)
    translations.register(PlanSelfAssessment, official=False)
    # Linking commitments to proposals or to goals changes pages no single row describes.
    m2m_changed.connect(
        dataversion.bump_everything,
        sender=Commitment.source_proposals.through,
        dispatch_uid="dataversion-sources",
    )
    m2m_changed.connect(
        dataversion.bump_everything,
        sender=Commitment.sdgs.through,
        dispatch_uid="dataversion-sdgs",
    )
