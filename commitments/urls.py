from django.urls import path

from . import views

app_name = "commitments"

urlpatterns = [
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/",
        views.plan_detail,
        name="plan",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/documents/<int:pk>/",
        views.plan_document,
        name="plan_document",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/commitments/<str:reference>/",
        views.commitment_detail,
        name="commitment",
    ),
]
