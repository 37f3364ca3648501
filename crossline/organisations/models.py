"""The organisations that use Crossline. Every user and machine client belongs to exactly one."""

from django.db import models


class OrganisationKind(models.TextChoices):
    POLICE_FORCE = "police_force", "Police force"
    NATIONAL_CENTRE = "national_centre", "National centre"
    ROCU = "rocu", "Regional organised crime unit"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    NHS_BODY = "nhs_body", "NHS body"
    EDUCATION = "education", "Education"
    YOUTH_JUSTICE = "youth_justice", "Youth justice service"
    VIOLENCE_REDUCTION_UNIT = "violence_reduction_unit", "Violence Reduction Unit"
    PCC_OFFICE = "pcc_office", "Police and Crime Commissioner's office"


# Organisations that hold police intelligence and may see police-only pages.
LAW_ENFORCEMENT_KINDS = frozenset(
    {OrganisationKind.POLICE_FORCE, OrganisationKind.NATIONAL_CENTRE, OrganisationKind.ROCU}
)
# Partners that share and receive under information-sharing agreements.
PARTNER_KINDS = frozenset(
    {
        OrganisationKind.LOCAL_AUTHORITY,
        OrganisationKind.NHS_BODY,
        OrganisationKind.EDUCATION,
        OrganisationKind.YOUTH_JUSTICE,
        OrganisationKind.VIOLENCE_REDUCTION_UNIT,
    }
)


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    # Where the organisation sits in the geography. A force is its force area; a council its
    # local authority; a ROCU its region; a PCC office its force area.
    police_force = models.ForeignKey(
        "reference.PoliceForce", null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )
    local_authority = models.ForeignKey(
        "reference.LocalAuthority", null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )
    region = models.ForeignKey(
        "reference.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="organisations"
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_law_enforcement(self) -> bool:
        return self.kind in LAW_ENFORCEMENT_KINDS

    @property
    def is_national(self) -> bool:
        return self.kind == OrganisationKind.NATIONAL_CENTRE
