"""The commitments app's admin. Each sub-domain defines its ModelAdmins next to its services
(comments/admin.py, forum/admin.py, monitoring/admin.py, progress/admin.py, publishing/admin.py;
the core ones are in this package); they are all registered here, in one list."""

from django.contrib import admin

from consultations.models import ActionPlan, Proposal

from ..comments.admin import CommentAdmin
from ..forum import admin as forum_admin
from ..models import (
    Comment,
    Commitment,
    CommitmentAssessment,
    InceptionAssessment,
    Indicator,
    Milestone,
    PlanDocument,
    PlanPublication,
    PlanSelfAssessment,
)
from ..monitoring.admin import CommitmentAssessmentAdmin, InceptionAssessmentAdmin
from ..progress.admin import PlanSelfAssessmentAdmin
from ..publishing.admin import PlanDocumentAdmin, PlanPublicationAdmin
from .commitments import CommitmentAdmin, IndicatorAdmin, MilestoneAdmin
from .plans import ActionPlanAdmin
from .proposals import AnsweredProposalAdmin

admin.site.register(CommitmentAssessment, CommitmentAssessmentAdmin)
admin.site.register(PlanSelfAssessment, PlanSelfAssessmentAdmin)
admin.site.register(InceptionAssessment, InceptionAssessmentAdmin)
# The plan admin registered by consultations, replaced by the one with workflow and publication.
admin.site.unregister(ActionPlan)
admin.site.register(ActionPlan, ActionPlanAdmin)
admin.site.register(Commitment, CommitmentAdmin)
# consultations' proposals admin, whose answers this app's followers hear about.
admin.site.unregister(Proposal)
admin.site.register(Proposal, AnsweredProposalAdmin)
admin.site.register(Milestone, MilestoneAdmin)
admin.site.register(Indicator, IndicatorAdmin)
admin.site.register(PlanPublication, PlanPublicationAdmin)
admin.site.register(PlanDocument, PlanDocumentAdmin)
admin.site.register(Comment, CommentAdmin)
forum_admin.register(admin.site)
