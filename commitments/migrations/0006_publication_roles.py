"""Give the roles their rights on plan publications and documents (frozen here, like 0002)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

RIGHTS = {
    "Coordinator": ["view_planpublication", "view_plandocument"],
    "Council staff": ["view_plandocument"],
    "Moderator": ["view_plandocument"],
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
    dependencies = [("commitments", "0005_plan_publications")]

    operations = [migrations.RunPython(grant, revoke)]
