"""Rights on the multi-stakeholder forum: council staff keep its members (entered under the
forum, hence the change right on it) and meetings; the coordinator also creates or deletes the
forum and records its endorsements of a plan (frozen here, like 0002 and 0010)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = ("view", "add", "change", "delete")
RIGHTS = {
    "Council staff": [
        "view_forum",
        "change_forum",
        *[f"{action}_{model}" for model in ("forummember", "forummeeting") for action in ALL],
        "view_planendorsement",
    ],
    "Coordinator": [
        f"{action}_{model}"
        for model in ("forum", "forummember", "forummeeting", "planendorsement")
        for action in ALL
    ],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in RIGHTS.items():
        Group.objects.get(name=name).permissions.add(
            *Permission.objects.filter(
                content_type__app_label="commitments", codename__in=codenames
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in RIGHTS.items():
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="commitments", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [("commitments", "0017_forum")]

    operations = [migrations.RunPython(grant, revoke)]
