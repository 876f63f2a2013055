"""Translation pending: a text written in one language waits for its translation instead of
blocking anything.

A translated field (django-modeltranslation: `title_ar`, `title_fr` …) is *pending* in a
language when it is filled in at least one other language and empty (or only whitespace) there.
The languages are settings.LANGUAGES: adding one to that list (and to modeltranslation's) makes
every registered text pending in it until it is translated, with no change here.

This module names no app. Each app states, from its AppConfig.ready() (its registry.py, like
opengov.scoping), which of its models take part and which of their fields (`register`); the
staff list "Awaiting translation" (`pending_rows`) reads that table, the readiness checklist
reads `pending` for the plan's own texts (`official=True`) and never for progress notes, and
the template tag `translation_note` reads it to say, once per block, that a text is shown in
another language. A model not registered falls back to its modeltranslation fields, so the
note works for any BilingualModel.

Failure mode: a model registered without a scoping entry (opengov.scoping) cannot be listed
for staff (its rows' council is unknown): `pending_rows` refuses it loudly rather than showing
another council's texts."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from . import scoping

# The value of `original_language` for an official text written in none of the site's
# languages (an OGP text in English, say).
OTHER = "other"


def languages() -> list[str]:
    """The codes of the site's languages, in settings.LANGUAGES order."""
    return [code for code, _name in settings.LANGUAGES]


def language_name(code: str) -> str:
    """The name of a language of the site (or "another language"), in the active language."""
    names = dict(settings.LANGUAGES)
    return str(names.get(code, _("another language")))


def original_language_choices() -> list[tuple[str, object]]:
    """Choices of `original_language` fields: the site's languages, then "other"."""
    return [*settings.LANGUAGES, (OTHER, _("another language"))]


@dataclasses.dataclass(frozen=True)
class Entry:
    """What an app says about one of its models: its translated `fields` that wait for a
    translation when written in one language, and whether they are `official` (the plan's
    own text, counted in the readiness checklist) or a note written during implementation."""

    model: type[models.Model]
    fields: tuple[str, ...]
    official: bool


_ENTRIES: dict[type[models.Model], Entry] = {}


def register(
    model: type[models.Model], *, fields: Iterable[str] | None = None, official: bool = True
) -> Entry:
    """Make `model` take part: its `fields` (every translated field by default)."""
    if model in _ENTRIES:
        raise ImproperlyConfigured(f"{model._meta.label} is registered twice for translations.")
    names = tuple(fields) if fields is not None else translated_fields(model)
    entry = Entry(model, names, official)
    _ENTRIES[model] = entry
    return entry


def registered() -> dict[type[models.Model], Entry]:
    return dict(_ENTRIES)


def translated_fields(model: type[models.Model]) -> tuple[str, ...]:
    from modeltranslation.translator import NotRegistered, translator

    try:
        return tuple(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return ()


def fields_of(model: type[models.Model]) -> tuple[str, ...]:
    entry = _ENTRIES.get(model)
    return entry.fields if entry is not None else translated_fields(model)


def _filled(value) -> bool:
    return bool(value) and bool(str(value).strip())


def filled(obj: models.Model, field: str) -> list[str]:
    """The languages `field` of `obj` is written in."""
    return [code for code in languages() if _filled(getattr(obj, f"{field}_{code}", None))]


def current_language() -> str:
    """The active language's code ("ar", "fr"), the default one outside a request."""
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def shown_text(obj, field: str) -> tuple[str, str]:
    """`field` of `obj` as a reader of the active language sees it: its text there, else in the
    first other language that has it (settings.LANGUAGES order), with that language's code;
    ("", "") when none has it. Stripped; reads attributes only."""
    if obj is None:
        return "", ""
    current = current_language()
    for code in [current, *(code for code in languages() if code != current)]:
        value = getattr(obj, f"{field}_{code}", None)
        text = value.strip() if isinstance(value, str) else ""
        if text:
            return text, code
    return "", ""


def pending(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, list[str]]:
    """{field: [languages it waits to be translated into]} for the fields of `obj` written in
    some languages but not all; empty when nothing waits. Reads attributes only (no query)."""
    result = {}
    for field in fields if fields is not None else fields_of(type(obj)):
        written = filled(obj, field)
        if written:
            missing = [code for code in languages() if code not in written]
            if missing:
                result[field] = missing
    return result


def shown_in(obj: models.Model, language: str, fields: Iterable[str] | None = None) -> list[str]:
    """The languages a reader of `language` sees some of `obj`'s texts in instead (the texts
    waiting for their translation into `language`), in settings.LANGUAGES order."""
    others: list[str] = []
    for field, missing in pending(obj, fields).items():
        if language in missing:
            others += [code for code in filled(obj, field) if code not in others]
    return [code for code in languages() if code in others]


def pending_languages(obj: models.Model, fields: Iterable[str] | None = None) -> list[str]:
    """The languages some text of `obj` waits to be translated into, in settings.LANGUAGES
    order (the open data's `translation_pending`)."""
    waiting = {code for missing in pending(obj, fields).values() for code in missing}
    return [code for code in languages() if code in waiting]


# --- queries ------------------------------------------------------------------------------


def _q_filled(column: str) -> Q:
    return Q(**{f"{column}__isnull": False}) & Q(**{f"{column}__strip__gt": ""})


def pending_q(fields: Iterable[str], language: str | None = None) -> Q:
    """Rows where one of `fields` waits for its translation (into `language`, or into any)."""
    targets = [language] if language else languages()
    condition = Q(pk__in=[])
    for field in fields:
        for target in targets:
            others = Q(pk__in=[])
            for code in languages():
                if code != target:
                    others |= _q_filled(f"{field}_{code}")
            condition |= others & ~_q_filled(f"{field}_{target}")
    return condition


@dataclasses.dataclass(frozen=True)
class PendingRow:
    """One object whose texts wait: `fields` maps each field to the languages it waits for."""

    obj: models.Model
    plan: models.Model | None
    fields: dict[str, list[str]]


def pending_rows(
    user, *, plan_id: int | None = None, language: str | None = None
) -> list[PendingRow]:
    """Every registered object the user's councils own (all for a superuser) whose texts wait
    for a translation (into `language` when given), in the plan `plan_id` when given; rows of
    closed plans are left out unless their kind changes after closure. One query per registered
    model, whatever the number of rows."""
    rows: list[PendingRow] = []
    for model, entry in _ENTRIES.items():
        scope = scoping.scope_of(model)
        if scope is None or scope.council is None:
            raise ImproperlyConfigured(
                f"{model._meta.label} takes part in translations but has no council scope."
            )
        queryset = scoping.scope_queryset(model._default_manager.all(), user)
        queryset = queryset.filter(pending_q(entry.fields, language))
        plan_path = scope.plan
        if plan_path is not None:
            to_plan = plan_path or "pk"
            if plan_path:
                queryset = queryset.select_related(plan_path)
            if plan_id is not None:
                queryset = queryset.filter(**{to_plan: plan_id})
            if not getattr(model, "CHANGES_AFTER_CLOSURE", False):
                # Closed plans are read-only: nothing of theirs can be translated any more.
                closed = scoping.plan_model()._default_manager.closed()
                queryset = queryset.exclude(**{f"{to_plan}__in": closed})
        elif plan_id is not None:
            continue
        for obj in queryset.order_by("pk"):
            waiting = pending(obj, entry.fields)
            if language:
                waiting = {f: [language] for f, codes in waiting.items() if language in codes}
            if waiting:
                rows.append(PendingRow(obj, scoping.plan_of(obj), waiting))
    return rows
