"""Reference geography (ONS, Open Government Licence v3.0): forces, regions, councils, postcodes.

Loaded by `crossline refdata load` from the files in crossline/reference/data/; never edited
by users. Every later feature resolves places through crossline.reference.lookups.
"""

from django.db import models


class Region(models.Model):
    """A policing region (HMICFRS) and its regional organised crime unit."""

    key = models.CharField(max_length=8, primary_key=True)  # e.g. "NE", "LON"
    name = models.CharField(max_length=100, unique=True)
    rocu_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PoliceForce(models.Model):
    """A police force. The 43 territorial forces carry their ONS police force area code;
    British Transport Police carries the code "BTP" and has no area of its own."""

    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=100, unique=True)  # ONS area name, e.g. "West Yorkshire"
    force_name = models.CharField(max_length=150)  # e.g. "West Yorkshire Police"
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="forces")
    country = models.CharField(max_length=20, blank=True)
    police_uk_id = models.CharField(max_length=60, blank=True)
    is_territorial = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.force_name


class LocalAuthority(models.Model):
    """A current local authority district (lower tier or unitary), in exactly one force area."""

    gss_code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=150)
    upper_tier_code = models.CharField(max_length=9, blank=True)
    upper_tier_name = models.CharField(max_length=150, blank=True)
    police_force = models.ForeignKey(PoliceForce, on_delete=models.PROTECT, related_name="local_authorities")
    country = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name


class LocalAuthorityCode(models.Model):
    """Any vintage of a local authority code (2011 onwards) and the current authority it became."""

    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=150)
    current = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="historic_codes")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PostcodeDistrictShare(models.Model):
    """The share of a postcode district's postcodes in one local authority (and so one force area)."""

    district = models.CharField(max_length=4, db_index=True)  # outward code, e.g. "LS1"
    local_authority = models.ForeignKey(LocalAuthority, on_delete=models.PROTECT, related_name="+")
    police_force = models.ForeignKey(PoliceForce, on_delete=models.PROTECT, related_name="+")
    postcode_count = models.PositiveIntegerField()
    share = models.DecimalField(max_digits=5, decimal_places=4)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["district", "local_authority"], name="one_share_per_district_la")
        ]

    def __str__(self) -> str:
        return f"{self.district}: {self.local_authority_id} {self.share}"


class Postcode(models.Model):
    """A full postcode from the ONS postcode directory (NSPL/ONSPD), where a deployment loads it."""

    postcode = models.CharField(max_length=8, primary_key=True)  # canonical, e.g. "LS1 4AP"
    local_authority = models.ForeignKey(LocalAuthority, null=True, on_delete=models.PROTECT, related_name="+")
    police_force = models.ForeignKey(PoliceForce, null=True, on_delete=models.PROTECT, related_name="+")
    terminated = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.postcode
