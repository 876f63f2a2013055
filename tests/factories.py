"""factory_boy factories for the whole domain; translated fields are set per language."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from commitments.models import Commitment, Indicator, Milestone
from consultations.models import (
    ActionPlan,
    Council,
    Proposal,
    ProposalSupport,
    Theme,
    WorkingGroup,
    Workshop,
    WorkshopDocument,
)
from opengov import roles


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


class OnlineProposalFactory(factory.django.DjangoModelFactory):
    """A proposal sent online to a plan whose proposals window is open today, confirmed and
    published (pass publication= for another state)."""

    class Meta:
        model = Proposal

    plan = factory.SubFactory(
        ActionPlanFactory,
        stage=ActionPlan.Stage.PREPARATION,
        proposals_opens_on=factory.LazyFunction(
            lambda: timezone.localdate() - datetime.timedelta(days=3)
        ),
        proposals_closes_on=factory.LazyFunction(
            lambda: timezone.localdate() + datetime.timedelta(days=30)
        ),
    )
    council = factory.LazyAttribute(lambda o: o.plan.council)
    kind = Proposal.Kind.PROPOSAL
    title_ar = factory.Sequence(lambda n: f"مقترح عبر الإنترنت {n}")
    body_ar = "نص المقترح"
    residence = "طنجة"
    email = factory.Sequence(lambda n: f"citoyen{n}@example.ma")
    language = "ar"
    consent_at = factory.LazyFunction(timezone.now)
    publication = Proposal.Publication.PUBLISHED
    confirmed_at = factory.LazyFunction(timezone.now)
    published_at = factory.LazyFunction(timezone.now)


class ProposalSupportFactory(factory.django.DjangoModelFactory):
    """A confirmed support of an online proposal (its e-mail erased, as confirmation does)."""

    class Meta:
        model = ProposalSupport

    proposal = factory.SubFactory(OnlineProposalFactory)
    mailbox = factory.Sequence(lambda n: f"{n:064x}")
    language = "ar"
    state = ProposalSupport.State.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


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


# --- the rest of the domain: every concrete model of consultations and commitments has its
# factory (tests/test_factories.py checks it). Models named by "app_label.Model": the factories
# do not depend on the module a model lives in.

# The smallest file the upload checks accept as a PDF.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class PlanStageChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "consultations.PlanStageChange"

    plan = factory.SubFactory(ActionPlanFactory)
    from_stage = ActionPlan.Stage.PREPARATION
    to_stage = ActionPlan.Stage.CONSULTATION


class PlanPublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commitments.PlanPublication"

    plan = factory.SubFactory(ActionPlanFactory)
    version = factory.Sequence(lambda n: n + 1)
    status = "done"


class PlanDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commitments.PlanDocument"

    publication = factory.SubFactory(PlanPublicationFactory)
    plan = factory.SelfAttribute("publication.plan")
    version = factory.SelfAttribute("publication.version")
    language = "ar"
    file = factory.django.FileField(filename="plan.pdf", data=PDF)
    sha256 = "0" * 64
    size = len(PDF)
    generated_at = factory.LazyFunction(timezone.now)


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment as a citizen posts it (pending its e-mail confirmation)."""

    class Meta:
        model = "commitments.Comment"

    plan = factory.SubFactory(ActionPlanFactory)
    author_name = "Salma"
    email = factory.Sequence(lambda n: f"citizen-{n}@example.org")
    body = "Publiez les budgets des arrondissements."
    language = "fr"
    consent_at = factory.LazyFunction(timezone.now)


class CommentReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commitments.CommentReport"

    comment = factory.SubFactory(CommentFactory)
    client_hash = factory.Sequence(lambda n: f"{n:064x}")


class MilestoneUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commitments.MilestoneUpdate"

    milestone = factory.SubFactory(MilestoneFactory)
    status = Milestone.Status.IN_PROGRESS
    note = "En cours."


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commitments.IndicatorValue"

    indicator = factory.SubFactory(IndicatorFactory)
    value = Decimal(5)
    measured_on = datetime.date(2025, 1, 1)


class CommitmentAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commitments.CommitmentAssessment"

    commitment = factory.SubFactory(CommitmentFactory)
    what_was_done_fr = "Les données sont publiées chaque trimestre."
    completion = "substantial"
    opened_government = "major"


class AssessmentEvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commitments.AssessmentEvidence"

    assessment = factory.SubFactory(CommitmentAssessmentFactory)
    title = "Rapport"
    file = factory.django.FileField(filename="rapport.pdf", data=PDF)


class PlanSelfAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commitments.PlanSelfAssessment"

    plan = factory.SubFactory(ActionPlanFactory)
    kind = "mid_term"
    summary_fr = "À mi-parcours."


class ReminderLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commitments.ReminderLog"

    user = factory.SubFactory(UserFactory, is_staff=True)
    milestone = factory.SubFactory(MilestoneFactory)
    state = "due_soon"
    due_date = factory.SelfAttribute("milestone.due_date")


# --- staff ---------------------------------------------------------------------------------------


UNSET = object()


def staff_user(role: str, *councils, **fields):
    """A staff account in the group of `role` (opengov.roles: COUNCIL_STAFF, COORDINATOR,
    MODERATOR) working for `councils`; `fields` go to UserFactory (username, password: None for
    an account that signs in with force_login only, which costs no password hashing). Module
    fixtures call it directly; tests take the `staff_user` fixture (tests/conftest.py)."""
    if role not in roles.ROLES:
        raise ValueError(f"{role!r} is not one of {roles.ROLES}")
    password = fields.pop("password", UNSET)
    user = UserFactory(is_staff=True, **fields)
    if password is not UNSET:
        user.set_password(password)  # None: no password at all
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    for council in councils:
        council.staff.add(user)
    return user


# --- the monitoring body's assessments -----------------------------------------------------------


class InceptionAssessmentFactory(factory.django.DjangoModelFactory):
    """A draft inception assessment; pass status="published" with published_on for a public
    one (or use `published_inception`)."""

    class Meta:
        model = "commitments.InceptionAssessment"

    plan = factory.SubFactory(ActionPlanFactory, stage="adopted")
    summary_fr = "Le plan a été co-créé avec le forum."
    forum_exists = "yes"


class InceptionCommitmentReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commitments.InceptionCommitmentReview"

    assessment = factory.SubFactory(InceptionAssessmentFactory)
    commitment = factory.SubFactory(
        CommitmentFactory, plan=factory.SelfAttribute("..assessment.plan")
    )
    open_government_lens = "yes"
    verifiable = "yes"
    potential_for_results = "modest"


class AssessmentReminderLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commitments.AssessmentReminderLog"

    user = factory.SubFactory(UserFactory, is_staff=True)
    kind = "inception"
    plan = factory.SubFactory(ActionPlanFactory)
    state = "due_soon"
    due_on = datetime.date(2025, 3, 1)


def published_inception(plan, **fields):
    """A published inception assessment of `plan`."""
    return InceptionAssessmentFactory(
        plan=plan, status="published", published_on=datetime.date(2025, 2, 1), **fields
    )


# --- the multi-stakeholder forum ----------------------------------------------------------------


class ForumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commitments.Forum"

    council = factory.SubFactory(CouncilFactory)
    name_ar = "المنتدى متعدد الأطراف"
    name_fr = "Forum multi-acteurs"
    established_on = datetime.date(2022, 3, 1)


class ForumMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commitments.ForumMember"

    forum = factory.SubFactory(ForumFactory)
    name = factory.Sequence(lambda n: f"Membre {n}")
    organisation = "Association Tétouan Ouverte"
    sector = "civil_society"
    sex = "woman"


class ForumMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commitments.ForumMeeting"

    forum = factory.SubFactory(ForumFactory)
    plan = None
    held_on = datetime.date(2023, 5, 10)
    title_ar = "اجتماع المنتدى"
    title_fr = "Réunion du forum"
    minutes_fr = "Le forum a examiné le projet de plan."
    attendees = 12
    attendees_women = 5
    attendees_men = 7


class PlanEndorsementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commitments.PlanEndorsement"

    plan = factory.SubFactory(ActionPlanFactory)
    forum = factory.LazyAttribute(lambda o: ForumFactory(council=o.plan.council))
    version = 1
    endorsed_on = datetime.date(2023, 6, 1)
    statement_fr = "Le forum approuve cette version du plan."


class PlanReminderLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commitments.PlanReminderLog"

    user = factory.SubFactory(UserFactory, is_staff=True)
    plan = factory.SubFactory(ActionPlanFactory)
    last_update = datetime.date(2024, 1, 31)


# --- the links of a commitment: the councils' own programmes, the UN goals ----------------------


class CouncilProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "consultations.CouncilProgramme"

    council = factory.SubFactory(CouncilFactory)
    kind = "pdr"
    title_ar = factory.Sequence(lambda n: f"برنامج التنمية الجهوية {n}")
    title_fr = factory.Sequence(lambda n: f"Programme de développement régional {n}")
    start_year = 2022
    end_year = 2027


class SustainableDevelopmentGoalFactory(factory.django.DjangoModelFactory):
    """The seventeen goals are seeded by a migration: this finds one of them."""

    class Meta:
        model = "commitments.SustainableDevelopmentGoal"
        django_get_or_create = ("number",)

    number = factory.Sequence(lambda n: n % 17 + 1)
    name_ar = factory.LazyAttribute(lambda o: f"الهدف {o.number}")
    name_fr = factory.LazyAttribute(lambda o: f"Objectif {o.number}")
    name_en = factory.LazyAttribute(lambda o: f"Goal {o.number}")


def seed_goals() -> None:
    """The seventeen goals as their migration seeds them (idempotent). A full run may empty the
    rows migrations made before a test that needs them (a flush elsewhere): this puts them back
    exactly as `migrate` does."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("commitments.migrations.0022_sustainable_development_goals")
    migration.seed(apps, None)


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A mailbox that confirmed a follow (one row per mailbox_key)."""

    class Meta:
        model = "commitments.Subscriber"

    email = factory.Sequence(lambda n: f"follower-{n}@example.org")
    mailbox = factory.LazyAttribute(lambda o: o.email.lower())
    language = "ar"
    confirmed_at = factory.LazyFunction(timezone.now)


class FollowFactory(factory.django.DjangoModelFactory):
    """An active follow of a plan (pass council=, commitment=, comment= … with plan=None for
    another target)."""

    class Meta:
        model = "commitments.Follow"

    subscriber = factory.SubFactory(SubscriberFactory)
    plan = factory.SubFactory(ActionPlanFactory)
    state = "active"
    frequency = "immediate"
    language = factory.LazyAttribute(lambda o: o.subscriber.language)
    consent_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)


class FollowEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commitments.FollowEvent"

    kind = "plan_stage"
    key = factory.Sequence(lambda n: f"plan_stage:test-{n}")
    plan = factory.SubFactory(ActionPlanFactory)
    council = factory.LazyAttribute(lambda o: o.plan.council)
    data = factory.LazyFunction(lambda: {"from": "preparation", "to": "consultation"})


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "commitments.Notification"

    event = factory.SubFactory(FollowEventFactory)
    follow = factory.SubFactory(FollowFactory, plan=factory.SelfAttribute("..event.plan"))
    subscriber = factory.LazyAttribute(lambda o: o.follow.subscriber)
    frequency = factory.LazyAttribute(lambda o: o.follow.frequency)


class PlanCountersFactory(factory.django.DjangoModelFactory):
    """A plan's counters as the write paths keep them (commitments.counters): the row is
    the plan's, made or read back, never a second one."""

    class Meta:
        model = "commitments.PlanCounters"
        django_get_or_create = ("plan",)

    plan = factory.SubFactory(ActionPlanFactory)
