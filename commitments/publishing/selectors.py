"""Reads of a plan's published documents."""

from consultations.models import ActionPlan

from ..models import PlanDocument


def plan_documents(plan: ActionPlan) -> dict:
    """The current PDF per language and the earlier versions, newest first (one query)."""
    documents = list(PlanDocument.objects.filter(plan=plan).order_by("-version", "language"))
    return {
        "current": [d for d in documents if d.is_current],
        "earlier": [d for d in documents if not d.is_current],
    }
