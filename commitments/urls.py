from django.urls import path

from . import views, views_comments, views_progress
from .feeds import PlanFeed

app_name = "commitments"

urlpatterns = [
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/comments/",
        views_comments.comment_create,
        name="plan_comment",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/commitments/<str:reference>/comments/",
        views_comments.comment_create,
        name="commitment_comment",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/feed.atom",
        PlanFeed(),
        name="plan_feed",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/progress/",
        views_progress.progress_report,
        name="progress_report",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/progress.csv",
        views_progress.progress_report_csv,
        name="progress_report_csv",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/self-assessment/<str:kind>.md",
        views_progress.self_assessment_export,
        name="self_assessment",
    ),
    path("evidence/<str:kind>/<int:pk>/", views_progress.evidence_file, name="evidence"),
    path("comments/sent/", views_comments.comment_sent, name="comment_sent"),
    path("comments/confirm/<str:token>/", views_comments.comment_confirm, name="comment_confirm"),
    path("comments/<int:pk>/report/", views_comments.comment_report, name="comment_report"),
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
