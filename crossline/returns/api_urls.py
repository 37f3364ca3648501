"""API routes. DRF authenticates machine clients itself (bearer tokens), so the site-wide
LoginRequiredMiddleware, which would send a token call to the sign-in page, stands aside."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from crossline.returns import api

app_name = "returns_api"
urlpatterns = [
    path("returns", login_not_required(api.ReturnSubmitView.as_view()), name="submit"),
    path("returns/submissions/<int:pk>", login_not_required(api.SubmissionView.as_view()), name="submission"),
]
