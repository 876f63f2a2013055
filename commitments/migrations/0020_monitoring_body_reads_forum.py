"""The monitoring body reads everything of its councils: the forum (its members, meetings and
endorsements, 0017) too. Frozen here, like 0002 and 0015."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MONITORING_BODY = "Monitoring body"
CODENAMES = [
    f"view_{model}" for model in ("forum", "forummember", "forummeeting", "planendorsement")
]


def _permissions(apps):
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.filter(content_type__app_label="commitments", codename__in=CODENAMES)
    )


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name=MONITORING_BODY)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=MONITORING_BODY).first()
    if group:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [("commitments", "0019_repository_reminders")]

    operations = [migrations.RunPython(grant, revoke)]
