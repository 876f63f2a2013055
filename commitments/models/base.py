"""What the commitments models share: the merging of validation errors their clean() methods
collect, and OGP's month arithmetic for deadlines. ("Rows of plans the public may see" is
consultations.models.PlanRowsQuerySet.)"""

import calendar
import datetime

from django.core.exceptions import ValidationError


def merge_errors(errors: dict, error: ValidationError) -> None:
    """Add the messages of `error` to `errors` (field -> list of messages)."""
    for field, messages in error.update_error_dict({}).items():
        errors.setdefault(field, []).extend(messages)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the month's last day when it has no such day (31 January
    plus one month is 28 or 29 February), as OGP counts its "within N months" deadlines."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )
