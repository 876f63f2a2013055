"""Build the POST data an admin form would send, from the page the browser got."""

import datetime
from decimal import Decimal

from django import forms


def _encode(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, (datetime.date, Decimal, int)):
        return str(value)
    if hasattr(value, "pk"):
        return str(value.pk)
    return value


def _form_fields(form, data):
    for name, field in form.fields.items():
        value = form[name].value()
        key = form.add_prefix(name)
        if isinstance(value, (list, tuple)):  # a multiple choice (checkboxes included)
            data[key] = [str(_encode(v)) for v in value]
        elif getattr(field.widget, "input_type", None) == "checkbox":
            if value:
                data[key] = "on"
        else:
            data[key] = _encode(value)


def admin_form_data(response) -> dict:
    """The main form's and every inline's current values, with the management forms."""
    data = {}
    _form_fields(response.context["adminform"].form, data)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset.initial_forms:
            _form_fields(form, data)
    return {k: v for k, v in data.items() if v is not None}


def form_values(form: forms.BaseForm) -> dict:
    """A form's current values as its page would post them back, field by field (no file is
    uploaded again: the stored one stays; an unchecked box and an empty multiple choice are
    left out, as browsers do)."""
    data = {}
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        value = form[name].value()
        if isinstance(field, forms.FileField):
            continue
        if isinstance(field, forms.BooleanField):
            if value:
                data[key] = "on"
        elif value is None:
            if not isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
                data[key] = ""
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        else:
            data[key] = str(value)
    return data
