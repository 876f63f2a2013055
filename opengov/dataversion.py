"""Version numbers of the public data, bumped whenever a portal model is saved or deleted.

Cached pages and API answers (opengov.pagecache), ETags, Last-Modified dates and the open-data
ZIP are keyed by them. There are two scopes, so that at national scale (1,590 councils, whose
staff and citizens write all day) a change in one council does not empty the cache of all the
others:

- the network version (KEY), bumped by every public change: pages that gather every council
  (home, proposals list and search, council directory, workshop pages, API, open data);
- a version per council (by slug), bumped by changes to rows that lead to that council (its
  plans, commitments, milestones, comments...), read together with the shared version, which
  any change that may show on every council's pages bumps (a council or theme renamed, or a row
  whose council cannot be told): the pages under /councils/<slug>/.

A row that leads to no council, or whose council cannot be looked up, bumps everything: a
stale page is a bug, an extra re-render is not. Kept in the cache (Redis in production, shared
by all workers); when the cache is down every read behaves as if the data had just changed."""

import contextlib
import datetime
import functools
import time
from collections.abc import Iterable

from django.core.cache import cache
from django.utils import timezone

KEY = "opengov:data-version"
SHARED_KEY = "opengov:data-version:shared"
COUNCIL_KEY = "opengov:data-version:council:"


def _new_value() -> tuple[int, datetime.datetime]:
    # Unique per change (nanoseconds); Last-Modified has second precision, as HTTP.
    return time.time_ns(), timezone.now().replace(microsecond=0)


def data_version(council: str | None = None) -> tuple[int | str, datetime.datetime]:
    """The network version, or with a council's slug the version of that council's pages."""
    keys = [KEY] if council is None else [SHARED_KEY, f"{COUNCIL_KEY}{council}"]
    try:
        values = cache.get_many(keys)
    except Exception:  # cache down: behave as if just changed (no stale answers)
        return 0, timezone.now()
    missing = [key for key in keys if key not in values]
    if missing:
        value = _new_value()
        with contextlib.suppress(Exception):
            cache.set_many(dict.fromkeys(missing, value), timeout=None)
        values.update(dict.fromkeys(missing, value))
    if council is None:
        return values[KEY]
    versions = [values[key] for key in keys]
    return "-".join(str(number) for number, _date in versions), max(d for _n, d in versions)


def bump(councils: Iterable[str] | None = None, **_signal_kwargs) -> tuple[int, datetime.datetime]:
    """A new network version, and a new version of the given councils' pages (slugs) or, with
    councils=None, of every council's pages."""
    value = _new_value()
    keys = [KEY] + (
        [SHARED_KEY] if councils is None else [f"{COUNCIL_KEY}{slug}" for slug in councils]
    )
    # If the cache is down, the next read treats the data as changed anyway.
    with contextlib.suppress(Exception):
        cache.set_many(dict.fromkeys(keys, value), timeout=None)
    return value


def bump_on_change(instance=None, **_signal_kwargs) -> None:
    """Bump now (this process's next reads see the change) and again once the transaction
    commits: an answer cached by another reader between the two, from the not yet committed
    state, is then invalidated. Only the councils the row leads to, when they can be told."""
    from django.db import transaction

    if instance is None:
        councils = None
    elif hasattr(instance, _BEFORE_DELETE):  # looked up before a delete removed the links
        councils = getattr(instance, _BEFORE_DELETE)
    else:
        # A row moved (a commitment to another council's plan) leaves pages behind too.
        before = instance.__dict__.pop(_BEFORE_SAVE, set())
        after = council_slugs_of(instance)
        councils = None if before is None or after is None else sorted(before.union(after))
    bump(councils)
    transaction.on_commit(lambda: bump(councils))


def bump_unless_private(instance, created=False, **signal_kwargs) -> None:
    """Saving a comment that waits for its e-mail confirmation or for a moderator (it has never
    been public: no path leads back to those states), or a new report, changes nothing the
    public sees: every cached page stays valid. Citizens' posts, their confirmation e-mails and
    confirmations would otherwise empty the cache of the whole site."""
    from commitments.models import Comment

    state = getattr(instance, "state", None)
    if state in (Comment.State.PENDING, Comment.State.CONFIRMED) or (state is None and created):
        return
    bump_on_change(instance, **signal_kwargs)


_BEFORE_DELETE = "_dataversion_councils"
_BEFORE_SAVE = "_dataversion_stored_councils"


def remember_councils(instance, **_signal_kwargs) -> None:
    """Before a delete: the councils the row leads to, while its parents and links exist."""
    setattr(instance, _BEFORE_DELETE, council_slugs_of(instance))


def remember_stored_councils(instance, raw=False, **_signal_kwargs) -> None:
    """Before an update: the councils the row leads to as stored, before it moves."""
    if raw or instance._state.adding:
        return
    setattr(instance, _BEFORE_SAVE, _stored_slugs(instance))


def bump_everything(**_signal_kwargs) -> None:
    """For changes no single row describes (commitments linked to proposals, bulk loads)."""
    bump_on_change()


# --- which councils' pages show a row ------------------------------------------------------------

# The foreign keys that lead from a portal row towards its council, followed in this order.
_TOWARDS_COUNCIL = (
    "council",
    "plan",
    "commitment",
    "workshop",
    "working_group",
    "milestone",
    "indicator",
    "comment",
    "assessment",
)


@functools.cache
def _slug_lookups(model) -> tuple[str, ...] | None:
    """The lookups from a row of `model` to the slugs of the councils it leads to ("council__slug",
    "commitment__plan__council__slug"...), or None when its rows may show on any council's pages
    (a council or a theme: their names appear on other councils' pages) or lead to no council."""
    from django.core.exceptions import FieldDoesNotExist

    from consultations.models import Council, Theme

    if issubclass(model, Council | Theme):
        return None
    lookups: list[str] = []
    for name in _TOWARDS_COUNCIL:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        # Forward keys only (a reverse one-to-one, like a commitment's assessment, is not).
        if not (field.concrete and (field.many_to_one or field.one_to_one)):
            continue
        if name == "council":
            lookups.append("council__slug")
            continue
        above = _slug_lookups(field.related_model)
        if above is None:
            return None
        lookups += [f"{name}__{lookup}" for lookup in above]
    return tuple(lookups) or None


def council_slugs_of(instance) -> list[str] | None:
    """The slugs of the councils whose pages may show this row (two queries at most: one along
    its foreign keys, one for the pages of the commitments it is a source of), or None when it
    may show on any council's pages or they cannot be told."""
    found = _stored_slugs(instance)
    if not found:  # the row is gone, or leads nowhere: cannot tell
        return None
    return sorted(found | _pages_elsewhere(instance))


def _stored_slugs(instance) -> set[str] | None:
    """The councils the row leads to as the database holds it (empty if it holds no such row)."""
    lookups = _slug_lookups(type(instance))
    if lookups is None or instance.pk is None:
        return None
    rows = type(instance)._base_manager.filter(pk=instance.pk).values_list(*lookups)
    return {slug for row in rows for slug in row if slug}


def _pages_elsewhere(instance) -> set[str]:
    """Councils whose pages show this row although it does not lead to them: a commitment's
    sources (proposal, with its workshop and working group), whatever their council, and a plan
    on its successor's page."""
    from commitments.models import Commitment
    from consultations.models import ActionPlan, Proposal, WorkingGroup, Workshop

    sourced_from = {
        Proposal: "source_proposals",
        Workshop: "source_proposals__workshop",
        WorkingGroup: "source_proposals__working_group",
    }
    for model, lookup in sourced_from.items():
        if isinstance(instance, model):
            commitments = Commitment.objects.filter(**{lookup: instance.pk})
            return set(commitments.values_list("plan__council__slug", flat=True))
    if isinstance(instance, ActionPlan):
        successors = ActionPlan.objects.filter(predecessor=instance.pk)
        return set(successors.values_list("council__slug", flat=True))
    return set()


def connect_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

    from commitments.models import Comment, CommentReport

    private_when_new = {Comment, CommentReport}
    for app_label in ("consultations", "commitments"):
        for model in apps.get_app_config(app_label).get_models():
            if hasattr(model, "instance_type"):
                # A history row (django-simple-history) is written with the row it records,
                # whose own save has bumped the same versions.
                continue
            if model not in private_when_new:  # comments and reports never move
                pre_save.connect(
                    remember_stored_councils,
                    sender=model,
                    dispatch_uid=f"dataversion-before-save-{model._meta.label}",
                )
            post_save.connect(
                bump_unless_private if model in private_when_new else bump_on_change,
                sender=model,
                dispatch_uid=f"dataversion-save-{model._meta.label}",
            )
            pre_delete.connect(
                remember_councils,
                sender=model,
                dispatch_uid=f"dataversion-before-delete-{model._meta.label}",
            )
            post_delete.connect(
                bump_on_change,
                sender=model,
                dispatch_uid=f"dataversion-delete-{model._meta.label}",
            )
    from commitments.models import Commitment

    m2m_changed.connect(
        bump_everything,
        sender=Commitment.source_proposals.through,
        dispatch_uid="dataversion-sources",
    )
