"""The project's URL patterns as the resolver holds them, and how to fill them: shared by the
authorisation sweep (tests/security/test_authorisation_sweep.py) and the GET fuzz test
(tests/security/test_get_fuzz.py)."""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.contrib import admin
from django.urls import URLResolver, get_resolver, resolve
from django.urls.resolvers import LocalePrefixPattern
from django.utils import translation
from django.utils.regex_helper import normalize

from commitments.models import (
    AssessmentEvidence,
    Comment,
    Forum,
    ForumMeeting,
    MilestoneUpdate,
    PlanDocument,
    PlanSelfAssessment,
)
from consultations.models import CouncilProgramme, Proposal, Workshop, WorkshopDocument

LANGUAGES = [code for code, _name in settings.LANGUAGES]


class Unfillable(Exception):
    """A test does not know how to fill or request this pattern."""


@dataclasses.dataclass(frozen=True)
class Route:
    key: str  # the pattern, with "{lang}/" for the language prefix
    lang: str | None  # the prefix's language; None outside i18n_patterns
    levels: tuple  # the URLResolvers from the root, then the URLPattern
    name: str  # namespaced name, "" for an unnamed pattern
    model_admin: object  # the ModelAdmin whose get_urls() holds it, or None
    in_admin: bool

    @property
    def callback(self):
        return self.levels[-1].callback

    @property
    def label(self) -> str:
        return self.name or self.key

    @property
    def params(self) -> tuple[str, ...]:
        names: list[str] = []
        for level in self.levels:
            if isinstance(level.pattern, LocalePrefixPattern):
                continue
            regex = level.pattern.regex
            named = list(regex.groupindex)
            names += named + [f"_{i}" for i in range(regex.groups - len(named))]
        return tuple(names)


def _walk(resolver, levels, namespaces):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            spaces = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from _walk(entry, (*levels, entry), spaces)
        else:
            yield (*levels, entry), namespaces


def collect_routes() -> list[Route]:
    """Every URL pattern of the resolver, once per language prefix for i18n_patterns."""
    admins = {
        f"{m._meta.app_label}/{m._meta.model_name}/": ma for m, ma in admin.site._registry.items()
    }
    routes = []
    for lang in LANGUAGES:
        with translation.override(lang):
            for levels, namespaces in _walk(get_resolver(), (), ()):
                i18n = any(isinstance(lv.pattern, LocalePrefixPattern) for lv in levels)
                if not i18n and lang != LANGUAGES[0]:
                    continue
                key = "".join(
                    "{lang}/" if isinstance(lv.pattern, LocalePrefixPattern) else str(lv.pattern)
                    for lv in levels
                )
                # The admin site, and staff pages mounted beside it (two-factor set-up).
                in_admin = admin.site.name in namespaces or key.startswith("{lang}/admin/")
                model_admin = None
                if in_admin:
                    for level in levels[:-1]:
                        model_admin = admins.get(str(level.pattern), model_admin)
                leaf = levels[-1].name
                name = ":".join([*namespaces, leaf]) if leaf else ""
                routes.append(
                    Route(key, lang if i18n else None, levels, name, model_admin, in_admin)
                )
    return routes


def build_path(route: Route, values: dict) -> str:
    """The path of `route` with `values` in its parameters, checked by resolving it back."""
    with translation.override(route.lang or LANGUAGES[0]):
        path = _fill_levels(route, values)
        match = resolve(path)
    if match.func != route.callback:
        raise Unfillable(f"{path} resolves to {match.view_name or match.func}, not {route.label}")
    return path


def _fill_levels(route: Route, values: dict) -> str:
    path = "/"
    for level in route.levels:
        pattern = level.pattern
        if isinstance(pattern, LocalePrefixPattern):
            path += pattern.language_prefix
            continue
        converters = getattr(pattern, "converters", {})
        candidates = normalize(pattern.regex.pattern)
        template, names = next(
            ((t, n) for t, n in candidates if set(n) <= set(values)), (None, None)
        )
        if template is None:
            raise Unfillable(f"no way to fill {route.key} with {sorted(values)}")
        path += template % {
            n: converters[n].to_url(values[n]) if n in converters else str(values[n]) for n in names
        }
    return path


# Views whose <int:pk> names one model (the sweep tries every BRAVO object of it, the fuzz test
# one object); the sweep fills any other pk with every BRAVO object of every model.
VIEW_MODELS = {
    "consultations:workshop": Workshop,
    "consultations:workshop_document": WorkshopDocument,
    "consultations:programme_document": CouncilProgramme,
    "commitments:comment_report": Comment,
    "commitments:plan_document": PlanDocument,
    "commitments:proposal": Proposal,
    "commitments:proposal_support": Proposal,
    "commitments:follow_proposal": Proposal,
}
# Views whose <str:kind> takes one of a few values (None: the kind names no model).
KINDS = {
    "commitments:evidence": {
        "milestone": MilestoneUpdate,
        "assessment": AssessmentEvidence,
        "other": None,
    },
    "commitments:forum_file": {"rules": Forum, "minutes": ForumMeeting, "other": None},
    "commitments:self_assessment": {
        **dict.fromkeys(PlanSelfAssessment.Kind.values),
        "other": None,
    },
}
FORMATS = ("json", "api")  # the API's format suffixes


def view_model(route: Route):
    """The model a pattern's <pk> or <slug> names: a DRF viewset's, or VIEW_MODELS'."""
    view_class = getattr(route.callback, "cls", None)  # a DRF viewset
    if view_class is not None:
        queryset = getattr(view_class, "queryset", None)
        if queryset is not None:
            return queryset.model
        return view_class.serializer_class.Meta.model
    return VIEW_MODELS.get(route.name)
