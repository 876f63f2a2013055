"""Site-wide Celery tasks."""

from celery import shared_task


@shared_task(name="opengov.rebuild_opendata_zip", acks_late=True)
def rebuild_opendata_zip() -> str:
    """Rebuild the open-data ZIP when the data changed since the last build (else a no-op)."""
    from .opendata import zip_rebuild

    return zip_rebuild()
