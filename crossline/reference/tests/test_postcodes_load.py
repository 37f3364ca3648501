import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from crossline.audit.models import AuditEvent
from crossline.reference.lookups import Confidence, locate_postcode
from crossline.reference.models import Postcode
from crossline.reference.postcode_directory import PostcodeDirectoryError
from crossline.reference.services import postcodes_load

pytestmark = pytest.mark.django_db

NSPL_SAMPLE = Path(__file__).parent / "data" / "nspl_sample.csv"


def load_sample():
    out = io.StringIO()
    call_command("refdata", "load-postcodes", str(NSPL_SAMPLE), stdout=out)
    return out.getvalue()


def table():
    return sorted(Postcode.objects.values_list("postcode", "local_authority_id", "police_force_id", "terminated"))


def test_the_nspl_sample_loads_and_its_postcodes_are_exact():
    output = load_sample()
    assert "18 in England and Wales (1 terminated" in output
    assert "2 elsewhere skipped" in output
    for postcode, force, council in [
        ("LS1 4AP", "E23000010", "E08000035"),
        ("BD20 8LN", "E23000009", "E06000065"),  # a district that is otherwise ambiguous
        ("SW1A 1AA", "E23000001", "E09000033"),
        ("EC2M 7PY", "E23000034", "E09000001"),
        ("CF10 1EP", "W15000003", "W06000015"),
    ]:
        location = locate_postcode(postcode)
        assert location.confidence == Confidence.EXACT, postcode
        assert (location.police_force.code, location.local_authority.gss_code) == (force, council)


def test_old_council_codes_become_todays_councils():
    load_sample()
    assert Postcode.objects.get(postcode="HG1 2RQ").local_authority_id == "E06000065"  # was Harrogate
    assert Postcode.objects.get(postcode="NE8 1HH").local_authority_id == "E08000037"  # Gateshead's old code
    assert Postcode.objects.get(postcode="CA3 8QG").local_authority_id == "E06000063"  # was Carlisle


def test_terminated_postcodes_are_marked_and_rows_elsewhere_skipped():
    load_sample()
    assert Postcode.objects.get(postcode="LS2 8QH").terminated
    assert not Postcode.objects.get(postcode="LS1 4AP").terminated
    assert not Postcode.objects.filter(postcode__in=["EH1 1YZ", "BT1 5GS"]).exists()
    assert locate_postcode("EH1 1YZ").confidence == Confidence.UNKNOWN


def test_loading_twice_changes_nothing():
    load_sample()
    first = table()
    output = load_sample()
    assert table() == first
    assert len(first) == 18
    assert "18 postcodes in all" in output


def test_a_newer_release_updates_a_postcode():
    load_sample()
    newer = NSPL_SAMPLE.read_text().replace('"LS1 4AP","198001",""', '"LS1 4AP","198001","202601"')
    postcodes_load(file=io.StringIO(newer))
    assert Postcode.objects.get(postcode="LS1 4AP").terminated
    assert Postcode.objects.count() == 18


def test_the_onspd_layout_is_read_too():
    onspd = (
        "pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,pfa,lat,long\n"
        "LS1 4AP,LS1  4AP,LS1 4AP,198001,,E99999999,E99999999,E08000035,E05011414,E43000247,0,E23000010,53.79,-1.54\n"
        "EH1 1YZ,EH1  1YZ,EH1 1YZ,198001,,S99999999,S99999999,S12000036,S13002672,S99999999,0,S23000009,55.95,-3.18\n"
    )
    result = postcodes_load(file=io.StringIO(onspd))
    assert (result.postcodes, result.outside_england_and_wales) == (1, 1)
    assert locate_postcode("LS1 4AP").confidence == Confidence.EXACT


def test_a_load_is_audited():
    before = AuditEvent.objects.count()
    load_sample()
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.object_type, event.actor_kind) == ("change", "reference.Postcode", "system")
    assert event.detail["postcodes"] == 18


@pytest.mark.parametrize(("content", "message"), [
    ("name,address\nAlice,Leeds\n", "line 1: this is not an ONS postcode directory"),
    ("", "line 1: the file is empty"),
    ("pcds,laua,pfa,doterm\nLS1 4AP,E08000035,E23000010,\nLS1 4XC,E08000035,E23000010,\n", "line 3: 'LS1 4XC' is not a postcode"),
    ("pcds,laua,pfa,doterm\nLS1 4AP,E08000035,E23000099,\n", "line 2: E23000099 is not a known police force area"),
    ("pcds,laua,pfa,doterm\nLS1 4AP,E08000035\n", "line 2: has 2 columns"),
])
def test_a_bad_file_is_refused_with_its_line_and_changes_nothing(content, message):
    with pytest.raises(PostcodeDirectoryError, match=message):
        postcodes_load(file=io.StringIO(content))
    assert Postcode.objects.count() == 0


def test_a_bad_row_after_many_good_batches_leaves_nothing_behind(tmp_path):
    letters = "ABDEFGHJLN"
    rows = [f"LS{n // 1000 + 1} {n % 10}{letters[n // 10 % 10]}{letters[n // 100 % 10]}" for n in range(6000)]
    assert len(set(rows)) == 6000  # more than one batch is written before the bad row
    content = "pcds,laua,pfa,doterm\n" + "".join(f"{r},E08000035,E23000010,\n" for r in rows) + "XX,E08000035,E23000010,\n"
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(CommandError, match=r"line 6002: 'XX' is not a postcode\. Nothing was loaded\."):
        call_command("refdata", "load-postcodes", str(path), stdout=io.StringIO())
    assert Postcode.objects.count() == 0


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("refdata", "load-postcodes", str(tmp_path / "NSPL.csv"), stdout=io.StringIO())
