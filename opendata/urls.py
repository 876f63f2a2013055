"""The open-data pages (under the language prefix); the API is opendata.api.urls, outside it."""

from django.urls import path

from . import views

urlpatterns = [
    path("opendata/", views.opendata_index, name="opendata"),
    path("opendata/infitah-opendata.zip", views.opendata_zip, name="opendata_zip"),
    path("opendata/results_decidim.csv", views.results_decidim, name="results_decidim"),
    path("opendata/<slug:name>.<str:fmt>", views.dataset_download, name="opendata_dataset"),
]
