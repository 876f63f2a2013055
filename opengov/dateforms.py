"""Entering dates that may be months (opengov.dates) in a form.

A clerk types a month as OGP writes it ("2024-03", or "03/2024") or a day ("2024-03-15", or
"15/03/2024"), Arabic-Indic digits included, in one text box: what was typed sets the date's
precision, so nobody invents a day that the plan does not give. The box works without
JavaScript; in the admin, the calendar shortcuts are added when JavaScript runs (they insert a
day, in the admin's input format, which the field reads).

`MonthDatesFormMixin` (part of every admin form, opengov.admin_base.ModelErrorsForm) puts a
`DateOrMonthField` in place of each date of the model's MONTH_DATES that the form edits, and
writes `<field>_precision` from what was typed. A month date the admin only shows (read-only
fields, view-only pages) is shown with its precision too ("mars 2024"), not as the stored day:
the admin's read-only display asks a form field whose widget is marked `read_only` to render
the value itself (django.contrib.admin.helpers.AdminReadonlyField, the hook of contrib.auth's
password widget), calling render(name, value) without attributes or renderer, which a form
never does.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .dates import DatePrecision, iso, parse_date_or_month

# Longer text is no date: refused before any parsing.
MAX_LENGTH = 32


class DateOrMonthInput(forms.TextInput):
    """A text box, laid out left to right on an Arabic page too (digits and dashes); with the
    admin's calendar shortcuts when its JavaScript runs. `shown`: the stored date as the admin
    shows it read-only ("mars 2024")."""

    read_only = True  # see the module: the admin's read-only display calls render() itself

    class Media:
        js = ["admin/js/calendar.js", "admin/js/admin/DateTimeShortcuts.js"]

    def __init__(self, attrs=None, shown: str = ""):
        defaults = {"class": "vDateField", "size": "10", "dir": "ltr", "autocomplete": "off"}
        super().__init__({**defaults, **(attrs or {})})
        self.shown = shown

    def render(self, name, value, attrs=None, renderer=None):
        if attrs is None and renderer is None:
            return mark_safe(escape(self.shown))  # noqa: S308 - escaped
        return super().render(name, value, attrs, renderer)


class DateOrMonthField(forms.Field):
    """A day or a month: cleans to (date, precision), the date normalised for storage (a month
    as its first day, or its last when `end`: the end or the due date, opengov.dates)."""

    widget = DateOrMonthInput
    default_error_messages = {
        "invalid": _(
            "Enter a month as 2024-03 (or 03/2024) or a day as 2024-03-15 (or 15/03/2024)."
        ),
    }

    def __init__(self, *, end: bool, **kwargs):
        self.end = end
        kwargs.setdefault("help_text", _("A month (2024-03) or a day (2024-03-15)."))
        super().__init__(**kwargs)

    def to_python(self, value) -> tuple[datetime.date, str] | None:
        if value in self.empty_values:
            return None
        if isinstance(value, tuple):
            return value
        if isinstance(value, datetime.date):
            return value, DatePrecision.DAY
        text = str(value)
        try:
            if len(text) > MAX_LENGTH:
                raise ValueError(text)
            return parse_date_or_month(text, end=self.end)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value):
        # The box shows a stored month as a month and a day as an ISO day; what was typed
        # (a bound form shown again with its errors) as typed.
        if isinstance(value, tuple):
            return iso(*value)
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    def has_changed(self, initial, data) -> bool:
        if self.disabled:
            return False
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True


class MonthDatesFormMixin:
    """For a ModelForm: the model's month dates (MONTH_DATES, opengov.dates.MonthPrecisionDates)
    are typed as a month or a day, and their precision follows what was typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._month_fields: dict[str, bool] = {}
        self._typed_precisions: dict[str, str] = {}
        month_dates = getattr(self._meta.model, "MONTH_DATES", {})
        given = kwargs.get("initial") or {}
        for name, is_end in month_dates.items():
            stored = getattr(self.instance, name, None)
            precision = getattr(self.instance, f"{name}_precision", DatePrecision.DAY)
            # "-" as the admin shows an empty value (AdminSite.empty_value_display).
            shown = DateOrMonthInput(shown=self.instance.date_display(name) or "-")
            field = self.fields.get(name)
            if field is None:
                if stored is not None:
                    # Only shown, read-only, by the admin: a disabled field, never saved.
                    self.fields[name] = DateOrMonthField(
                        end=is_end, required=False, disabled=True, widget=shown
                    )
                continue
            self.fields[name] = DateOrMonthField(
                end=is_end,
                required=field.required,
                label=field.label,
                disabled=field.disabled,
                widget=shown,
            )
            self._month_fields[name] = is_end
            if stored is not None and name not in given:
                self.initial[name] = (stored, precision)

    def _clean_fields(self):
        super()._clean_fields()
        for name in self._month_fields:
            if name not in self.cleaned_data:
                continue  # refused: the form is shown again with its error
            value = self.cleaned_data[name]
            if value is None:
                self._typed_precisions[name] = DatePrecision.DAY
            else:
                self.cleaned_data[name], self._typed_precisions[name] = value

    def _post_clean(self):
        # Before the model form copies the dates to the instance and validates it: the model
        # normalises each date for its precision (MonthPrecisionDates.clean()).
        for name, precision in self._typed_precisions.items():
            setattr(self.instance, f"{name}_precision", precision)
        super()._post_clean()
