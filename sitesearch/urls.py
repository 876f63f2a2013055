from django.urls import path

from . import views

app_name = "sitesearch"

urlpatterns = [path("search/", views.search, name="search")]
