from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from rest_framework.routers import DefaultRouter

from .. import forum
from . import docs, views

router = DefaultRouter(trailing_slash=True)
router.APIRootView = views.APIRootView
router.register("councils", views.CouncilViewSet, basename="council")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("programmes", views.ProgrammeViewSet, basename="programme")
router.register("sdgs", views.SustainableDevelopmentGoalViewSet, basename="sdg")
router.register("workshops", views.WorkshopViewSet, basename="workshop")
router.register("proposals", views.ProposalViewSet, basename="proposal")
router.register("comments", views.CommentViewSet, basename="comment")
router.register("forums", forum.ForumViewSet, basename="forum")
router.register("endorsements", forum.EndorsementViewSet, basename="endorsement")

app_name = "api"

urlpatterns = [
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    # Redoc writes its styles into <style> elements at run time, parses the schema in a blob:
    # worker and draws its icons as data: images: this page alone allows those three (its
    # scripts stay 'self' only, and its bundle loads nothing from another site: docs.py).
    path(
        "docs/",
        csp_update(
            {
                "style-src": [UNSAFE_INLINE],
                "worker-src": [SELF, "blob:"],
                "img-src": [SELF, "data:"],
            }
        )(SpectacularRedocView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path("docs/redoc.js", docs.redoc_script, name="redoc_script"),
    path("", include(router.urls)),
]
