"""What the admin pages that can change a commitment's completion level need to tell its
followers: the level before the save, compared with the level after the inlines are saved."""

from __future__ import annotations

from django.utils import timezone

from ..models import Commitment, FollowEvent
from .events import completion_changed


class CompletionWatchMixin:
    """For the admins of commitments and milestones: a save that moves the commitment's
    completion level (an override set by hand, milestones edited in place) records the change
    for its followers. A progress entry saved through the services records its own change; it
    is not recorded twice."""

    def watched_commitment(self, obj) -> Commitment:
        return obj if isinstance(obj, Commitment) else obj.commitment

    def save_model(self, request, obj, form, change):
        commitment = self.watched_commitment(obj) if change else None
        request._completion_before = (
            (commitment.pk, Commitment.objects.get(pk=commitment.pk).completion(), timezone.now())
            if commitment is not None and commitment.pk
            else None
        )
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = getattr(request, "_completion_before", None)
        if not before:
            return
        commitment_id, level, started = before
        recorded = FollowEvent.objects.filter(
            kind=FollowEvent.Kind.COMPLETION_LEVEL,
            commitment_id=commitment_id,
            created_at__gte=started,
        )
        if recorded.exists():
            return
        commitment = Commitment.objects.select_related("plan__council").get(pk=commitment_id)
        completion_changed(
            commitment, level, commitment.completion(), cause=f"admin:{started.isoformat()}"
        )
