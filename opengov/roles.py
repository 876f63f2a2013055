"""The roles of the portal. Groups and their permissions are created by the migration
commitments/0002_roles; superusers are the network administrators."""

from django.contrib.auth.models import AbstractBaseUser

COUNCIL_STAFF = "Council staff"
COORDINATOR = "Coordinator"
MODERATOR = "Moderator"
ROLES = (COUNCIL_STAFF, COORDINATOR, MODERATOR)


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
