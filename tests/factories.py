"""factory_boy factories for the whole domain; translated fields are set per language."""

import datetime

import factory
from django.contrib.auth import get_user_model

from commitments.models import Commitment, Indicator, Milestone
from consultations.models import (
    ActionPlan,
    Council,
    Proposal,
    Theme,
    WorkingGroup,
    Workshop,
    WorkshopDocument,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("a-long-test-password")


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    kind = Council.Kind.REGION
    name_ar = factory.Sequence(lambda n: f"جهة رقم {n}")
    name_fr = factory.Sequence(lambda n: f"Région n° {n}")
    slug = factory.Sequence(lambda n: f"council-{n}")
    code = factory.Sequence(lambda n: f"C{n:03d}")
    in_network_since = datetime.date(2022, 1, 1)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    name_ar = factory.Sequence(lambda n: f"محور {n}")
    name_fr = factory.Sequence(lambda n: f"Axe {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class ActionPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionPlan

    council = factory.SubFactory(CouncilFactory)
    start_year = 2024
    end_year = 2026
    title_ar = factory.Sequence(lambda n: f"خطة العمل {n}")
    title_fr = factory.Sequence(lambda n: f"Plan d'action {n}")


class WorkshopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workshop

    council = factory.SubFactory(CouncilFactory)
    plan = factory.SubFactory(ActionPlanFactory, council=factory.SelfAttribute("..council"))
    kind = Workshop.Kind.CO_CREATION
    title_ar = factory.Sequence(lambda n: f"ورشة {n}")
    title_fr = factory.Sequence(lambda n: f"Atelier {n}")
    starts_on = datetime.date(2024, 1, 6)
    venue_ar = "مركز التكوين الجهوي"
    venue_fr = "Centre régional de formation"
    participants_civil_society = 20
    participants_deconcentrated_services = 10
    participants_women = 14
    participants_men = 16


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    workshop = factory.SubFactory(WorkshopFactory)
    theme = factory.SubFactory(ThemeFactory)
    title_ar = factory.Sequence(lambda n: f"مجموعة العمل {n}")
    title_fr = factory.Sequence(lambda n: f"Groupe de travail {n}")


class ProposalFactory(factory.django.DjangoModelFactory):
    """A proposal from a working group; council, plan and theme follow the group's workshop."""

    class Meta:
        model = Proposal

    working_group = factory.SubFactory(WorkingGroupFactory)
    council = factory.LazyAttribute(lambda o: o.working_group.workshop.council)
    kind = Proposal.Kind.PROPOSAL
    title_ar = factory.Sequence(lambda n: f"مقترح {n}")
    title_fr = factory.Sequence(lambda n: f"Proposition {n}")
    body_ar = "نص المقترح"
    body_fr = "Texte de la proposition"
    submitted_by = "Association Tanmia"


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    plan = factory.SubFactory(ActionPlanFactory)
    reference = factory.Sequence(lambda n: f"TST-2024-{n:02d}")
    title_ar = factory.Sequence(lambda n: f"التزام {n}")
    title_fr = factory.Sequence(lambda n: f"Engagement {n}")
    lead_agency_ar = "مجلس الجهة"
    lead_agency_fr = "Conseil de la région"
    start_date = datetime.date(2024, 3, 1)
    end_date = datetime.date(2026, 6, 30)
    transparency = True


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    commitment = factory.SubFactory(CommitmentFactory)
    title_ar = factory.Sequence(lambda n: f"مرحلة {n}")
    title_fr = factory.Sequence(lambda n: f"Jalon {n}")
    start_date = datetime.date(2024, 3, 1)
    due_date = datetime.date(2024, 12, 31)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    commitment = factory.SubFactory(CommitmentFactory)
    name_ar = factory.Sequence(lambda n: f"مؤشر {n}")
    name_fr = factory.Sequence(lambda n: f"Indicateur {n}")
    unit_fr = "nombre"
    baseline = 0
    target = 100


class WorkshopDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkshopDocument

    workshop = factory.SubFactory(WorkshopFactory)
    kind = WorkshopDocument.Kind.DOCUMENT
    title_ar = "محضر الورشة"
    title_fr = "Procès-verbal de l'atelier"
    file = factory.django.FileField(filename="proces-verbal.pdf", data=b"%PDF-1.4\n%%EOF\n")
