"""Give the roles their right to moderate proposals sent online: moderators and coordinators
publish, hide and merge them and attach them to a theme, as they moderate comments."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RIGHTS = {
    "Coordinator": ["moderate_proposal"],
    "Moderator": ["moderate_proposal"],
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
                content_type__app_label="consultations", codename__in=codenames
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
                    content_type__app_label="consultations", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("commitments", "0026_proposal_events"),
        ("consultations", "0016_proposal_moderate_permission"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
