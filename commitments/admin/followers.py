"""Followers of a plan or a commitment, counted in their admin and never listed: an address is
personal data (law 09-08), and staff need only know how many people are listening.

The count is an annotation of the admin's queryset (one correlated subquery), so the changelist
runs the same number of queries for 2 rows as for 200, and the change page reads it from the
object it already loads."""

from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext, gettext_lazy as _

from ..models import Follow


def active_followers(target: str):
    """The number of active follows of each row (`target`: "council", "plan" or "commitment"),
    as an expression to annotate: one subquery, whatever the number of rows."""
    follows = (
        Follow.objects.active()
        .filter(**{target: OuterRef("pk")})
        .order_by()
        .values(target)
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(follows, output_field=IntegerField()), Value(0))


def _count(obj, name: str) -> int | str:
    return "—" if obj is None or obj.pk is None else getattr(obj, name, 0)


class FollowerCountAdminMixin:
    """Adds `followers` (a column and a read-only field) to the admin of plans or commitments.
    Put it before the admin class that scopes the queryset, so that the count is annotated on
    the scoped rows."""

    follow_target = ""  # "plan" or "commitment"

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(_followers=active_followers(self.follow_target))
        )

    @admin.display(description=_("followers"), ordering="_followers")
    def followers(self, obj):
        return _count(obj, "_followers")


class PlanFollowersAdminMixin(FollowerCountAdminMixin):
    follow_target = "plan"

    @admin.display(description=_("followers of the council"))
    def council_followers(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return Follow.objects.active().filter(council_id=obj.council_id).count()

    followers_fieldset = (
        _("Followers"),
        {
            "fields": ("followers", "council_followers"),
            "description": _(
                "Citizens who follow this plan by e-mail (confirmed, not stopped), and those who "
                "follow its council: both are told when the plan changes stage or a new PDF is "
                "published. Counted, never listed: an e-mail address is personal data."
            ),
        },
    )


class CommitmentFollowersAdminMixin(FollowerCountAdminMixin):
    follow_target = "commitment"

    @admin.display(description=_("also told: followers of the plan and of the council"))
    def plan_and_council_followers(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        plan = Follow.objects.active().filter(plan_id=obj.plan_id).count()
        council = Follow.objects.active().filter(council__plans=obj.plan_id).count()
        return gettext("plan: %(plan)d · council: %(council)d") % {
            "plan": plan,
            "council": council,
        }

    followers_fieldset = (
        _("Followers"),
        {
            "fields": ("followers", "plan_and_council_followers"),
            "description": _(
                "Citizens who follow this commitment by e-mail (confirmed, not stopped). Those "
                "who follow its plan or its council are also told of its milestone updates, "
                "indicator values, completion and final assessment. Counted, never listed: an "
                "e-mail address is personal data."
            ),
        },
    )
