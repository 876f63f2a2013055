"""Give the roles their rights on comments: moderators and coordinators moderate and reply."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RIGHTS = {
    "Coordinator": ["view_comment", "change_comment"],
    "Council staff": ["view_comment"],
    "Moderator": ["view_comment", "change_comment"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in RIGHTS.items():
        group = Group.objects.get(name=name)
        group.permissions.add(
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
    dependencies = [("commitments", "0007_comments")]

    operations = [migrations.RunPython(grant, revoke)]
