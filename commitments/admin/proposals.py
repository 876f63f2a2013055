"""The proposals admin of consultations, extended with what this app adds: the followers of a
proposal are told when staff answer it there (as proposal_answer tells them), and the
moderators' actions on proposals sent online (commitments/proposing/admin.py)."""

from consultations.admin.proposals import ProposalAdmin

from ..follows import events as follow_events
from ..proposing.admin import ProposalModerationAdminMixin


class AnsweredProposalAdmin(ProposalModerationAdminMixin, ProposalAdmin):
    actions = [*ProposalAdmin.actions, *ProposalModerationAdminMixin.moderation_actions]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        answered = {"status", "response_ar", "response_fr"} & set(form.changed_data)
        # consultations' save_model stamped responded_at only for a user who may answer.
        if change and answered and obj.responded_at is not None:
            follow_events.proposal_answered(obj)
