from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """Data for developers and benchmarks: the demo loader (load_demo) and the national-scale
    generator (generate_scale). No models; no module of the site imports it."""

    name = "devdata"
