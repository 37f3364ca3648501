"""The same content again creates nothing new and names the stored return it matches, whatever
form it comes in; a new return for the same force and period is a new version that supersedes
the old, whose records stay readable."""

import pytest

from crossline.returns.models import NationalReturn, Person, SubmissionStatus
from crossline.returns.services import return_submit
from crossline.returns.tests.builders import as_xlsx, sample_return
from crossline.returns.tests.storage_support import raw_store as raw_store
from crossline.returns.tests.storage_support import stored_rows, submit

pytestmark = pytest.mark.django_db


def test_the_same_file_twice_is_one_return_and_the_second_names_the_first(wy_submitter, raw_store):
    first = submit(wy_submitter)
    rows_after_first = stored_rows()

    second = submit(wy_submitter)

    assert second.status == SubmissionStatus.DUPLICATE
    assert second.national_return == first.national_return
    assert second.pk != first.pk  # the attempt itself is on record
    assert stored_rows() == rows_after_first


@pytest.mark.parametrize(("first_form", "second_form"), [("xlsx", "zip"), ("zip", "json"), ("json", "xlsx")])
def test_the_same_content_in_another_form_is_a_duplicate(wy_submitter, raw_store, first_form, second_form):
    first = submit(wy_submitter, form=first_form)

    second = submit(wy_submitter, form=second_form)

    assert second.status == SubmissionStatus.DUPLICATE
    assert second.national_return == first.national_return
    assert NationalReturn.objects.count() == 1


def test_other_cell_formatting_and_row_order_is_the_same_content(wy_submitter, raw_store):
    first = submit(wy_submitter)
    doc = sample_return()
    doc["people"].reverse()
    doc["people"][1]["postcode"] = "LS14AP"
    doc["lines"][0]["status"] = "ACTIVE"
    doc["lines"][0]["deal_numbers"] = ["+44 7700 900123", "07700900124"]
    content = as_xlsx(doc, real_dates=True)

    second = return_submit(content=content, filename="october-again.xlsx", form=None, actor=wy_submitter,
                           organisation=wy_submitter.organisation)

    assert second.status == SubmissionStatus.DUPLICATE
    assert second.national_return == first.national_return


def _changed() -> dict:
    doc = sample_return()
    doc["people"][1]["aliases"] = ["D", "Deano", "Big D"]
    return doc


def test_new_content_for_the_same_period_is_version_two_and_supersedes_version_one(wy_submitter, raw_store):
    first = submit(wy_submitter).national_return

    second = submit(wy_submitter, _changed()).national_return

    first.refresh_from_db()
    assert (second.version, second.is_current, second.supersedes) == (2, True, first)
    assert (first.version, first.is_current) == (1, False)
    assert first.superseded_by == second
    # Version 1 is still readable, record for record.
    assert Person.objects.get(national_return=first, ref="WY-P-2").alias_keys == ["d", "deano"]
    assert Person.objects.get(national_return=second, ref="WY-P-2").alias_keys == ["d", "deano", "big d"]
    assert Person.objects.filter(national_return=first).count() == 2


def test_a_duplicate_is_judged_against_the_current_version(wy_submitter, raw_store):
    """Sending version 1's content again after version 2 restores it as version 3: a force
    correcting a mistaken return must be able to, and nothing is lost either way."""
    first = submit(wy_submitter).national_return
    submit(wy_submitter, _changed())

    again = submit(wy_submitter)

    assert again.status == SubmissionStatus.ACCEPTED
    assert (again.national_return.version, again.national_return.is_current) == (3, True)
    assert again.national_return.content_sha256 == first.content_sha256
    assert list(NationalReturn.objects.filter(is_current=True)) == [again.national_return]


def test_another_period_is_another_return_not_a_version(wy_submitter, raw_store):
    submit(wy_submitter)
    doc = sample_return()
    doc["return"]["period_start"], doc["return"]["period_end"] = "2026-09-01", "2026-09-30"
    for person in doc["people"]:
        person.pop("date_of_birth")
    doc["lines"][0]["first_reported"] = "2026-08-01"
    doc["events"][0]["date"] = "2026-09-15"

    september = submit(wy_submitter, doc)

    assert september.status == SubmissionStatus.ACCEPTED, list(september.issues.values_list("message", flat=True))
    assert september.national_return.version == 1
    assert NationalReturn.objects.filter(is_current=True).count() == 2
