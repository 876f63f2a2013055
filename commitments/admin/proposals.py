"""The proposals admin of consultations, extended with what this app adds to an answer: the
followers of a proposal are told when staff answer it there (as proposal_answer tells them)."""

from consultations.admin.proposals import ProposalAdmin

from ..follows import events as follow_events


class AnsweredProposalAdmin(ProposalAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        answered = {"status", "response_ar", "response_fr"} & set(form.changed_data)
        # consultations' save_model stamped responded_at only for a user who may answer.
        if change and answered and obj.responded_at is not None:
            follow_events.proposal_answered(obj)
