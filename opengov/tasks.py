"""The floor's Celery tasks (the module Celery's autodiscovery imports)."""

from celery import shared_task

from .search import vocabulary


@shared_task(name="opengov.rebuild_search_vocabulary")
def rebuild_search_vocabulary() -> int:
    """Rebuild the "did you mean" vocabulary from the registered sources (daily, from the
    beat). Safe to run twice: each run replaces the whole table in one transaction."""
    return vocabulary.rebuild()
