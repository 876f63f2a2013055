"""The roles of the portal. Groups and their permissions are created by the migration
commitments/0002_roles (the monitoring body's by commitments' monitoring_body_role migration);
superusers are the network administrators.

The monitoring body (OGP Local's Local Monitoring Body) is attached to councils as staff are: it
reads everything of its councils but comments (their authors' addresses are personal data) and
writes only the assessments it files itself.

A group's name is the role's key, compared by the code (groups__name=COORDINATOR) and kept in
English; people see its label in their language (role_label), wherever a group is shown.
"""

from django.contrib.auth.models import AbstractBaseUser, Group
from django.utils.translation import pgettext_lazy

COUNCIL_STAFF = "Council staff"
COORDINATOR = "Coordinator"
MODERATOR = "Moderator"
MONITORING_BODY = "Monitoring body"
ROLES = (COUNCIL_STAFF, COORDINATOR, MODERATOR, MONITORING_BODY)
ROLE_LABELS = {
    COUNCIL_STAFF: pgettext_lazy("role", "Council staff"),
    COORDINATOR: pgettext_lazy("role", "Coordinator"),
    MODERATOR: pgettext_lazy("role", "Moderator"),
    MONITORING_BODY: pgettext_lazy("role", "Monitoring body"),
}


def role_label(name: str) -> str:
    """The role's name in the current language; a group that is no role of the portal keeps
    the name it was given."""
    return str(ROLE_LABELS.get(name, name))


def show_role_labels() -> None:
    """Every group shows as its role's label (the admin's group list and pages, the user form's
    groups, the users' filter): they all print str(group), and the names stay keys."""
    Group.__str__ = lambda group: role_label(group.name)


def council_ids_for(user: AbstractBaseUser) -> set[int] | None:
    """The ids of the councils a user works for; None means every council (superusers).

    Cached on the user object for the request."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return None
    if not hasattr(user, "_council_ids"):
        user._council_ids = set(user.councils.values_list("pk", flat=True))
    return user._council_ids


def works_for(user: AbstractBaseUser, council_id: int | None) -> bool:
    ids = council_ids_for(user)
    return ids is None or (council_id is not None and council_id in ids)


def is_monitoring_body(user: AbstractBaseUser) -> bool:
    """True for a monitoring-body user who is no superuser (cached on the user object)."""
    if not user.is_authenticated or user.is_superuser:
        return False
    if not hasattr(user, "_is_monitoring_body"):
        user._is_monitoring_body = user.groups.filter(name=MONITORING_BODY).exists()
    return user._is_monitoring_body
