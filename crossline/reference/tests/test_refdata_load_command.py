import io

import pytest
from django.core.management import call_command

from crossline.organisations.models import Organisation
from crossline.reference.models import (
    LocalAuthority,
    LocalAuthorityCode,
    PoliceForce,
    PostcodeDistrictShare,
    Region,
)

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(Region.objects.values_list()),
        sorted(PoliceForce.objects.values_list()),
        sorted(LocalAuthority.objects.values_list()),
        sorted(LocalAuthorityCode.objects.values_list()),
        sorted(PostcodeDistrictShare.objects.values_list("district", "local_authority", "police_force",
                                                         "postcode_count", "share")),
        sorted(Organisation.objects.values_list("name", "slug", "kind", "police_force", "region")),
    )


def test_refdata_load_prints_counts_and_running_it_again_changes_nothing():
    out = io.StringIO()
    call_command("refdata", "load", stdout=out)
    before = snapshot()
    call_command("refdata", "load", stdout=out)
    assert snapshot() == before
    assert out.getvalue().count(
        "10 regions, 44 forces, 318 local authorities, 368 local authority codes, 4821 postcode district shares"
    ) == 2
    assert Organisation.objects.filter(police_force__isnull=False).count() == 44
