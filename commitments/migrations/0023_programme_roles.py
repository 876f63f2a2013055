"""Rights on the councils' own programmes (PAC, PDP, PDR): coordinators keep their council's
list; council staff, moderators and the monitoring body read it (frozen here, like 0002)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALL = [f"{action}_councilprogramme" for action in ("view", "add", "change", "delete")]
RIGHTS = {
    "Council staff": ["view_councilprogramme"],
    "Coordinator": ALL,
    "Moderator": ["view_councilprogramme"],
    "Monitoring body": ["view_councilprogramme"],
}


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in RIGHTS.items():
        group = Group.objects.filter(name=name).first()
        if group:
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
        ("commitments", "0022_sustainable_development_goals"),
        ("consultations", "0013_council_programmes"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
