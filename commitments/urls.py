from django.urls import path

from . import views
from .comments import views as comments_views
from .feeds import PlanFeed
from .follows import views as follows_views
from .forum import views as forum_views
from .progress import views as progress_views
from .proposing import views as proposing_views
from .publishing import views as publishing_views
from .repository import views as repository_views
from .sharing import views as sharing_views

app_name = "commitments"

urlpatterns = [
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/comments/",
        comments_views.comment_create,
        name="plan_comment",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/commitments/<str:reference>/comments/",
        comments_views.comment_create,
        name="commitment_comment",
    ),
    path(
        "councils/<slug:council_slug>/follow/",
        follows_views.follow_council,
        name="follow_council",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/follow/",
        follows_views.follow_plan,
        name="follow_plan",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/commitments/<str:reference>/follow/",
        follows_views.follow_commitment,
        name="follow_commitment",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/proposals/",
        proposing_views.proposal_create,
        name="plan_proposals",
    ),
    path("proposals/<int:pk>/", proposing_views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/support/", proposing_views.proposal_support, name="proposal_support"),
    path("proposals/<int:pk>/follow/", follows_views.follow_proposal, name="follow_proposal"),
    path("proposals/sent/", proposing_views.proposal_sent, name="proposal_sent"),
    path(
        "proposals/confirm/<str:token>/",
        proposing_views.proposal_confirm,
        name="proposal_confirm",
    ),
    path(
        "proposals/supports/confirm/<str:token>/",
        proposing_views.support_confirm,
        name="support_confirm",
    ),
    path("follow/sent/", follows_views.follow_sent, name="follow_sent"),
    path("follow/confirm/<str:token>/", follows_views.follow_confirm, name="follow_confirm"),
    path("follow/manage/<str:token>/", follows_views.follow_manage, name="follow_manage"),
    path(
        "follow/unsubscribe/<str:token>/",
        follows_views.follow_unsubscribe,
        name="follow_unsubscribe",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/feed.atom",
        PlanFeed(),
        name="plan_feed",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/progress/",
        progress_views.progress_report,
        name="progress_report",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/progress.csv",
        progress_views.progress_report_csv,
        name="progress_report_csv",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/self-assessment/<str:kind>.md",
        progress_views.self_assessment_export,
        name="self_assessment",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/repository/",
        repository_views.plan_repository_page,
        name="plan_repository",
    ),
    path("evidence/<str:kind>/<int:pk>/", progress_views.evidence_file, name="evidence"),
    path("forum/<str:kind>/<int:pk>/", forum_views.forum_file, name="forum_file"),
    path("comments/sent/", comments_views.comment_sent, name="comment_sent"),
    path("comments/confirm/<str:token>/", comments_views.comment_confirm, name="comment_confirm"),
    path("comments/<int:pk>/report/", comments_views.comment_report, name="comment_report"),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/",
        views.plan_detail,
        name="plan",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/share.png",
        sharing_views.plan_image,
        name="plan_image",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/documents/<int:pk>/",
        publishing_views.plan_document,
        name="plan_document",
    ),
    path(
        "councils/<slug:council_slug>/plans/<int:start_year>/commitments/<str:reference>/",
        views.commitment_detail,
        name="commitment",
    ),
]
