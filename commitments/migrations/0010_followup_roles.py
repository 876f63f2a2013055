"""Rights on implementation follow-up: council staff record progress entries and indicator
values; coordinators also file assessments and self-assessments (frozen here, like 0002)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ENTRIES = [
    "view_milestoneupdate",
    "add_milestoneupdate",
    "view_indicatorvalue",
    "add_indicatorvalue",
]
ASSESSMENTS = [
    f"{action}_{model}"
    for model in ("commitmentassessment", "assessmentevidence", "planselfassessment")
    for action in ("view", "add", "change", "delete")
]
RIGHTS = {
    "Council staff": ENTRIES + ["view_commitmentassessment", "view_planselfassessment"],
    "Coordinator": ENTRIES + ASSESSMENTS,
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
    dependencies = [("commitments", "0009_implementation_followup")]

    operations = [migrations.RunPython(grant, revoke)]
