"""The one flow of every import page: a file is sent and previewed (nothing written), then the
signed preview is confirmed and saved, or refused with a message."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext


@dataclass
class ImportStep:
    """Where the page stands: the form, the rows as checked (None before a file is sent), the
    signed token of a preview without errors, and the redirect once saved."""

    form: forms.Form
    result: object | None = None
    token: str = ""
    done: HttpResponse | None = None


def import_step(
    request: HttpRequest,
    *,
    form_class: type[forms.Form],
    parse: Callable[[forms.Form], object],
    sign: Callable[[object], str],
    unsign: Callable[[str], object | None],
    save: Callable[[object], str],
    done_url: str,
) -> ImportStep:
    """A POST with a file: `parse(form)` (rows and errors; `sign(result)` when it has no error).
    A POST with a token: `unsign(token)` (the rows checked again, or None when altered or
    expired) then `save(result)`, whose return is the success message; a ValidationError from
    `save` (the data changed since the preview) is shown and nothing is saved. A result's `ok`
    says it may be saved."""
    step = ImportStep(form=form_class())
    if request.method != "POST":
        return step
    if "token" in request.POST:
        step.result = unsign(request.POST["token"])
        if step.result is None:
            messages.error(
                request, gettext("This preview has expired or was altered; send the file again.")
            )
        elif step.result.ok:
            try:
                messages.success(request, save(step.result))
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
                return ImportStep(form=step.form, done=HttpResponseRedirect(request.path))
            step.done = HttpResponseRedirect(done_url)
        return step
    step.form = form_class(request.POST, request.FILES)
    if step.form.is_valid():
        step.result = parse(step.form)
        if step.result.ok:
            step.token = sign(step.result)
    return step
