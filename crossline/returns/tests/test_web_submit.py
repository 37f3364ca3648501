"""A force's submitter uploads a return on the web and sees its outcome (issue 3, part 2)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crossline.conftest import sign_in
from crossline.returns import forms as return_forms
from crossline.returns.models import NationalReturn, Submission, SubmissionStatus
from crossline.returns.readers import read_upload
from crossline.returns.tests.builders import TODAY, as_json, as_xlsx, sample_return
from crossline.returns.tests.storage_support import nothing_stored
from crossline.returns.tests.storage_support import raw_store as raw_store
from crossline.returns.validate import validate_return

pytestmark = pytest.mark.django_db
KEY = "6a1f2b9e-3c4d-4e5f-8a7b-9c0d1e2f3a4b"


def upload(client, content: bytes, filename: str = "october.xlsx", key: str = KEY):
    return client.post(reverse("returns:submit"), {"file": SimpleUploadedFile(filename, content),
                                                   "idempotency_key": key})


def broken_return() -> dict:
    doc = sample_return()
    doc["people"][0]["roles"] = ["lookout"]
    doc["lines"][0]["status"] = "asleep"
    return doc


def test_the_upload_page_offers_the_template_and_says_what_it_accepts(client, wy_submitter):
    sign_in(client, wy_submitter)

    response = client.get(reverse("returns:submit"))

    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("returns:template") in page and reverse("returns:template_example") in page
    assert ".xlsx" in page and ".zip" in page and ".json" in page and "20 MB" in page
    assert 'enctype="multipart/form-data"' in page and "data-prevent-double-click" in page
    assert "You can submit returns for West Yorkshire Police" in page


def test_a_valid_workbook_is_accepted_and_the_outcome_page_says_so(client, wy_submitter, raw_store):
    sign_in(client, wy_submitter)

    response = upload(client, as_xlsx(sample_return()))

    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("returns:submission", args=[submission.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert "Return accepted" in text and "October 2026" in text and "Version 1" in text
    stored = NationalReturn.objects.get()
    assert (stored.person_count, stored.line_count) == (2, 1)
    assert reverse("returns:detail", args=[stored.pk]) in text
    assert submission.submitted_by == wy_submitter


def test_an_invalid_return_lists_every_error_located_and_stores_nothing(client, wy_submitter, raw_store):
    sign_in(client, wy_submitter)

    response = upload(client, as_xlsx(broken_return()))
    page = client.get(response["Location"])

    assert nothing_stored()
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.REJECTED
    text = page.content.decode()
    assert "Your return was not accepted" in text
    assert page.context["errors_shown"] == submission.error_count == 2
    summary = re.search(r'govuk-error-summary__list">(.*?)</ul>', text, re.S).group(1)
    links = re.findall(r'href="#(error-\d+)"', summary)
    assert len(links) == 2
    for anchor in links:  # every link in the summary lands on a row of the errors table
        assert f'id="{anchor}"' in text
    # Located by sheet, row and column, with the value given.
    assert "Sheet ‘lines’" in text and "Sheet ‘people’" in text
    assert "people row 2, roles" in summary and "lines row 2, status" in summary
    assert ">lookout<" in text and ">asleep<" in text
    assert "?format=xlsx" in text and "?format=csv" in text


def test_errors_are_listed_sheet_by_sheet_in_the_order_of_the_return(client, wy_submitter, raw_store):
    sign_in(client, wy_submitter)

    page = client.get(upload(client, as_xlsx(broken_return()))["Location"])

    assert [group["sheet"] for group in page.context["error_groups"]] == ["lines", "people"]
    assert [issue.pk for issue in page.context["errors_in_order"]] == [
        issue.pk for group in page.context["error_groups"] for issue in group["issues"]]


def test_only_the_first_500_errors_are_listed_with_the_total(client, wy_submitter, raw_store):
    doc = sample_return()
    template = doc["people"][1]
    doc["people"] += [dict(template, person_ref=f"P-{n}", roles=["lookout"]) for n in range(501)]
    sign_in(client, wy_submitter)

    page = client.get(upload(client, as_json(doc), "big.json")["Location"])

    submission = Submission.objects.get()
    assert submission.error_count == 501
    assert page.context["errors_shown"] == 500
    text = page.content.decode()
    assert "The return has 501 errors. The first 500 are listed here" in text
    assert "people item 3, roles" in text  # JSON items are numbered as the submitter counts them
    assert text.count('href="#error-') == 500


def test_a_rejected_attempt_stays_listed(client, wy_submitter, raw_store):
    sign_in(client, wy_submitter)
    upload(client, as_xlsx(broken_return()))

    listing = client.get(reverse("returns:submissions"))

    [shown] = listing.context["page"].object_list
    assert shown.status == SubmissionStatus.REJECTED
    assert "Rejected" in listing.content.decode()


def test_the_same_return_again_is_recognised_as_a_duplicate(client, wy_submitter, raw_store):
    sign_in(client, wy_submitter)
    upload(client, as_json(sample_return()), "october.json")

    page = client.get(upload(client, as_json(sample_return()), "october-again.json",
                             key="0b7c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d")["Location"])

    stored = NationalReturn.objects.get()
    assert page.context["submission"].status == SubmissionStatus.DUPLICATE
    text = page.content.decode()
    assert "This return is already stored" in text
    assert reverse("returns:detail", args=[stored.pk]) in text and "version 1" in text


def test_a_second_click_gets_the_first_outcome_not_a_second_submission(client, wy_submitter, raw_store):
    sign_in(client, wy_submitter)

    first = upload(client, as_json(sample_return()), "october.json")
    second = upload(client, as_json(sample_return()), "october.json")

    assert first["Location"] == second["Location"]
    assert Submission.objects.count() == 1


def test_another_file_sent_from_the_same_page_is_asked_for_again(client, wy_submitter, raw_store):
    sign_in(client, wy_submitter)
    upload(client, as_json(sample_return()), "october.json")

    response = upload(client, as_json(broken_return()), "october.json")

    assert response.status_code == 200
    assert "You already sent a different file from this page" in response.content.decode()
    assert response.context["form"]["idempotency_key"].value() != KEY  # a fresh key for the next attempt
    assert Submission.objects.count() == 1


def test_no_file_chosen_is_a_form_error(client, wy_submitter):
    sign_in(client, wy_submitter)

    response = client.post(reverse("returns:submit"), {"idempotency_key": KEY})

    assert response.status_code == 200
    assert "Select your return" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_file_over_the_limit_is_refused_unread(client, wy_submitter, monkeypatch):
    monkeypatch.setattr(return_forms, "MAX_UPLOAD_BYTES", 100)
    sign_in(client, wy_submitter)

    response = upload(client, b"x" * 101, "huge.xlsx")

    assert response.status_code == 200
    assert "The selected file must be smaller than" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_file_that_is_not_a_return_is_a_located_rejection_not_an_error_page(client, wy_submitter, raw_store):
    sign_in(client, wy_submitter)

    page = client.get(upload(client, b"MZ\x90\x00 not a workbook", "october.xlsx")["Location"])

    assert page.status_code == 200
    assert "is a program, not a return" in page.content.decode()
    assert nothing_stored()


@pytest.mark.parametrize("fixture", ["wy_analyst", "council_officer", "national_coordinator", "pcc_viewer"])
def test_only_submitters_reach_the_upload_page(client, request, fixture):
    sign_in(client, request.getfixturevalue(fixture))

    assert client.get(reverse("returns:submit")).status_code == 403
    assert client.get(reverse("returns:template")).status_code == 403


def test_the_template_and_the_example_download_and_the_example_passes(client, wy_submitter):
    sign_in(client, wy_submitter)

    blank = client.get(reverse("returns:template"))
    example = client.get(reverse("returns:template_example"))

    for response in (blank, example):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response["Content-Disposition"].startswith("attachment;")
    result = validate_return(read_upload(example.content, "example.xlsx"), today=TODAY)
    assert result.errors == []
    assert result.validated.header.force.pk == "E23000010"


def test_a_rejected_attempt_records_and_shows_the_force_and_period_it_was_for(client, wy_submitter, raw_store):
    sign_in(client, wy_submitter)
    response = upload(client, as_xlsx(broken_return()))
    attempt = Submission.objects.get()
    assert attempt.status == SubmissionStatus.REJECTED
    assert (attempt.force_id, str(attempt.period_start), str(attempt.period_end)) == (
        "E23000010", "2026-10-01", "2026-10-31")

    page = client.get(reverse("returns:submission", args=[attempt.pk])).content.decode()
    assert re.search(r"Return for</dt>\s*<dd[^>]*>West Yorkshire( Police)?, October 2026", page), response
    listing = client.get(reverse("returns:submissions"), {"period": "2026-10-01_2026-10-31"})
    assert [shown.pk for shown in listing.context["page"].object_list] == [attempt.pk]
    assert "October 2026" in listing.content.decode()


def test_an_attempt_unreadable_that_far_says_the_period_is_not_known(client, wy_submitter, raw_store):
    sign_in(client, wy_submitter)
    doc = sample_return()
    doc["return"]["period_end"] = "the end of October"  # the force is readable, the period is not
    upload(client, as_json(doc), filename="october.json")
    attempt = Submission.objects.get()
    assert (attempt.status, attempt.force_id, attempt.period_start) == (SubmissionStatus.REJECTED, "E23000010", None)

    page = client.get(reverse("returns:submission", args=[attempt.pk])).content.decode()
    assert "period not known" in page and "could not be read far enough" in page
