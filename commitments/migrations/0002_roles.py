"""Create the role groups and their model permissions. Frozen here on purpose: a later change of
a role's rights is a new migration, so every database gets the same groups."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VIEW = ("view",)
ALL = ("view", "add", "change", "delete")

COUNCIL_STAFF = {
    "consultations": {
        "council": VIEW,
        "theme": VIEW,
        "actionplan": VIEW,
        "planstagechange": VIEW,
        "workshop": ALL,
        "workshopdocument": ALL,
        "workinggroup": ALL,
        "proposal": ALL,
    },
    "commitments": {
        "commitment": VIEW,
        "milestone": ("view", "change"),
        "indicator": ("view", "change"),
    },
}
COORDINATOR = {
    "consultations": {
        **COUNCIL_STAFF["consultations"],
        "actionplan": ("view", "add", "change"),
    },
    "commitments": {"commitment": ALL, "milestone": ALL, "indicator": ALL},
}
COORDINATOR_EXTRA = [
    ("consultations", "change_plan_stage"),
    ("consultations", "publish_plan"),
    ("consultations", "answer_proposal"),
]
MODERATOR = {
    "consultations": {"council": VIEW, "actionplan": VIEW, "proposal": VIEW},
    "commitments": {"commitment": VIEW},
}

ROLES = {
    "Council staff": (COUNCIL_STAFF, []),
    "Coordinator": (COORDINATOR, COORDINATOR_EXTRA),
    "Moderator": (MODERATOR, []),
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; make them exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, (by_model, extra) in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        wanted = list(extra)
        for app_label, models in by_model.items():
            for model, actions in models.items():
                wanted += [(app_label, f"{action}_{model}") for action in actions]
        permissions = [
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
            for app_label, codename in wanted
        ]
        group.permissions.set(permissions)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("consultations", "0002_roles_and_stage_history"),
        ("commitments", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
