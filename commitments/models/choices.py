"""The fixed scales and lists of OGP a commitment is described with (importable from
commitments.models)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CompletionLevel(models.TextChoices):
    """The completion levels of OGP's Independent Reporting Mechanism."""

    NO_EVIDENCE = "no_evidence", _("No evidence available")
    NOT_STARTED = "not_started", _("Not started")
    LIMITED = "limited", _("Limited")
    SUBSTANTIAL = "substantial", _("Substantial")
    COMPLETE = "complete", _("Complete")


class OpenedGovernment(models.TextChoices):
    """Did the commitment open government? The five points of OGP Local's end-of-commitment
    assessment (and of the Independent Reporting Mechanism), worst first."""

    WORSENED = "worsened", _("Worsened")
    DID_NOT_CHANGE = "did_not_change", _("Did not change")
    MARGINAL = "marginal", _("Marginal")
    MAJOR = "major", _("Major")
    OUTSTANDING = "outstanding", _("Outstanding")


class ChallengeArea(models.TextChoices):
    """The ten policy areas of OGP's Open Gov Challenge."""

    ACCESS_TO_INFORMATION = "access_to_information", _("Access to Information")
    ANTI_CORRUPTION = "anti_corruption", _("Anti-Corruption")
    CIVIC_SPACE = "civic_space", _("Civic Space")
    CLIMATE_AND_ENVIRONMENT = "climate_and_environment", _("Climate and Environment")
    DIGITAL_GOVERNANCE = "digital_governance", _("Digital Governance")
    FISCAL_OPENNESS = "fiscal_openness", _("Fiscal Openness")
    GENDER_AND_INCLUSION = "gender_and_inclusion", _("Gender and Inclusion")
    JUSTICE = "justice", _("Justice")
    MEDIA_FREEDOM = "media_freedom", _("Media Freedom")
    PUBLIC_PARTICIPATION = "public_participation", _("Public Participation")
