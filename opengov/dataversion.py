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

Which councils a row leads to is what its app registered for scoping (opengov.scoping: one table
for both); this module names no app. A row that leads to no council, or whose council cannot be
looked up, bumps everything: a stale page is a bug, an extra re-render is not. Kept in the cache
(Redis in production, shared by all workers); when the cache is down every read behaves as if the
data had just changed.

Network pages may be served stale for a bounded time (NETWORK_STALE_SECONDS, opengov.pagecache):
so that the bound is counted from the first change a page does not show, not from the last one
or from its rendering, each bump records when the network version it replaced stopped being
current (superseded_at), for as long as the bound needs it. A record lost to a race or an outage
only means "unknown", and no stale answer of that version is served."""

import contextlib
import datetime
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from . import scoping

KEY = "opengov:data-version"
SHARED_KEY = "opengov:data-version:shared"
COUNCIL_KEY = "opengov:data-version:council:"
SUPERSEDED_KEY = "opengov:data-version:superseded:"


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
        _record_superseded(value)
        cache.set_many(dict.fromkeys(keys, value), timeout=None)
    return value


def _record_superseded(value: tuple[int, datetime.datetime]) -> None:
    """Before the network version is replaced by `value`: that its current one stops describing
    the data now. The first bump wins (add): two bumps racing keep the earlier time, and the
    version lost between them has no record (unknown: never served stale)."""
    stale_seconds = settings.NETWORK_STALE_SECONDS
    if stale_seconds <= 0:
        return
    current = cache.get(KEY)
    if current is not None:
        cache.add(f"{SUPERSEDED_KEY}{current[0]}", value[0], timeout=stale_seconds + 60)


def superseded_at(version: int) -> float | None:
    """When the network version `version` stopped being current (seconds since the epoch), or
    None when it still is, its record expired (NETWORK_STALE_SECONDS and a minute after) or the
    cache cannot tell."""
    try:
        replaced = cache.get(f"{SUPERSEDED_KEY}{version}")
    except Exception:
        return None
    return None if replaced is None else replaced / 1e9


def bump_on_change(instance=None, **_signal_kwargs) -> None:
    """A row was written: bump_now_and_on_commit() the councils the row leads to, when they
    can be told (every council otherwise)."""
    if instance is None:
        councils = None
    elif hasattr(instance, _BEFORE_DELETE):  # looked up before a delete removed the links
        councils = getattr(instance, _BEFORE_DELETE)
    else:
        # A row moved (a commitment to another council's plan) leaves pages behind too.
        before = instance.__dict__.pop(_BEFORE_SAVE, set())
        after = council_slugs_of(instance)
        councils = None if before is None or after is None else sorted(before.union(after))
    bump_now_and_on_commit(councils)


def bump_now_and_on_commit(councils: Iterable[str] | None) -> None:
    """Bump now (this process's next reads see the change) and again once the transaction
    commits: an answer cached by another reader between the two, from the not yet committed
    state, is then invalidated. None: every council (the shared version)."""
    from django.db import transaction

    councils = None if councils is None else sorted(councils)
    bump(councils)
    transaction.on_commit(lambda: bump(councils))


def bump_unless_private(instance, created=False, **signal_kwargs) -> None:
    """Saving a row its app declares private (a comment that waits for its e-mail confirmation
    or for a moderator, a new report: see opengov.scoping.Scope.private) changes nothing the
    public sees: every cached page stays valid. Citizens' posts, their confirmation e-mails and
    confirmations would otherwise empty the cache of the whole site."""
    scope = scoping.scope_of(type(instance))
    if scope is not None and scope.private is not None and scope.private(instance, created):
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


def _slug_lookups(model) -> tuple[str, ...] | None:
    """The lookups from a row of `model` to the slug of the council it leads to ("council__slug",
    "commitment__plan__council__slug"...), or None when its rows may show on any council's pages
    (a council or a theme: their names appear on other councils' pages) or lead to no council."""
    scope = scoping.scope_of(model)
    if scope is None or scope.everywhere or scope.council is None:
        return None
    return ("slug",) if scope.council == "pk" else (f"{scope.council}__slug",)


def council_slugs_of(instance) -> list[str] | None:
    """The slugs of the councils whose pages may show this row (one query along its foreign
    keys, and one per page elsewhere its apps registered, such as the pages of the commitments
    it is a source of), or None when it may show on any council's pages or they cannot be told."""
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
    """Councils whose pages show this row although it does not lead to them (a commitment's
    sources, whatever their council; a plan on its successor's page), as the apps registered."""
    scope = scoping.scope_of(type(instance))
    if scope is None:
        return set()
    return {slug for pages in scope.elsewhere for slug in pages(instance) if slug}


def watch(model, scope: scoping.Scope) -> None:
    """Bump the versions whenever a row of a registered model is saved or deleted."""
    from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

    label = model._meta.label
    if scope.moves:
        pre_save.connect(
            remember_stored_councils, sender=model, dispatch_uid=f"dataversion-before-save-{label}"
        )
    post_save.connect(
        bump_unless_private if scope.private is not None else bump_on_change,
        sender=model,
        dispatch_uid=f"dataversion-save-{label}",
    )
    pre_delete.connect(
        remember_councils, sender=model, dispatch_uid=f"dataversion-before-delete-{label}"
    )
    post_delete.connect(bump_on_change, sender=model, dispatch_uid=f"dataversion-delete-{label}")


def connect_signals() -> None:
    """Watch every model the apps register for scoping, those registered already and those
    registered later (the apps register from their ready(), after this app's)."""
    scoping.on_register(watch)
