"""Admin of the consultation side: councils, themes, plans, workshops with their working groups,
documents and proposals. Every list, form, choice and action is limited to the user's councils
(opengov.scoping); Arabic and French fields sit in tabs.

The action plan's workflow (stage actions, readiness checklist) is added by commitments' admin,
which re-registers ActionPlan: the checks read commitments, and this app never imports that one.

One module per sub-domain; importing this package registers them all. ActionPlanAdmin is
re-exported for commitments' admin, which extends it."""

from . import councils, proposals, workshops
from .plans import ActionPlanAdmin

__all__ = ["ActionPlanAdmin", "councils", "proposals", "workshops"]
