"""The open-data task: the ZIP of every dataset, rebuilt by the beat when the data changed."""

from celery import shared_task


@shared_task(name="opendata.rebuild_zip", acks_late=True)
def rebuild_zip() -> str:
    """Rebuild the open-data ZIP when the data changed since the last build (else a no-op)."""
    from .bundle import zip_rebuild

    return zip_rebuild()
