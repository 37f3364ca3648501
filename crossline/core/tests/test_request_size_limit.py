"""A request larger than anything the service accepts is refused before it is read (IN-01): no
upload is parsed, written to disk or handed to a view."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import override_settings
from django.urls import reverse

from crossline.conftest import sign_in

pytestmark = pytest.mark.django_db


class _Recorder(FileUploadHandler):
    """Notes that Django began reading an uploaded file."""

    started: list[str] = []

    def new_file(self, *args, **kwargs):
        _Recorder.started.append(args[1] if len(args) > 1 else "file")
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


@override_settings(REQUEST_MAX_BYTES=2048, UPLOAD_MAX_BYTES=2 * 2**20,
                   FILE_UPLOAD_HANDLERS=["crossline.core.tests.test_request_size_limit._Recorder"])
def test_a_web_upload_over_the_limit_is_refused_before_any_of_it_is_read(client, wy_submitter):
    sign_in(client, wy_submitter)
    _Recorder.started.clear()
    response = client.post(reverse("returns:submit"), {"file": SimpleUploadedFile("return.zip", b"x" * 4096)})
    assert response.status_code == 413
    assert b"What you sent is too large" in response.content and b"up to 2 MB" in response.content
    assert _Recorder.started == []


@override_settings(REQUEST_MAX_BYTES=2048)
def test_an_api_request_over_the_limit_gets_a_problem_document(client):
    response = client.post("/api/v1/returns", data=b"{" + b" " * 4096 + b"}", content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:crossline:problem:request-too-large"


@override_settings(REQUEST_MAX_BYTES=2048)
def test_a_request_within_the_limit_goes_through(client, wy_submitter):
    sign_in(client, wy_submitter)
    assert client.get(reverse("returns:submit")).status_code == 200
