"""The monitoring body's role (OGP Local's Local Monitoring Body): it reads everything of its
councils but comments (their authors' e-mail addresses are personal data) and files the
inception and end-of-commitment assessments. Coordinators no longer file end-of-commitment
assessments (the monitoring body does; the council's own view is its self-assessment): they, and
council staff, read them. Frozen here, like 0002."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MONITORING_BODY = "Monitoring body"

VIEW = ("view",)
READS = {
    "consultations": {
        "council": VIEW,
        "theme": VIEW,
        "actionplan": VIEW,
        "planstagechange": VIEW,
        "workshop": VIEW,
        "workshopdocument": VIEW,
        "workinggroup": VIEW,
        "proposal": VIEW,
    },
    "commitments": {
        "commitment": VIEW,
        "milestone": VIEW,
        "indicator": VIEW,
        "milestoneupdate": VIEW,
        "indicatorvalue": VIEW,
        "planpublication": VIEW,
        "plandocument": VIEW,
        "planselfassessment": VIEW,
        # Its own assessments (the admin limits changes to the rows it filed).
        "inceptionassessment": ("view", "add", "change"),
        "inceptioncommitmentreview": ("view", "change"),
        "commitmentassessment": ("view", "add", "change"),
        "assessmentevidence": ("view", "add", "change", "delete"),
    },
}
# What the coordinators lose, and what every council role may read.
COORDINATOR_LOSES = [
    f"{action}_{model}"
    for model in ("commitmentassessment", "assessmentevidence")
    for action in ("add", "change", "delete")
]
COUNCIL_READS = [
    "view_commitmentassessment",
    "view_assessmentevidence",
    "view_inceptionassessment",
    "view_inceptioncommitmentreview",
]


def _permissions(apps, app_label, codenames):
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    )


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    group, _created = Group.objects.get_or_create(name=MONITORING_BODY)
    wanted = []
    for app_label, models in READS.items():
        codenames = [f"{a}_{model}" for model, actions in models.items() for a in actions]
        wanted += _permissions(apps, app_label, codenames)
    group.permissions.set(wanted)
    for name in ("Council staff", "Coordinator"):
        Group.objects.get(name=name).permissions.add(
            *_permissions(apps, "commitments", COUNCIL_READS)
        )
    Group.objects.get(name="Coordinator").permissions.remove(
        *_permissions(apps, "commitments", COORDINATOR_LOSES)
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name=MONITORING_BODY).delete()
    coordinator = Group.objects.filter(name="Coordinator").first()
    if coordinator:
        coordinator.permissions.add(*_permissions(apps, "commitments", COORDINATOR_LOSES))


class Migration(migrations.Migration):
    dependencies = [("commitments", "0014_monitoring_body_assessments")]

    operations = [migrations.RunPython(grant, revoke)]
