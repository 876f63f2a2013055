"""Sections an app adds to a page served by an app below it.

The arrows of docs/layout.md forbid the consultations app to read the commitments models, yet a
council's page (served by consultations) must show what commitments holds about the council
(its multi-stakeholder forum). The upper app registers, from its AppConfig.ready(), a provider
for a named page; the lower app's view asks this module for the page's sections and its template
includes them in order. A provider returns None when it has nothing to show, so a page never
shows an empty heading. Providers run inside the view: the page cache's data versions must
cover the rows they read (register those models for scoping like any other)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured


@dataclasses.dataclass(frozen=True)
class Section:
    template: str  # included by the page's template, with `section` bound to `context`
    context: dict


Provider = Callable[..., Section | None]

_PROVIDERS: dict[str, dict[str, Provider]] = {}


def register(page: str, name: str, provider: Provider) -> None:
    """Add the section `name` to `page`; provider(**what the page's view passes) returns a
    Section, or None when there is nothing to show."""
    providers = _PROVIDERS.setdefault(page, {})
    if name in providers:
        raise ImproperlyConfigured(f"The section {name!r} of {page!r} is registered twice.")
    providers[name] = provider


def for_page(page: str, **values) -> list[Section]:
    """The sections of `page` that have something to show, in the order they were registered."""
    sections = (provider(**values) for provider in _PROVIDERS.get(page, {}).values())
    return [section for section in sections if section is not None]
