"""What the commitments models share: the merging of validation errors their clean() methods
collect, and OGP's month arithmetic for deadlines. ("Rows of plans the public may see" is
consultations.models.PlanRowsQuerySet.)"""

from django.core.exceptions import ValidationError


def merge_errors(errors: dict, error: ValidationError) -> None:
    """Add the messages of `error` to `errors` (field -> list of messages)."""
    for field, messages in error.update_error_dict({}).items():
        errors.setdefault(field, []).extend(messages)
