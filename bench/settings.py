"""Settings of the benchmark server: the project's own (every value from the environment, as in
production) with one more page, /bench/floor/ (see bench/urls.py). Never used outside bench/."""

from opengov.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
