"""What the commitments models share: the one rule for "rows of plans the public may see", and
the merging of validation errors their clean() methods collect."""

from django.core.exceptions import ValidationError
from django.db import models

from consultations.models import ActionPlan


class PublicPlansQuerySet(models.QuerySet):
    """For models whose rows belong to a plan (PlanOwned): their PLAN_PATH leads to it."""

    def of_public_plans(self):
        """Rows of the plans citizens may read (ActionPlan.objects.public(): every stage but
        preparation), as one join rather than a subquery."""
        path = getattr(self.model, "PLAN_PATH", "plan")
        return self.exclude(**{f"{path}__stage": ActionPlan.Stage.PREPARATION})


def merge_errors(errors: dict, error: ValidationError) -> None:
    """Add the messages of `error` to `errors` (field -> list of messages)."""
    for field, messages in error.update_error_dict({}).items():
        errors.setdefault(field, []).extend(messages)
