from django.apps import AppConfig


class OpendataConfig(AppConfig):
    """The open data: the REST API, the datasets and their downloads, the Decidim export and the
    ZIP of everything (no models; it reads consultations and commitments)."""

    name = "opendata"

    def ready(self) -> None:
        # The assessments' datasets join the others (opendata.datasets.DATASETS).
        from . import assessments

        assessments.register()
        from .forum import register_datasets

        register_datasets()
